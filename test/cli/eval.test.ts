// End-to-end tests of `genegym eval` / `genegym runs` as a child process against a scripted
// OpenAI-compatible mock model and (for --server) a real ORS server, both on loopback.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { buildServer } from '../../src/ors/server/index.js';
import { solveArithmetic, startMockOpenAI } from '../models/mock-openai.js';
import { runEvalCli } from './eval-cli.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(repo, 'src/cli/main.ts');

interface Child {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(sig: NodeJS.Signals): void;
}

function cli(args: string[], home: string, extraEnv: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: repo,
    env: { ...process.env, GENEGYM_HOME: home, OPENAI_API_KEY: 'sk-mock-key-0123456789', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { pid: child.pid!, done, kill: (sig) => child.kill(sig) };
}

/** Runs the CLI in this process (fast); only the kill -9 test needs a real child. */
const run = runEvalCli;

async function withHome(fn: (home: string) => Promise<void>) {
  const home = await mkdtemp(join(tmpdir(), 'gg-eval-'));
  try {
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function lines(home: string, run: string): Array<{ type: string; key: string; outcome?: string; attempt: number }> {
  const path = join(home, 'runs', run, 'episodes.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('eval --json against a mock model through a 429 storm: one summary object, no key in output', () =>
  withHome(async (home) => {
    // Every third request is refused with 429 (the first six all are): retried, never an error.
    const storm = await startMockOpenAI({ script: (b, n) => (n < 6 || n % 3 === 0 ? { kind: 'status', status: 429 } : solveArithmetic(b)) });
    try {
      const r = await run(
        ['eval', '--env', 'arithmetic', '--model', 'openai:mock', '--base-url', storm.url, '--limit', '6', '--epochs', '2', '--concurrency', '3', '--retry-base-ms', '1', '--max-retries', '8', '--run-name', 'storm', '--json'],
        home,
      );
      assert.equal(r.code, 0, r.stderr);
      const out = r.stdout.trim().split('\n');
      assert.equal(out.length, 1, 'stdout holds exactly one JSON object');
      const s = JSON.parse(out[0]);
      for (const k of ['run_id', 'env', 'split', 'episodes', 'correct', 'accuracy', 'ci_low', 'ci_high', 'errors', 'ungraded', 'mean_reward']) assert.ok(k in s, k);
      assert.equal(s.run_id, 'storm');
      assert.equal(s.episodes, 12);
      assert.equal(s.correct, 12);
      assert.equal(s.errors, 0);
      assert.equal(s.accuracy, 1);
      assert.equal(s.pass_k.length, 2);
      assert.ok(storm.requests.length > 24, 'the storm forced retries');
      assert.ok(!r.stderr.includes('sk-mock-key-0123456789') && !readFileSync(join(home, 'runs', 'storm', 'run.json'), 'utf8').includes('sk-mock'));
      // Non-TTY progress is JSON lines on stderr.
      const progress = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(progress.at(-1).done, 12);

      const list = await run(['runs', 'list', '--json'], home);
      const rows = JSON.parse(list.stdout);
      assert.equal(rows[0].run_id, 'storm');
      assert.equal(rows[0].status, 'complete');
      const csv = await run(['runs', 'export', 'storm', '--format', 'csv'], home);
      assert.equal(csv.stdout.trim().split('\n').length, 13);
    } finally {
      await storm.close();
    }
  }));

test('bad input: unknown env, k > epochs, model and agent together, missing key', () =>
  withHome(async (home) => {
    const a = await run(['eval', '--env', 'nope', '--agent', 'oracle'], home);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /unknown environment 'nope'/);
    const b = await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--epochs', '2', '--pass-k', '3'], home);
    assert.match(b.stderr, /pass@3 needs at least 3 epochs/);
    const c = await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--model', 'openai:x'], home);
    assert.match(c.stderr, /give --model <spec> \(one or more\) or --agent <name>, not both/);
    const d = await run(['eval', '--env', 'arithmetic', '--model', 'openai:x', '--limit', '1'], home, { OPENAI_API_KEY: '' });
    assert.match(d.stderr, /OPENAI_API_KEY/);
    assert.ok(!existsSync(join(home, 'runs')) || (await import('node:fs')).readdirSync(join(home, 'runs')).filter((f) => !f.startsWith('index')).length === 0, 'failed starts leave no run behind');
  }));

test('kill -9 mid-run, then resume: every episode exactly once, nothing lost', () =>
  withHome(async (home) => {
    const mock = await startMockOpenAI({ latencyMs: 30 });
    try {
      const args = ['eval', '--env', 'arithmetic', '--model', 'openai:mock', '--base-url', mock.url, '--limit', '30', '--concurrency', '4', '--run-name', 'k9', '--quiet'];
      const child = cli(args, home);
      await waitFor(() => lines(home, 'k9').filter((l) => l.type === 'episode').length >= 6, 30_000, 'six finished episodes');
      child.kill('SIGKILL');
      const killed = await child.done;
      assert.equal(killed.signal, 'SIGKILL');
      const before = lines(home, 'k9');
      const doneBefore = new Set(before.filter((l) => l.type === 'episode').map((l) => l.key));
      assert.ok(doneBefore.size < 30, 'the kill landed mid-run');

      const resumed = await run(['runs', 'resume', 'k9', '--json'], home);
      assert.equal(resumed.code, 0, resumed.stderr);
      const s = JSON.parse(resumed.stdout);
      assert.equal(s.episodes, 30);
      assert.equal(s.correct, 30);
      const after = lines(home, 'k9');
      const episodes = after.filter((l) => l.type === 'episode');
      const perKey = new Map<string, number>();
      for (const e of episodes) perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
      assert.equal(perKey.size, 30, 'no episode lost');
      assert.ok([...perKey.values()].every((n) => n === 1), 'no episode recorded twice');
      // Episodes finished before the kill were not run again: the resume started none of them.
      const resumedStarts = after.slice(before.length).filter((l) => l.type === 'started').map((l) => l.key);
      assert.ok(resumedStarts.every((k) => !doneBefore.has(k)));
      assert.equal(resumedStarts.length, 30 - doneBefore.size);

      const again = await run(['runs', 'resume', 'k9', '--json'], home);
      assert.equal(JSON.parse(again.stdout).episodes, 30);
      assert.equal(lines(home, 'k9').length, after.length, 'resuming a complete run runs nothing');
    } finally {
      await mock.close();
    }
  }));

test('a run is what it says: a killed run started with --env-opt resumes with the same settings, refuses others, and refuses a changed task set', () =>
  withHome(async (home) => {
    const args = ['eval', '--env', 'arithmetic', '--agent', 'oracle', '--env-opt', 'seed=7', '--env-opt', 'tool_delay_ms=40', '--limit', '40', '--concurrency', '2', '--run-name', 'opts', '--quiet'];
    const child = cli(args, home);
    await waitFor(() => lines(home, 'opts').filter((l) => l.type === 'episode').length >= 4, 30_000, 'four finished episodes');
    child.kill('SIGKILL');
    await child.done;
    const cfg = JSON.parse(readFileSync(join(home, 'runs', 'opts', 'run.json'), 'utf8'));
    assert.deepEqual(cfg.env_options, { seed: '7', tool_delay_ms: '40' });
    assert.match(cfg.tasks_fingerprint, /^[0-9a-f]{64}$/);
    // flags that would change the run are refused, naming what the run was started with
    const changed = await run(['runs', 'resume', 'opts', '--env-opt', 'seed=0'], home);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /run opts was started with --env-opt seed=7 --env-opt tool_delay_ms=40; resume reuses the run's own settings/);
    const otherAssembly = await run(['runs', 'resume', 'opts', '--assembly', 'hg38'], home);
    assert.equal(otherAssembly.code, 1);
    assert.match(otherAssembly.stderr, /run opts was started with the default assembly; resume reuses it, so drop --assembly/);
    const resumed = await run(['runs', 'resume', 'opts', '--json'], home);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).correct, 40);
    // every episode came from the seed-7 task set, before and after the kill
    const seven = arithmeticEnvironment({ seed: 7 });
    const zero = arithmeticEnvironment({});
    const records = readFileSync(join(home, 'runs', 'opts', 'episodes.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.type === 'episode');
    assert.equal(records.length, 40);
    let differ = 0;
    for (const r of records) {
      assert.deepEqual(r.task, await seven.tasks.get('test', r.task_index), `episode ${r.key} is a seed-7 task`);
      if (JSON.stringify(r.task) !== JSON.stringify(await zero.tasks.get('test', r.task_index))) differ++;
    }
    assert.ok(differ > 30, 'seed 7 and seed 0 tasks differ, so the check above can fail');
    // an environment that now yields other tasks is refused rather than mixed in
    writeFileSync(join(home, 'runs', 'opts', 'run.json'), JSON.stringify({ ...cfg, tasks_fingerprint: '0'.repeat(64) }));
    const drifted = await run(['runs', 'resume', 'opts'], home);
    assert.equal(drifted.code, 1);
    assert.match(drifted.stderr, /the environment now yields different tasks .* start a new run instead/);
  }));

test('exit codes: errored episodes exit 1 unless --fail-on-error tolerates them; an unreachable model is named', () =>
  withHome(async (home) => {
    const dead = 'http://127.0.0.1:9/v1';
    const base = ['eval', '--env', 'arithmetic', '--model', 'openai/mock', '--base-url', dead, '--limit', '2', '--max-retries', '1', '--retry-base-ms', '1', '--error-retries', '0', '--json'];
    const r = await run([...base, '--run-name', 'down'], home);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).errors, 2);
    assert.match(r.stderr, /"event":"model_retry"/, 'retries show as JSON lines on stderr in --json mode');
    assert.match(r.stderr, /last error: .*openai model mock at http:\/\/127\.0\.0\.1:9\/v1: connection failed/);
    const tolerated = await run([...base, '--run-name', 'down2', '--fail-on-error', '2'], home);
    assert.equal(tolerated.code, 0, tolerated.stderr);
    const fraction = await run([...base, '--run-name', 'down3', '--fail-on-error', '0.5'], home);
    assert.equal(fraction.code, 1);
    assert.match(fraction.stderr, /exit code 1: 2 errored episode\(s\) exceed --fail-on-error 0\.5/);
    const bad = await run([...base, '--run-name', 'down4', '--fail-on-error', '1.5'], home);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--fail-on-error must be a whole count/);
    const none = await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--tasks', 'nope', '--run-name', 'x'], home);
    assert.equal(none.code, 1);
  }));

test('--log-dir and GENEGYM_LOG_DIR choose where runs are written, listed, shown and resumed', () =>
  withHome(async (home) => {
    const logs = join(home, 'elsewhere');
    const unset = { GENEGYM_LOG_DIR: '' }; // (and restored afterwards: --log-dir sets it for the command)
    const r = await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--limit', '3', '--run-name', 'logged', '--quiet', '--log-dir', logs], home, unset);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(logs, 'logged', 'run.json')), 'the run is under --log-dir');
    assert.ok(!existsSync(join(home, 'runs', 'logged')), 'and not under GENEGYM_HOME/runs');
    const listed = await run(['runs', 'list', '--json'], home, { GENEGYM_LOG_DIR: logs });
    assert.deepEqual(JSON.parse(listed.stdout).map((x: { run_id: string }) => x.run_id), ['logged']);
    const shown = await run(['runs', 'show', 'logged', '--log-dir', logs], home, unset);
    assert.match(shown.stdout, /accuracy 100\.0%/);
    const resumed = await run(['runs', 'resume', 'logged', '--json'], home, { GENEGYM_LOG_DIR: logs });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).correct, 3);
    const elsewhere = await run(['runs', 'show', 'logged'], home, unset);
    assert.equal(elsewhere.code, 1, 'without the log dir the run is not found');
    assert.match(elsewhere.stderr, /no run named logged/);
  }));

test('several --model values run as separate runs on one task set', () =>
  withHome(async (home) => {
    const mock = await startMockOpenAI({});
    try {
      const r = await run(['eval', '--env', 'arithmetic', '--model', 'openai:mock-a,openai/mock-b', '--base-url', mock.url, '--limit', '3', '--run-name', 'multi', '--json'], home);
      assert.equal(r.code, 0, r.stderr);
      const summaries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(summaries.map((x) => x.run_id), ['multi-openai-mock-a', 'multi-openai-mock-b']);
      const cfgs = summaries.map((x) => JSON.parse(readFileSync(join(home, 'runs', x.run_id, 'run.json'), 'utf8')));
      assert.deepEqual(cfgs.map((c) => c.model), ['openai:mock-a', 'openai:mock-b']);
      assert.deepEqual(cfgs[0].task_indices, cfgs[1].task_indices);
      assert.equal(cfgs[0].tasks_fingerprint, cfgs[1].tasks_fingerprint);
      assert.ok(summaries.every((x) => x.correct === 3));
    } finally {
      await mock.close();
    }
  }));

test('several --model values: each run reports its own retries, not the earlier runs\'', () =>
  withHome(async (home) => {
    // model a meets a 429 storm (its first four requests), model b none
    let aCalls = 0;
    const mock = await startMockOpenAI({ script: (b) => (b.model === 'mock-a' && aCalls++ < 4 ? { kind: 'status', status: 429 } : solveArithmetic(b)) });
    try {
      const r = await run(['eval', '--env', 'arithmetic', '--model', 'openai:mock-a,openai:mock-b', '--base-url', mock.url, '--limit', '2', '--concurrency', '1', '--retry-base-ms', '1', '--run-name', 'tally', '--json'], home);
      assert.equal(r.code, 0, r.stderr);
      const progress = r.stderr.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'progress');
      const last = (run: string) => progress.filter((e) => e.run_id === run).at(-1);
      assert.equal(last('tally-openai-mock-a').retries, 4);
      assert.equal(last('tally-openai-mock-b').retries, 0, 'the second run starts its own count');
    } finally {
      await mock.close();
    }
  }));

test('Ctrl-C (SIGINT) stops cleanly: exit 130, interrupted episodes leave no record, resume finishes', () =>
  withHome(async (home) => {
    const mock = await startMockOpenAI({ latencyMs: 40 });
    try {
      const child = cli(['eval', '--env', 'arithmetic', '--model', 'openai:mock', '--base-url', mock.url, '--limit', '24', '--concurrency', '3', '--run-name', 'int', '--json'], home);
      await waitFor(() => lines(home, 'int').filter((l) => l.type === 'episode').length >= 3, 30_000, 'three finished episodes');
      child.kill('SIGINT');
      const r = await child.done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /runs resume int/);
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.interrupted, true);
      assert.equal(summary.errors, 0, 'an interrupted episode is not an error');
      assert.ok(!existsSync(join(home, 'runs', 'int', 'run.lock')), 'the lock is released');
      const resumed = JSON.parse((await run(['runs', 'resume', 'int', '--json'], home)).stdout);
      assert.equal(resumed.episodes, 24);
      assert.equal(resumed.correct, 24);
      const perKey = new Map<string, number>();
      for (const l of lines(home, 'int').filter((x) => x.type === 'episode')) perKey.set(l.key, (perKey.get(l.key) ?? 0) + 1);
      assert.ok([...perKey.values()].every((n) => n === 1));
    } finally {
      await mock.close();
    }
  }));

test('an ORS env server that restarts mid-run: episodes hit by it are errors (never wrong), resume completes them', () =>
  withHome(async (home) => {
    let server = await buildServer({ environments: [arithmeticEnvironment()] });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(url).port);
    let restarted = false;
    // The model answers its 11th request only after the env server has restarted, so at least
    // that episode (its session open, waiting for the model) loses its session: deterministic.
    const mock = await startMockOpenAI({
      latencyMs: 20,
      script: async (b, n) => {
        if (n === 10) {
          const closing = server.close(); // as a crash would: drop connections, lose sessions
          server.app.server.closeAllConnections();
          await closing;
          server = await buildServer({ environments: [arithmeticEnvironment()] });
          await server.listen({ port, host: '127.0.0.1' });
          restarted = true;
        }
        return solveArithmetic(b);
      },
    });
    try {
      const args = ['eval', '--env', 'arithmetic', '--server', url, '--model', 'openai:mock', '--base-url', mock.url, '--limit', '16', '--concurrency', '4', '--error-retries', '0', '--run-name', 'restart', '--json'];
      const r = await run(args, home);
      // errored episodes make the exit code 1 (scripts and CI can tell), and the last error is named
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /episode\(s\) ended in error \(not counted as wrong\); last error: .+; retry them with {2}genegym runs resume restart/);
      assert.ok(restarted);
      const s = JSON.parse(r.stdout);
      assert.equal(s.episodes, 16);
      assert.equal(s.correct + s.errors, 16, 'an env restart never makes an answer wrong');
      assert.ok(s.errors > 0, 'the restart hit at least one episode');
      const resumedRun = await run(['runs', 'resume', 'restart', '--json'], home);
      assert.equal(resumedRun.code, 0, resumedRun.stderr);
      const resumed = JSON.parse(resumedRun.stdout);
      assert.equal(resumed.correct, 16);
      assert.equal(resumed.errors, 0);
    } finally {
      await server.close();
      await mock.close();
    }
  }));

test('runs compare pairs two runs by (task, epoch)', () =>
  withHome(async (home) => {
    assert.equal((await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--limit', '12', '--run-name', 'good', '--quiet'], home)).code, 0);
    assert.equal((await run(['eval', '--env', 'arithmetic', '--agent', 'wrong', '--limit', '12', '--run-name', 'bad', '--quiet'], home)).code, 0);
    const r = await run(['runs', 'compare', 'good', 'bad', '--json', '--resamples', '1000'], home);
    const c = JSON.parse(r.stdout);
    assert.equal(c.pairs, 12);
    assert.equal(c.diff, -1);
    assert.equal(c.a_only_correct, 12);
    assert.ok(Math.abs(c.mcnemar_p - 2 / 4096) < 1e-15);
    const show = await run(['runs', 'show', 'good'], home);
    assert.match(show.stdout, /accuracy 100\.0%/);
  }));

test('runs reindex rewrites a lost sidecar byte for byte; an unknown run is a clear error', () =>
  withHome(async (home) => {
    assert.equal((await run(['eval', '--env', 'arithmetic', '--agent', 'oracle', '--limit', '5', '--run-name', 'old', '--quiet'], home)).code, 0);
    const sidecar = join(home, 'runs', 'old', 'episodes.idx.jsonl');
    const written = readFileSync(sidecar, 'utf8');
    rmSync(sidecar);
    const r = await run(['runs', 'reindex', 'old'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /old: indexed 10 lines \(5 episode records\)/);
    assert.equal(readFileSync(sidecar, 'utf8'), written);
    const missing = await run(['runs', 'reindex', 'nope'], home);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no run named nope/);
  }));
