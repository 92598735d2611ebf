// Test-only agents that read the server-side answer key: the oracle submits it, the
// wrong-answer agent submits a plausible but wrong variant of every field.

import type { GenomeQaEnvironment } from '../../envs/genome-qa/environment.js';
import type { FieldSpec } from '../../grading/match.js';
import { InProcessEpisode, submit, type AgentResult } from './episode.js';

export async function runOracle(env: GenomeQaEnvironment, split: string, index: number): Promise<AgentResult> {
  const spec = await env.tasks.get(split, index);
  const key = await env.answerKey(split, index);
  const ep = await InProcessEpisode.open(env, spec);
  try {
    return await submit(ep, key.answer, 'oracle: server-side answer key');
  } finally {
    await ep.close();
  }
}

export async function runWrongAnswer(env: GenomeQaEnvironment, split: string, index: number): Promise<AgentResult> {
  const spec = await env.tasks.get(split, index);
  const key = await env.answerKey(split, index);
  const wrong: Record<string, string> = {};
  for (const f of key.fields) wrong[f.key] = perturb(f, key.answer[f.key]);
  const ep = await InProcessEpisode.open(env, spec);
  try {
    return await submit(ep, wrong, 'wrong-answer agent');
  } finally {
    await ep.close();
  }
}

/** A value that must fail the field's grading rule. */
export function perturb(f: FieldSpec, value: string): string {
  if (f.type === 'sequence') {
    const first = value[0].toUpperCase();
    const other = first === 'A' ? 'C' : 'A';
    return other + value.slice(1);
  }
  if (f.type === 'numeric') return (Number(value) + 2 * (f.tolerance ?? 0) + 1).toFixed(2);
  if (/^-?\d+$/.test(value)) return String(Number(value) + 1);
  return `${value}x`;
}
