// `genegym serve`, `genegym envs` and `genegym tasks` as child processes: the listening URL
// on stdout, API key from the environment, SIGTERM draining a running call, clear errors.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { loadEnvironments } from '../../src/cli/serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'genegym.js');

/** Runs the CLI in-process (spawning node + tsx per case is slow on a busy machine). */
async function genegym(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = buildProgram();
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program)) {
    c.exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s), outputError: (s, write) => write(s) });
  }
  const log = console.log;
  console.log = (...parts: unknown[]) => void (stdout += parts.join(' ') + '\n');
  try {
    await program.parseAsync(['node', 'genegym', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode, stdout, stderr };
    return { code: 1, stdout, stderr: stderr + `genegym: ${(err as Error).message}` };
  } finally {
    console.log = log;
  }
}

test('genegym envs lists the built-in example', async () => {
  const r = await genegym(['envs']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^arithmetic\s+Built-in example/m);
  const json = JSON.parse((await genegym(['envs', '--json'])).stdout);
  assert.ok(json.some((e: any) => e.name === 'arithmetic'));
});

test('genegym tasks arithmetic --limit 3 --json prints specs without answers', async () => {
  const r = await genegym(['tasks', 'arithmetic', '--limit', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const tasks = JSON.parse(r.stdout);
  assert.deepEqual(tasks.map((t: any) => t.id), ['test-0', 'test-1', 'test-2'], 'tasks defaults to the test split, as eval does');
  assert.ok(tasks.every((t: any) => typeof t.question === 'string' && !('answer' in t)));
  const offset = JSON.parse((await genegym(['tasks', 'ARITHMETIC', '--split', 'test', '--offset', '999', '--limit', '5', '--json'])).stdout);
  assert.deepEqual(offset.map((t: any) => t.id), ['test-999']);
  const table = await genegym(['tasks', 'arithmetic', '--split', 'validation', '--limit', '2']);
  assert.match(table.stdout, /^arithmetic validation: 1000 tasks; showing 2 from index 0\n0\t\{"id":"validation-0"/);
});

test('bad arguments fail with a clear message', async () => {
  const cases: [string[], RegExp][] = [
    [['tasks', 'nope'], /unknown environment 'nope' \(known: arithmetic/],
    [['tasks', 'arithmetic', '--split', 'dev'], /unknown split 'dev'/],
    [['tasks', 'arithmetic', '--limit', '0'], /--limit must be at least 1/],
    [['serve', '--port', 'http'], /--port must be an integer/],
    [['serve', '--env', 'nope', '--port', '0'], /unknown environment 'nope'/],
    [['serve', '--sandbox', 'docker'], /--sandbox must be bwrap or none/],
    [['serve', '--idle-timeout', '-5'], /--idle-timeout must be a positive number/],
    [['serve', '--env-opt', 'seed'], /expected key=value/],
    [['serve', '--shutdown-grace', 'soon'], /--shutdown-grace must be an integer/],
  ];
  for (const [args, message] of cases) {
    const r = await genegym(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('serve: URL on stdout, API key from GENEGYM_API_KEY, SIGTERM drains a running call', async () => {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--env', 'arithmetic', '--env-opt', 'tool_delay_ms=700', '--idle-timeout', '60'], {
    cwd: root,
    env: { ...process.env, GENEGYM_API_KEY: 'cli-test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /serving arithmetic at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    assert.match(stdout, /API key required/);
    const key = { 'x-api-key': 'cli-test-key' };
    assert.equal((await fetch(`${url}/list_environments`)).status, 401);
    assert.deepEqual(await (await fetch(`${url}/list_environments`, { headers: key })).json(), ['arithmetic']);

    const sid = crypto.randomUUID();
    const h = { ...key, 'x-session-id': sid, 'content-type': 'application/json' };
    assert.equal((await fetch(`${url}/create`, { method: 'POST', headers: h, body: JSON.stringify({ split: 'test', index: 0 }) })).status, 200);
    const running = fetch(`${url}/arithmetic/call`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'calculator', input: { expression: '6 * 7' } }) }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const text = await running;
    const end = /event: end\r\ndata: (.*)\r\n/.exec(text);
    assert.ok(end, `no end event in ${JSON.stringify(text)}`);
    assert.equal(JSON.parse(end[1]).output.blocks[0].text, '42');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM/);
    assert.match(stderr, /stopped/);
    assert.doesNotMatch(stderr + stdout, /cli-test-key/, 'the key is never printed');
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('serve degrades per environment: one that cannot load is reported with its fix and the rest are served; named with --env it must load', async () => {
  const { arithmeticEntry } = await import('../../src/envs/example/index.js');
  const { assertSandboxUsable } = await import('../../src/sandbox/index.js');
  const broken = {
    name: 'needs-bwrap',
    description: 'stands in for case-studies on a machine without bubblewrap',
    // the real check, with a probe that fails the way a missing bwrap does
    load: async () => {
      await assertSandboxUsable('bwrap', async () => ({ ok: false, reason: 'spawn bwrap ENOENT' }));
      throw new Error('unreachable');
    },
  };
  const lines: string[] = [];
  const envs = await loadEnvironments(undefined, {}, (l) => lines.push(l), [arithmeticEntry, broken]);
  assert.deepEqual(envs.map((e) => e.name), ['arithmetic']);
  assert.match(lines[0], /^genegym: not serving needs-bwrap: bubblewrap sandbox unavailable: spawn bwrap ENOENT\..*apt-get install bubblewrap/);
  assert.match(lines[1], /serving arithmetic; fix the above and restart to add needs-bwrap/);
  await assert.rejects(loadEnvironments(['needs-bwrap'], {}, () => {}, [arithmeticEntry, broken]), /bubblewrap sandbox unavailable/);
  await assert.rejects(loadEnvironments(undefined, {}, () => {}, [broken]), /no environment could be served \(needs-bwrap/);
});

test('envs and tasks list a remote server; a mistyped env names what it serves; offsets past the end and in-process-only agents are refused', async () => {
  const { buildServer } = await import('../../src/ors/server/index.js');
  const { arithmeticEnvironment } = await import('../../src/envs/example/arithmetic.js');
  const { buildAgent, buildDriver } = await import('../../src/runs/launch.js');
  const server = await buildServer({ environments: [arithmeticEnvironment()] });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  try {
    const envs = await genegym(['envs', '--server', url]);
    assert.equal(envs.code, 0, envs.stderr);
    assert.match(envs.stdout, /^arithmetic\s+train \(100000 tasks\), validation \(1000 tasks\), test \(1000 tasks\)$/m);
    const remote = JSON.parse((await genegym(['tasks', 'arithmetic', '--server', url, '--offset', '998', '--limit', '5', '--json'])).stdout);
    assert.deepEqual(remote.map((t: any) => t.id), ['test-998', 'test-999']);
    const wrongEnv = await genegym(['tasks', 'nosuch', '--server', url]);
    assert.equal(wrongEnv.code, 1);
    assert.match(wrongEnv.stderr, /the ORS server http:\/\/127\.0\.0\.1:\d+ has no environment 'nosuch' \(it serves: arithmetic\)/);
    await assert.rejects(buildDriver({ env: 'nosuch', server: url }, {}), /has no environment 'nosuch' \(it serves: arithmetic\)/);
    const past = await genegym(['tasks', 'arithmetic', '--offset', '5000']);
    assert.equal(past.code, 1);
    assert.match(past.stderr, /--offset 5000 is past the end of arithmetic test \(1000 tasks: indices 0-999\)/);
    const cfg = { run_id: 'x', env: 'genome-qa', server: url, model: null, agent: 'oracle' } as never;
    await assert.rejects(buildAgent(cfg, { home: '/tmp' }), /built-in agent oracle reads the environment's answer keys in-process and cannot play a remote server; drop --server/);
  } finally {
    await server.close();
  }
});

test('output piped into a reader that stops early (| head) ends quietly, without an EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [bin, 'tasks', 'arithmetic', '--limit', '1000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await once(child.stdout, 'data');
  child.stdout.destroy(); // the reader goes away, as head does after its lines
  const [code] = await once(child, 'exit');
  assert.doesNotMatch(stderr, /EPIPE|Error|at /, stderr);
  assert.equal(code, 0);
});
