import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunIndex } from '../../src/runs/index-db.js';
import { finalRecords, RunStore } from '../../src/runs/store.js';
import type { EpisodeRecord, Outcome, RunConfig } from '../../src/runs/types.js';

function config(id: string): RunConfig {
  return {
    run_id: id, created_at: new Date().toISOString(), env: 'arithmetic', server: null, split: 'test', model: null, base_url: null,
    api_key_env: null, agent: 'oracle', task_indices: [0, 1, 2], epochs: 1, seed: 0, max_turns: 5, max_tokens: null, time_limit_ms: null,
    concurrency: 2, pass_threshold: 1, k: [1], cache: false, temperature: null, error_retries: 0, genegym_version: 'test',
  };
}

function rec(task: number, outcome: Outcome, attempt = 1): EpisodeRecord {
  return {
    type: 'episode', key: `${task}#1`, run_id: 'r1', task_index: task, task_id: `t${task}`, epoch: 1, attempt, split: 'test', domain: 'd',
    outcome, reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null, end_reason: 'finished', detail: null, task: {}, turns: 1,
    tool_calls: 1, invalid_calls: 0, model_calls: 1,
    usage: { agent: { inputTokens: 10, outputTokens: 5, cost: 0.001, calls: 1 }, judge: { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 } },
    started_at: '', ended_at: '', duration_ms: 3, final_metadata: null, transcript: [],
  };
}

async function withHome(fn: (home: string) => Promise<void> | void) {
  const home = await mkdtemp(join(tmpdir(), 'gg-runs-'));
  try {
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test('a torn last line (crash mid-write) is skipped and sealed off by the next append', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    store.append({ type: 'started', key: '0#1', attempt: 1, at: 'x' });
    store.append(rec(0, 'correct'));
    store.close();
    appendFileSync(store.episodesPath, '{"type":"episode","key":"1#1","outc'); // torn
    const reopened = RunStore.open(home, 'r1');
    assert.equal(reopened.read().torn, 1);
    reopened.append(rec(1, 'wrong'));
    reopened.close();
    const after = reopened.read();
    assert.equal(after.torn, 1);
    assert.deepEqual(after.records.map((r) => r.key), ['0#1', '1#1']);
    assert.equal(readFileSync(store.episodesPath, 'utf8').split('\n').filter(Boolean).length, 4);
  }));

test('final records: a completed episode is never replaced; an error is superseded by its retry', () => {
  const finals = finalRecords([rec(0, 'error', 1), rec(0, 'correct', 2), rec(0, 'wrong', 3), rec(1, 'error', 1), rec(1, 'error', 2)]);
  assert.equal(finals.get('0#1')?.outcome, 'correct');
  assert.equal(finals.get('0#1')?.attempt, 2);
  assert.equal(finals.get('1#1')?.attempt, 2);
});

test('creating an existing run fails clearly; bad ids are refused', () =>
  withHome((home) => {
    RunStore.create(home, config('r1'));
    assert.throws(() => RunStore.create(home, config('r1')), /already exists.*runs resume r1/);
    assert.throws(() => RunStore.create(home, config('../evil')), /bad run id/);
    assert.throws(() => RunStore.open(home, 'nope'), /no run named nope/);
  }));

test('the run lock: held by a live process it refuses, left by a dead one (kill -9) it is taken over', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    const lockPath = join(store.dir, 'run.lock');
    writeFileSync(lockPath, String(process.ppid));
    assert.throws(() => store.lock(), /being run by process/);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockPath, dead.stdout.trim());
    store.lock();
    assert.equal(readFileSync(lockPath, 'utf8'), String(process.pid));
    store.unlock();
  }));

test('the SQLite index catches up with records it missed', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    const index = RunIndex.open(home);
    try {
      index.upsertRun(store.config, 'running', 0);
      store.append(rec(0, 'correct'));
      index.upsertEpisode(rec(0, 'correct'));
      // Written to the JSONL, but the process died before the index saw it.
      store.append(rec(1, 'error'));
      store.append(rec(1, 'wrong', 2));
      store.append(rec(2, 'correct'));
      store.close();
      index.sync();
      const [row] = index.listRuns();
      assert.equal(row.run_id, 'r1');
      assert.equal(row.episodes, 3);
      assert.equal(row.correct, 2);
      assert.equal(row.wrong, 1);
      assert.equal(row.errors, 0);
      assert.equal(row.status, 'complete');
      assert.equal(row.agent_tokens, 45);
      // An error row never replaces a completed one.
      index.upsertEpisode(rec(2, 'error', 9));
      assert.equal(index.listRuns()[0].correct, 2);
    } finally {
      index.close();
    }
  }));
