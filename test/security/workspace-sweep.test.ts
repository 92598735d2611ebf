// Workspaces left behind by a server that died (kill -9, a crash, a shutdown grace that ran out)
// are removed when the next `genegym serve` starts; a live server's workspaces are not.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { probeBwrap } from '../../src/sandbox/index.js';
import { createWorkspace } from '../../src/sandbox/workspace.js';

const probe = await probeBwrap();
if (!probe.ok && process.env.CI === 'true') throw new Error(`bubblewrap must work under CI: ${probe.reason}`);
// Without bubblewrap (a dev machine) the killed server's workspace is a plain directory.
const holderSandbox = probe.ok ? 'bwrap' : 'none';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill('SIGKILL')));

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; line: (re: RegExp) => Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const line = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = out.split('\n').find((l) => re.test(l));
        if (m) resolve(m);
        else if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode}: ${err}`));
        else setTimeout(check, 50);
      };
      check();
    });
  return { child, line, stderr: () => err };
}

test('genegym serve removes the workspaces of a killed server at start and keeps a live one', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'genegym-sweep-'));
  await chmod(tmp, 0o711);
  try {
    // A live server's workspace: this process's.
    const live = await createWorkspace(tmp);
    // A server with a workspace open, then kill -9: nothing of it cleans up.
    const dead = start(['test/security/fixtures/workspace-holder.ts'], { TMPDIR: tmp, HOLDER_SANDBOX: holderSandbox });
    const deadWs = (await dead.line(/genegym-ws/)).trim();
    dead.child.kill('SIGKILL');
    await new Promise((r) => dead.child.once('exit', r));
    assert.ok(existsSync(join(deadWs, 'episodes.jsonl')), 'the killed server left its workspace behind');
    const mounted = (await readFile('/proc/self/mounts', 'utf8')).includes(deadWs);
    assert.notEqual(dirname(deadWs), dirname(live));

    const serve = start(['src/cli/main.ts', 'serve', '--env', 'arithmetic', '--port', '0'], { TMPDIR: tmp });
    await serve.line(/genegym: serving/);
    assert.match(serve.stderr(), /removed the workspaces of 1 server process\(es\) no longer running/);
    assert.equal(existsSync(dirname(deadWs)), false, "the dead server's root was removed");
    if (mounted) assert.ok(!(await readFile('/proc/self/mounts', 'utf8')).includes(deadWs), "the dead server's workspace filesystem was unmounted");
    console.log(`stale root removed (its workspace was ${mounted ? '' : 'not '}a mounted filesystem)`);
    assert.ok(existsSync(live), "the live server's workspace was kept");
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('exit', r));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
