// Leak scan shared by the agent and fixture tests. The mirror legitimately serves raw data from
// which answers can be computed; what must never reach an agent is the precomputed answer: the
// answer object, a graded key with its value, or (outside raw data replies) an answer number.

import assert from 'node:assert/strict';
import type { InProcessEpisode } from '../../../src/agents/genome-qa/episode.js';
import type { GenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';

/** Answer strings that must never appear in what an agent sees (beyond raw mirror data). */
export async function assertNoLeak(env: GenomeQaEnvironment, split: string, index: number, ep: InProcessEpisode): Promise<void> {
  const key = await env.answerKey(split, index);
  const spec = JSON.stringify(await env.tasks.get(split, index));
  const prompt = await ep.prompt();
  const answerJson = JSON.stringify(key.answer);
  const pairs = Object.entries(key.answer).map(([k, v]) => new RegExp(`"${k}"\\s*:\\s*"?${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
  for (const [where, text] of [['spec', spec], ['prompt', prompt]] as const) {
    assert.ok(!text.includes(answerJson), `${where} holds the answer object`);
    for (const re of pairs) assert.doesNotMatch(text, re, `${where} holds a graded key with its value`);
    // numbers and sequences must not show up; labels such as "chr11" are named by the question itself
    for (const v of Object.values(key.answer)) if (/^(\d{4,}|\d+\.\d+|[ACGT]{20,})$/.test(v)) assert.ok(!new RegExp(`\\b${v.replace(/[.]/g, '\\.')}\\b`).test(text), `${where} contains answer value ${v}`);
  }
  for (const { name, result } of ep.transcript) {
    if (name === 'submit_answer') continue;
    const text = JSON.stringify(result);
    assert.ok(!text.includes(answerJson), `${name} output holds the answer object`);
    for (const re of pairs) assert.doesNotMatch(text, re, `${name} output holds a graded key with its value`);
    if (name === 'web_search') {
      for (const v of Object.values(key.answer)) if (/^(\d{4,}|\d+\.\d+|[ACGT]{20,})$/.test(v)) assert.ok(!new RegExp(`\\b${v.replace(/[.]/g, '\\.')}\\b`).test(text), `web_search shows answer value ${v}`);
    }
  }
}

