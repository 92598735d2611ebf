// `genegym serve --replicas N` as a user runs it: the serve flags reach every replica, the API
// key travels by environment (never a command line), requests go through HAProxy, and SIGTERM
// stops replicas and HAProxy and exits 0.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { replicaArgs } from '../../src/deploy/cli.js';
import { freePortRun } from '../../src/deploy/ports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const haproxyFound = spawnSync('haproxy', ['-v']).status === 0;
if (!haproxyFound && process.env.CI === 'true') throw new Error('haproxy is missing under CI=true: .ci/run must apt-get install haproxy');

test('replicaArgs passes the serve flags given on the command line, never the supervisor-only ones', async () => {
  const program = buildProgram();
  const serve = program.commands.find((c) => c.name() === 'serve')! as Command;
  let seen: string[] = [];
  serve.action((_flags, cmd: Command) => void (seen = replicaArgs(cmd)));
  await program.parseAsync(['node', 'genegym', 'serve', '--replicas', '3', '--port', '9000', '--host', '0.0.0.0', '--api-key', 'k', '--env', 'arithmetic,genome-qa', '--env-opt', 'seed=7', '--env-opt', 'tool_delay_ms=5', '--max-sessions', '50', '--log']);
  assert.deepEqual(seen, ['--env', 'arithmetic,genome-qa', '--max-sessions', '50', '--env-opt', 'seed=7', '--env-opt', 'tool_delay_ms=5', '--log']);
});


test('genegym serve --replicas 2 answers ORS requests through HAProxy and stops cleanly on SIGTERM', { skip: haproxyFound ? false : 'SKIPPED: haproxy not installed', timeout: 120_000 }, async () => {
  const port = await freePortRun(3);
  const key = 'replica-key-0123456789';
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--replicas', '2', '--port', String(port), '--env', 'arithmetic', '--max-sessions', '1'], {
    cwd: root,
    env: { ...process.env, GENEGYM_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    while (!/behind HAProxy at (\S+)/.test(stdout)) {
      if (child.exitCode !== null) assert.fail(`serve --replicas exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /behind HAProxy at (\S+)/.exec(stdout)![1];
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.match(stdout, new RegExp(`2 replica\\(s\\) on 127\\.0\\.0\\.1:${port + 1}-${port + 2}.*\\(API key required\\)`));
    const cfg = readFileSync(/HAProxy configuration: (\S+)/.exec(stderr)![1], 'utf8');
    assert.match(cfg, new RegExp(`server r2 127\\.0\\.0\\.1:${port + 2}`));

    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal((await fetch(`${url}/list_environments`)).status, 401, 'the replicas got the key from the environment');
    const auth = { 'x-api-key': key, 'content-type': 'application/json' };
    // --max-sessions 1 reached each replica: two sessions fit (one per replica at most), a third never does
    let created = 0;
    let refused = 0;
    for (let i = 0; i < 12 && created < 2; i++) {
      const res = await fetch(`${url}/create`, { method: 'POST', headers: { ...auth, 'x-session-id': crypto.randomUUID() }, body: JSON.stringify({ env_name: 'arithmetic', split: 'test', index: i }) });
      await res.arrayBuffer();
      if (res.status === 200) created++;
      else if (res.status === 429) refused++;
      else assert.fail(`unexpected /create status ${res.status}`);
    }
    assert.equal(created, 2);
    const third = await fetch(`${url}/create`, { method: 'POST', headers: { ...auth, 'x-session-id': crypto.randomUUID() }, body: JSON.stringify({ env_name: 'arithmetic', split: 'test', index: 0 }) });
    assert.equal(third.status, 429);
    await third.arrayBuffer();
    // no key on any command line
    for (const pid of spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      assert.doesNotMatch(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), new RegExp(key));
    }

    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /replica 1: genegym: stopped/);
    assert.match(stderr, /replica 2: genegym: stopped/);
    await assert.rejects(fetch(`${url}/health`));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
