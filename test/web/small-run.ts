// A small run for the viewer index tests, written the way the runner writes one: a started line
// before each attempt, every outcome, errors retried once, multi-byte text in the records.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStore } from '../../src/runs/store.js';
import type { EpisodeRecord, Outcome, RunConfig } from '../../src/runs/types.js';

export const RUN = 'side';

export function config(): RunConfig {
  return {
    run_id: RUN, created_at: '2026-11-23T00:00:00Z', env: 'arithmetic', server: null, split: 'test', model: null, base_url: null,
    api_key_env: null, agent: 'oracle', task_indices: [0, 1, 2, 3, 4, 5, 6, 7], epochs: 2, seed: 0, max_turns: 5, max_tokens: null, time_limit_ms: null,
    concurrency: 2, pass_threshold: 1, k: [1, 2], cache: false, temperature: null, error_retries: 1, genegym_version: 'test',
  };
}

const OUTCOMES: Outcome[] = ['correct', 'wrong', 'ungraded', 'error'];

export function rec(task: number, epoch: number, attempt: number, outcome: Outcome): EpisodeRecord {
  return {
    type: 'episode', key: `${task}#${epoch}`, run_id: RUN, task_index: task, task_id: `arith/test/${task}`, epoch, attempt, split: 'test',
    domain: task % 3 === 0 ? null : `d${task % 3}`, outcome, reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null,
    end_reason: outcome === 'error' ? 'agent_error' : 'finished', detail: outcome === 'error' ? 'agent_error: Tïmeout' : `verdict ${outcome}`,
    task: { question: `What is ${task} + ${epoch}? ✓` }, turns: 1 + (task % 3), tool_calls: task % 4, invalid_calls: 0, model_calls: 2,
    usage: { agent: { inputTokens: 100 + task, outputTokens: 7 * epoch, cost: task === 5 ? null : 0.0001 * task, calls: 2 }, judge: { inputTokens: 3, outputTokens: 1, cost: 0, calls: 1 } },
    started_at: `2026-11-23T00:00:${String(task).padStart(2, '0')}Z`, ended_at: '2026-11-23T00:01:00Z', duration_ms: 40 + task, final_metadata: null,
    transcript: [{ t: 0, kind: 'prompt', blocks: [{ type: 'text', text: 'ß'.repeat(30 * task), detail: null }], tools: [] }],
  };
}

/** Writes a run the way the runner does: a started line before each attempt, errors retried once. */
export function writeRun(store: RunStore, tasks: number[], epoch: number): void {
  for (const task of tasks) {
    const outcome = OUTCOMES[(task + epoch) % 4];
    store.append({ type: 'started', key: `${task}#${epoch}`, attempt: 1, at: 'x' });
    store.append(rec(task, epoch, 1, outcome));
    if (outcome === 'error') {
      store.append({ type: 'started', key: `${task}#${epoch}`, attempt: 2, at: 'x' });
      store.append(rec(task, epoch, 2, task % 2 ? 'correct' : 'error'));
    }
  }
}

export async function withHome(fn: (home: string) => Promise<void> | void) {
  const home = await mkdtemp(join(tmpdir(), 'gg-web-sidecar-'));
  try {
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

