// The episodes.jsonl sidecar as the run store writes it: one entry per line, in step with the
// JSONL, each pointing at a complete line whose record gives exactly the entry's fields — also
// after a crash (kill -9) and a resume.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { episodeFields, parseSidecarLine, SIDECAR_HEADER } from '../../src/runs/episode-index.js';
import { RunStore } from '../../src/runs/store.js';
import type { EpisodeRecord, Outcome, RunConfig, RunLine } from '../../src/runs/types.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function config(id: string): RunConfig {
  return {
    run_id: id, created_at: '2026-11-23T00:00:00Z', env: 'arithmetic', server: null, split: 'test', model: null, base_url: null,
    api_key_env: null, agent: 'oracle', task_indices: [0, 1, 2], epochs: 1, seed: 0, max_turns: 5, max_tokens: null, time_limit_ms: null,
    concurrency: 2, pass_threshold: 1, k: [1], cache: false, temperature: null, error_retries: 0, genegym_version: 'test',
  };
}

function rec(task: number, outcome: Outcome, attempt = 1): EpisodeRecord {
  return {
    type: 'episode', key: `${task}#1`, run_id: 'r1', task_index: task, task_id: `t${task}`, epoch: 1, attempt, split: 'test', domain: task % 2 ? 'odd' : null,
    outcome, reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null, end_reason: outcome === 'error' ? 'agent_error' : 'finished',
    detail: outcome === 'error' ? 'boom' : null, task: { question: `Ünïcode question ${task} ✓` }, turns: 1, tool_calls: 1, invalid_calls: 0, model_calls: 1,
    usage: { agent: { inputTokens: 10 + task, outputTokens: 5, cost: 0.001, calls: 1 }, judge: { inputTokens: 0, outputTokens: 0, cost: null, calls: 0 } },
    started_at: '2026-11-23T00:00:00Z', ended_at: '2026-11-23T00:00:01Z', duration_ms: 3, final_metadata: null,
    transcript: [{ t: 0, kind: 'prompt', blocks: [{ type: 'text', text: 'é'.repeat(50 + task), detail: null }], tools: [] }],
  };
}

async function withHome(fn: (home: string) => Promise<void> | void) {
  const home = await mkdtemp(join(tmpdir(), 'gg-sidecar-'));
  try {
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Checks every well-formed sidecar entry against the JSONL: it points at a whole line (a line
 * start, ending in a newline) whose record gives exactly the entry's fields. Returns the entries
 * and how many sidecar lines were not well formed.
 */
function checkSidecar(store: RunStore) {
  const jsonl = readFileSync(store.episodesPath);
  const lines = readFileSync(store.sidecarPath, 'utf8').split('\n');
  assert.equal(lines[0], SIDECAR_HEADER);
  assert.equal(lines.at(-1), '', 'the sidecar ends with a newline');
  let bad = 0;
  const entries = [];
  for (const line of lines.slice(1, -1)) {
    const e = parseSidecarLine(line);
    if (!e) {
      bad++;
      continue;
    }
    assert.ok(e.offset === 0 || jsonl[e.offset - 1] === 0x0a, `entry at ${e.offset} starts a line`);
    assert.equal(jsonl[e.offset + e.length], 0x0a, `entry at ${e.offset} ends at a newline`);
    const parsed = JSON.parse(jsonl.subarray(e.offset, e.offset + e.length).toString('utf8')) as RunLine;
    assert.deepEqual(e.fields, parsed.type === 'episode' ? episodeFields(parsed) : null);
    entries.push(e);
  }
  return { entries, bad };
}

test('the store writes one sidecar entry per JSONL line, in step, with the record’s small fields', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    store.append({ type: 'started', key: '0#1', attempt: 1, at: 'x' });
    store.append(rec(0, 'correct'));
    store.append({ type: 'started', key: '1#1', attempt: 1, at: 'x' });
    store.append(rec(1, 'error'));
    store.append(rec(1, 'wrong', 2));
    store.close();
    const { entries, bad } = checkSidecar(store);
    assert.equal(bad, 0);
    assert.equal(entries.length, 5);
    assert.deepEqual(entries.map((e) => e.fields?.[0] ?? null), [null, '0#1', null, '1#1', '1#1']);
    // The entries tile the file: each line starts where the previous one ended.
    let at = 0;
    for (const e of entries) {
      assert.equal(e.offset, at);
      at = e.offset + e.length + 1;
    }
    assert.equal(at, store.episodesSize());
  }));

test('a resume after a crash between the two writes, or mid sidecar line, seals both files and stays consistent', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    store.append(rec(0, 'correct'));
    store.close();
    // Crash after the JSONL line, before its sidecar entry; then a torn record and a torn sidecar line.
    appendFileSync(store.episodesPath, JSON.stringify(rec(1, 'wrong')) + '\n');
    appendFileSync(store.episodesPath, '{"type":"episode","key":"2#1","outc');
    appendFileSync(store.sidecarPath, '[1234,56,"2#');
    const resumed = RunStore.open(home, 'r1');
    resumed.append(rec(2, 'correct'));
    resumed.close();
    const { entries, bad } = checkSidecar(resumed);
    assert.equal(bad, 1, 'the torn sidecar line is sealed off and not an entry');
    assert.deepEqual(entries.map((e) => e.fields?.[0]), ['0#1', '2#1']);
    assert.deepEqual(resumed.read().records.map((r) => r.key), ['0#1', '1#1', '2#1']);
  }));

test('a run whose sidecar was deleted gets a new one (with its header) on resume', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    store.append(rec(0, 'correct'));
    store.close();
    writeFileSync(store.sidecarPath, '');
    const resumed = RunStore.open(home, 'r1');
    resumed.append(rec(1, 'wrong'));
    resumed.close();
    const { entries } = checkSidecar(resumed);
    assert.deepEqual(entries.map((e) => e.fields?.[0]), ['1#1']);
  }));

test('rebuildSidecar writes what the writer would have: the same entries, none for torn lines, and refuses a locked run', () =>
  withHome((home) => {
    const store = RunStore.create(home, config('r1'));
    store.append({ type: 'started', key: '0#1', attempt: 1, at: 'x' });
    store.append(rec(0, 'correct'));
    store.append(rec(1, 'error'));
    store.append(rec(1, 'wrong', 2));
    store.close();
    const written = readFileSync(store.sidecarPath, 'utf8');
    appendFileSync(store.episodesPath, '{"type":"episode","key":"2#1","outc\n'); // torn, then sealed by a resume
    const resumed = RunStore.open(home, 'r1');
    resumed.append(rec(2, 'correct'));
    resumed.close();
    const afterResume = readFileSync(store.sidecarPath, 'utf8');
    writeFileSync(store.sidecarPath, 'lost');
    assert.deepEqual(resumed.rebuildSidecar(), { lines: 6, episodes: 4, torn: 1 });
    assert.equal(readFileSync(store.sidecarPath, 'utf8'), afterResume, 'byte for byte the sidecar the writer wrote');
    assert.ok(afterResume.startsWith(written));
    const { entries, bad } = checkSidecar(resumed);
    assert.equal(bad, 0);
    assert.deepEqual(entries.map((e) => e.fields?.[0] ?? null), [null, '0#1', '1#1', '1#1', '2#1']);
    // A live writer holds the lock: no rebuild under it.
    writeFileSync(join(store.dir, 'run.lock'), String(process.ppid));
    assert.throws(() => resumed.rebuildSidecar(), /being run by process/);
    assert.equal(readFileSync(store.sidecarPath, 'utf8'), afterResume);
  }));

test('kill -9 of a writer and a resume: every sidecar entry still points at its own whole record', { timeout: 60_000 }, () =>
  withHome(async (home) => {
    RunStore.create(home, config('r1')).close();
    // A child appends records as fast as it can; it is killed mid-stream.
    const script = `
      import { RunStore } from ${JSON.stringify(join(repoRoot, 'src/runs/store.ts'))};
      const store = RunStore.open(${JSON.stringify(home)}, 'r1');
      const big = 'x'.repeat(200000);
      for (let i = 0; ; i++) {
        store.append({ type: 'started', key: i + '#1', attempt: 1, at: 'x' });
        store.append({ type: 'episode', key: i + '#1', run_id: 'r1', task_index: i, task_id: 't' + i, epoch: 1, attempt: 1, split: 'test', domain: null,
          outcome: 'correct', reward: 1, end_reason: 'finished', detail: null, task: {}, turns: 1, tool_calls: 0, invalid_calls: 0, model_calls: 1,
          usage: { agent: { inputTokens: 1, outputTokens: 1, cost: 0, calls: 1 }, judge: { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 } },
          started_at: '', ended_at: '', duration_ms: 1, final_metadata: null, transcript: [{ t: 0, kind: 'note', text: big }] });
        if (i === 20) process.stdout.write('go\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const resumed = RunStore.open(home, 'r1');
    const before = resumed.read().records.length;
    assert.ok(before >= 21);
    resumed.append(rec(9999, 'wrong'));
    resumed.close();
    const { entries } = checkSidecar(resumed);
    const episodes = entries.filter((e) => e.fields);
    assert.ok(episodes.length >= before - 1 && episodes.length <= before + 1, `${episodes.length} entries for ${before + 1} records`);
    assert.equal(episodes.at(-1)?.fields?.[0], '9999#1');
  }));
