import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { InProcessDriver } from '../../src/agents/in-process.js';
import { defineScriptedAgent } from '../../src/agents/types.js';
import { arrayTasks, defineEnvironment, defineTool } from '../../src/ors/environment.js';
import { textBlock, toolOutput } from '../../src/ors/types.js';
import { RunIndex } from '../../src/runs/index-db.js';
import { episodeSeed, executeRun, type Progress } from '../../src/runs/runner.js';
import { RunStore } from '../../src/runs/store.js';
import { replacedAttempts, summarise } from '../../src/runs/summary.js';
import type { EpisodeRecord, RunConfig } from '../../src/runs/types.js';

// Task i: reward i/4; domain alternates; an LLM judge "used" 100 + 10 tokens per submission.
const env = defineEnvironment<{ i: number; tries: number }>({
  name: 'partial',
  splits: [{ name: 'test', type: 'test' }],
  tasks: arrayTasks({ test: [0, 1, 2, 3, 4].map((i) => ({ id: `p${i}`, i, domain: i % 2 ? 'odd' : 'even' })) }),
  tools: [
    defineTool({
      name: 'submit',
      description: 'submit',
      input: Type.Object({}),
      run: (_in, st: { i: number; tries: number }) => {
        if (st.i === 4) throw new Error('grader crashed'); // an environment fault
        return toolOutput({ text: 'graded', reward: st.i / 4, finished: true, metadata: { judge_usage: { model: 'openai:judge', input_tokens: 100, output_tokens: 10 } } });
      },
    }),
  ],
  open: ({ task }) => ({ state: { i: Number(task.i), tries: 0 }, prompt: () => [textBlock('go')] }),
});

const submitter = defineScriptedAgent({
  name: 'submitter',
  envs: ['partial'],
  description: 'submits',
  async *plan() {
    yield { name: 'submit' };
  },
});

function cfg(id: string, over: Partial<RunConfig> = {}): RunConfig {
  return {
    run_id: id, created_at: new Date().toISOString(), env: 'partial', server: null, split: 'test', model: null, base_url: null,
    api_key_env: null, agent: 'submitter', task_indices: [0, 1, 2, 3, 4], epochs: 2, seed: 7, max_turns: 5, max_tokens: null,
    time_limit_ms: null, concurrency: 3, pass_threshold: 0.5, k: [1, 2], cache: false, temperature: null, error_retries: 2,
    genegym_version: 'test', ...over,
  };
}

test('summarise: usage and cost count every attempt, with the ones a retry replaced shown apart', () => {
  const u = (inputTokens: number, cost: number) => ({ agent: { inputTokens, outputTokens: 10, cost, calls: 1 }, judge: { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 } });
  const rec = (key: string, outcome: 'correct' | 'error', usage: ReturnType<typeof u>) =>
    ({ type: 'episode', key, task_index: Number(key[0]), epoch: 1, outcome, reward: outcome === 'correct' ? 1 : null, domain: null, usage, duration_ms: 1 }) as unknown as EpisodeRecord;
  const failed = rec('0#1', 'error', u(500, 0.5));
  const retried = rec('0#1', 'correct', u(600, 0.6));
  const other = rec('1#1', 'correct', u(100, 0.1));
  const finals = new Map([['0#1', retried], ['1#1', other]]);
  const replaced = replacedAttempts([failed, retried, other], finals);
  assert.deepEqual(replaced, [failed]);
  const s = summarise([...finals.values()], [1], replaced);
  assert.equal(s.episodes, 2);
  assert.equal(s.correct, 2);
  assert.equal(s.usage.agent.inputTokens, 1200);
  assert.ok(Math.abs(s.usage.agent.cost! - 1.2) < 1e-12);
  assert.equal(s.usage.agent.calls, 3);
  assert.equal(s.usage_replaced.attempts, 1);
  assert.equal(s.usage_replaced.agent.inputTokens, 500);
});

test('executeRun: threshold grading, errors retried then kept apart, judge usage priced apart, per-domain stats', async () => {
  const home = await mkdtemp(join(tmpdir(), 'gg-runner-'));
  try {
    const store = RunStore.create(home, cfg('r'));
    const index = RunIndex.open(home);
    const seen: Progress[] = [];
    const res = await executeRun({
      store, index, driver: new InProcessDriver(env), agent: submitter,
      prices: { 'openai:judge': { inputPerMTok: 1_000_000, outputPerMTok: 0 } },
      onProgress: (p) => seen.push(p),
    });
    index.close();
    const s = res.summary;
    assert.equal(s.episodes, 10);
    // rewards 0, .25, .5, .75 and a crash, twice: threshold 0.5 passes i = 2 and 3
    assert.equal(s.correct, 4);
    assert.equal(s.wrong, 4);
    assert.equal(s.accuracy, 0.5);
    assert.equal(s.mean_reward, 0.375);
    assert.equal(s.pass_k[1].pass_at_k, 0.5);
    assert.equal(s.errors, 2);
    assert.equal(s.by_domain.even.errors, 2);
    assert.equal(s.by_domain.odd.correct, 2); // i = 3
    assert.equal(s.by_domain.odd.wrong, 2); // i = 1
    // judge: 8 graded submissions × 100 input tokens at $1 per token
    assert.equal(s.usage.judge.inputTokens, 800);
    assert.equal(s.usage.judge.cost, 800);
    assert.equal(s.usage.agent.inputTokens, 0);
    // task 4 errored 1 + 2 retries times per epoch, all recorded; only the last counts
    const attempts = store.read().records.filter((r) => r.task_index === 4);
    assert.equal(attempts.length, 6);
    // the 4 replaced attempts are counted in usage, apart (they cost nothing here: the env crashed before any model call)
    assert.equal(s.usage_replaced.attempts, 4);
    assert.equal(seen.at(-1)?.done, 10);
    assert.equal(res.interrupted, false);
    assert.notEqual(episodeSeed(7, 0, 1), episodeSeed(7, 0, 2));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
