// Replicas behind HAProxy on loopback: session affinity by X-Session-ID, and what losing a
// replica (SIGKILL) costs: only its own sessions, whose next request is a clear ORS 404 from
// a live replica; `genegym eval` records those episodes as errors and `runs resume` finishes
// the run with no episode lost or duplicated. Needs Debian's haproxy (installed by .ci/run).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startReplicas, type ReplicaSet } from '../../src/deploy/replicas.js';
import { solveArithmetic, startMockOpenAI } from '../models/mock-openai.js';
import { freePortRun } from '../../src/deploy/ports.js';
import { runEvalCli } from '../cli/eval-cli.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(repo, 'src/cli/main.ts');

const haproxyFound = spawnSync('haproxy', ['-v']).status === 0;
if (!haproxyFound && process.env.CI === 'true') throw new Error('haproxy is missing under CI=true: .ci/run must apt-get install haproxy');
const skip = haproxyFound ? false : 'SKIPPED: haproxy is not installed (apt-get install haproxy); the replica tests did not run';
if (skip) console.error(`replicas.test.ts: ${skip}`);

/** A port for HAProxy and `count` consecutive ports after it for the replicas. */
async function freePorts(count: number): Promise<{ front: number; base: number }> {
  const front = await freePortRun(count + 1);
  return { front, base: front + 1 };
}

async function start(n: number, serveArgs: string[]): Promise<ReplicaSet> {
  const { front, base } = await freePorts(n);
  return startReplicas({
    replicas: n,
    bind: { host: '127.0.0.1', port: front },
    basePort: base,
    serveArgs,
    genegym: [process.execPath, '--import', 'tsx', main],
    checkIntervalMs: 300,
    log: () => {},
  });
}

const json = { 'content-type': 'application/json' };
const post = (url: string, path: string, body: unknown, sid?: string) =>
  fetch(url + path, { method: 'POST', headers: { ...json, ...(sid ? { 'x-session-id': sid } : {}) }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });

async function liveSessions(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^genegym_sessions_live (\d+)$/m.exec(text)![1]);
}

/** The replica port that holds `sid` (its /ping answers 200), or undefined. */
async function ownerOf(set: ReplicaSet, sid: string): Promise<number | undefined> {
  for (const r of set.replicas) {
    const res = await fetch(`http://127.0.0.1:${r.port}/ping`, { method: 'POST', headers: { 'x-session-id': sid } }).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status === 200) return r.port;
  }
  return undefined;
}

test('3 replicas behind HAProxy: sessions stick to one replica; SIGKILL of one costs only its sessions (404 from a live replica), the others carry on', { skip, timeout: 180_000 }, async () => {
  const set = await start(3, ['--env', 'arithmetic']);
  try {
    // /create_session has no X-Session-ID (round-robin); /create and later requests hash it
    const sids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const minted = await post(set.url, '/create_session', {});
      assert.equal(minted.status, 200);
      const { sid } = (await minted.json()) as { sid: string };
      const created = await post(set.url, '/create', { env_name: 'arithmetic', split: 'test', index: i }, sid);
      assert.equal(created.status, 200, await created.clone().text());
      await created.arrayBuffer();
      sids.push(sid);
    }
    const owners = new Map<string, number>();
    for (const sid of sids) owners.set(sid, (await ownerOf(set, sid))!);
    const perReplica = set.replicas.map((r) => sids.filter((s) => owners.get(s) === r.port).length);
    assert.equal(perReplica.reduce((a, b) => a + b), 24, 'every session lives on exactly one replica');
    assert.ok(perReplica.filter((n) => n > 0).length >= 2, `sessions spread over the replicas (${perReplica.join('/')})`);
    // every session's calls reach its replica through HAProxy
    for (const sid of sids) {
      const res = await post(set.url, '/arithmetic/call', { name: 'calculator', input: { expression: '6*7' } }, sid);
      assert.match(await res.text(), /"text":"42"/);
    }

    const victim = set.replicas[perReplica.indexOf(Math.max(...perReplica))];
    victim.process.kill('SIGKILL');
    await new Promise<void>((r) => victim.process.once('exit', () => r()));
    const lost = sids.filter((s) => owners.get(s) === victim.port);
    const kept = sids.filter((s) => owners.get(s) !== victim.port);
    // the lost sessions' next requests: a clear ORS 404 from a live replica, at once (no hang)
    for (const sid of lost) {
      const began = Date.now();
      const res = await post(set.url, '/arithmetic/call', { name: 'calculator', input: { expression: '1+1' } }, sid);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { detail: 'Active environment not found' });
      assert.ok(Date.now() - began < 15_000, 'answered, not hung');
    }
    // the other replicas' sessions carry on, each still on its own replica
    for (const sid of kept) {
      const res = await post(set.url, '/arithmetic/call', { name: 'calculator', input: { expression: '2+2' } }, sid);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /"text":"4"/);
      assert.equal(await ownerOf(set, sid), owners.get(sid));
    }
    // new sessions go to the live replicas
    const sid = crypto.randomUUID();
    assert.equal((await post(set.url, '/create', { env_name: 'arithmetic', split: 'test', index: 0 }, sid)).status, 200);
    assert.notEqual(await ownerOf(set, sid), victim.port);
  } finally {
    await set.stop();
  }
});

/** Runs the eval CLI in this process. */
const evalCli = (args: string[], home: string) => runEvalCli(args, home);

test('genegym eval through HAProxy while a replica is SIGKILLed: its episodes are errors (never wrong), runs resume completes the run, none lost or duplicated', { skip, timeout: 240_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'gg-replicas-'));
  // tool_delay_ms keeps episodes open long enough that the killed replica holds some
  const set = await start(3, ['--env', 'arithmetic', '--env-opt', 'tool_delay_ms=150']);
  let killed: number | undefined;
  const mock = await startMockOpenAI({
    latencyMs: 20,
    script: async (b, n) => {
      if (n === 10) {
        // the replica holding the most live sessions (the episode asking now holds one somewhere)
        const live = await Promise.all(set.replicas.map((r) => liveSessions(r.port)));
        const victim = set.replicas[live.indexOf(Math.max(...live))];
        assert.ok(Math.max(...live) > 0);
        victim.process.kill('SIGKILL');
        killed = victim.port;
      }
      return solveArithmetic(b);
    },
  });
  try {
    const N = 16;
    const args = ['eval', '--env', 'arithmetic', '--server', set.url, '--model', 'openai:mock', '--base-url', mock.url, '--limit', String(N), '--concurrency', '6', '--error-retries', '0', '--run-name', 'lost-replica', '--json'];
    const first = await evalCli(args, home);
    assert.ok(killed !== undefined, 'a replica was killed mid-run');
    assert.equal(first.code, 1, first.stderr);
    const s = JSON.parse(first.stdout);
    assert.equal(s.episodes, N);
    assert.equal(s.correct + s.errors, N, 'a lost replica never makes an answer wrong');
    assert.ok(s.errors > 0, 'the killed replica cost at least one episode');
    assert.match(first.stderr, /episode\(s\) ended in error \(not counted as wrong\)/);

    const resumed = await evalCli(['runs', 'resume', 'lost-replica', '--json'], home);
    assert.equal(resumed.code, 0, resumed.stderr);
    const r = JSON.parse(resumed.stdout);
    assert.equal(r.episodes, N);
    assert.equal(r.correct, N);
    assert.equal(r.errors, 0);
    // on disk: every (task, epoch) has exactly one final correct episode, none missing or doubled
    const episodes = readFileSync(join(home, 'runs', 'lost-replica', 'episodes.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; key: string; outcome: string })
      .filter((l) => l.type === 'episode');
    const correctKeys = episodes.filter((e) => e.outcome === 'correct').map((e) => e.key);
    assert.equal(new Set(correctKeys).size, N);
    assert.equal(correctKeys.length, N, 'no episode counted twice');
    assert.equal(new Set(episodes.map((e) => e.key)).size, N, 'no episode lost');
  } finally {
    await mock.close();
    await set.stop();
    await rm(home, { recursive: true, force: true });
  }
});

test('with the default --error-retries, eval itself re-runs the episodes a SIGKILLed replica cost, on the live replicas', { skip, timeout: 240_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'gg-replicas-'));
  const set = await start(3, ['--env', 'arithmetic', '--env-opt', 'tool_delay_ms=150']);
  let killedLive = 0;
  const mock = await startMockOpenAI({
    latencyMs: 20,
    script: async (b, n) => {
      if (n === 10) {
        const live = await Promise.all(set.replicas.map((r) => liveSessions(r.port)));
        killedLive = Math.max(...live);
        set.replicas[live.indexOf(killedLive)].process.kill('SIGKILL');
      }
      return solveArithmetic(b);
    },
  });
  try {
    const N = 12;
    const r = await evalCli(['eval', '--env', 'arithmetic', '--server', set.url, '--model', 'openai:mock', '--base-url', mock.url, '--limit', String(N), '--concurrency', '6', '--run-name', 'retried', '--json'], home);
    assert.ok(killedLive > 0, 'the killed replica held live sessions');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.episodes, N);
    assert.equal(s.correct, N);
    assert.equal(s.errors, 0);
    const attempts = readFileSync(join(home, 'runs', 'retried', 'episodes.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; outcome: string })
      .filter((l) => l.type === 'episode');
    assert.ok(attempts.some((a) => a.outcome === 'error'), 'some attempt was hit by the lost replica and recorded as an error');
  } finally {
    await mock.close();
    await set.stop();
    await rm(home, { recursive: true, force: true });
  }
});
