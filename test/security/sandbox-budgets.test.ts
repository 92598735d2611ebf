// Attacks on the sandbox's fault attribution and per-session budgets, through the real
// case-studies environment behind a real ORS server. Each attack must fail to succeed: the
// agent cannot turn its own failure into an environment error, cannot use more disk, memory
// or processes than its session's budget, cannot run programs in parallel, and no two
// sandboxes (of one server or of two) share a uid.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { BwrapSandbox, DEFAULT_LIMITS, MAX_QUEUED_RUNS, UidAllocator } from '../../src/sandbox/index.js';
import { imageBytes, imagePath, mountWorkspaceFs, releaseMountsUnder } from '../../src/sandbox/disk-quota.js';
import { currentOwner, OWNER_FILE, sweepStaleWorkspaceRoots, WORKSPACES_DIR } from '../../src/sandbox/workspace-root.js';
import { UID_BASE, UIDS_PER_BLOCK } from '../../src/sandbox/uid-pool.js';
import { ciMustRun, forkStorm, MiB, skip, startServer, text } from './sandbox-fixture.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const DISK = 8 * MiB;

describe('sandbox budgets and fault attribution', { skip }, () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    srv = await startServer({ diskBytes: DISK, sessionMemoryBytes: 256 * MiB, sessionProcesses: 40, timeoutMs: 30_000 });
  });
  after(() => srv.close());

  test('chmod 000 /workspace cannot make the agent\'s runs look like environment errors', async () => {
    const { s, sb } = await srv.session();
    try {
      for (const attack of ['chmod 000 /workspace', 'chmod 0 . && chmod 0 /workspace', 'chmod 777 /workspace']) {
        const a = await s.call('run_bash', { command: attack });
        assert.ok(a.ok, `${attack}: ${JSON.stringify(a)}`);
        // the host never keeps what the agent set: the workspace is the sandbox uid's, 0700
        const st = await stat(sb.workspace);
        assert.equal(st.mode & 0o777, 0o700, attack);
        if (isRoot) assert.equal(st.uid, sb.uid);
        // the next run works (session.call throws on an environment error)
        const r = await s.call('run_python', { code: 'import os; print("alive", oct(os.stat("/workspace").st_mode & 0o777))' });
        assert.ok(r.ok, JSON.stringify(r));
        assert.match(text(r.output), /alive 0o700/);
      }
    } finally {
      await s.close();
    }
  });

  test('a workspace state the server cannot repair is the agent\'s tool error; broken machinery is an environment error', async () => {
    const { s, sb, state } = await srv.session();
    const dir = await mkdtemp(join(tmpdir(), 'genegym-broken-'));
    try {
      // After the restore an agent has no known way left to stop bwrap from starting, so the
      // rule is exercised with a state no restore can fix: the workspace path is not a
      // directory. The machinery works (checked in a fresh directory), so the fault is the
      // workspace's — reported to the agent as its tool error, not as an environment error.
      await chmod(dir, 0o711);
      await writeFile(join(dir, 'ws'), 'not a directory');
      state.sandbox = new BwrapSandbox({ workspace: join(dir, 'ws'), limits: { ...DEFAULT_LIMITS, timeoutMs: 20_000 } });
      const r = await s.call('run_python', { code: 'print(1)' });
      assert.equal(r.ok, false, 'a run in an unusable workspace must fail');
      assert.match(r.ok ? '' : r.error, /run_python did not run: the sandbox could not start with your workspace/);
      assert.doesNotMatch(r.ok ? '' : r.error, new RegExp(dir), 'no host path in the message');

      // the machinery broken (no bwrap) is ours: an environment error, which the client throws
      state.sandbox = new BwrapSandbox({ workspace: sb.workspace, limits: DEFAULT_LIMITS, bwrapPath: '/nonexistent/bwrap' });
      await assert.rejects(s.call('run_python', { code: 'print(1)' }), /sandbox error/);

      state.sandbox = sb;
      const again = await s.call('run_python', { code: 'print("recovered")' });
      assert.ok(again.ok && /recovered/.test(text(again.output)), JSON.stringify(again));
    } finally {
      state.sandbox = sb;
      await s.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('workspace disk budget is per session, not per file: writing past it fails and the host stays bounded', async () => {
    const { s, sb } = await srv.session();
    try {
      const small = await s.call('run_bash', { command: 'dd if=/dev/urandom of=ok.bin bs=1M count=2 status=none && echo wrote-ok' });
      assert.ok(small.ok && /wrote-ok/.test(text(small.output)), 'a write within the budget works');
      // three files, each under the budget, together three times over it
      const big = await s.call('run_bash', { command: `for i in 1 2 3; do dd if=/dev/urandom of=big$i bs=1M count=${DISK / MiB} status=none || echo "write $i failed"; done; du -sk /workspace | cut -f1` });
      assert.ok(big.ok);
      const out = text(big.output);
      assert.match(out, /write \d failed|disk budget/, out);
      // host side: the image (or the workspace) holds at most the budget plus filesystem slack
      const budgets = sb.budgets();
      if (budgets.disk === 'filesystem') {
        // seen from inside, too (the measured fallback trims only after this du ran)
        const agentKiB = Number(/^(\d+)\s*$/m.exec(out.split('--- stdout ---')[1] ?? '')?.[1]);
        assert.ok(agentKiB * 1024 <= DISK * 1.3 + 2 * MiB, `workspace holds ${agentKiB} KiB`);
        const img = await stat(imagePath(sb.workspace));
        assert.ok(img.blocks * 512 <= DISK * 1.3 + 2 * MiB, `host image uses ${img.blocks * 512} bytes`);
      } else {
        const { stdout } = await run('du', ['-sb', sb.workspace]);
        assert.ok(Number(stdout.split('\t')[0]) <= DISK * 1.3 + 2 * MiB, `host workspace uses ${stdout}`);
      }
      // (CI may run where mounting is not allowed: there the measured budget above must hold)
      if (isRoot && process.env.CI !== 'true') assert.equal(budgets.disk, 'filesystem', 'as root on this host the workspace is a size-capped filesystem');
      // freeing space gives it back
      const again = await s.call('run_bash', { command: 'rm -f big* && dd if=/dev/zero of=again bs=1M count=4 status=none && echo again-ok' });
      assert.ok(again.ok && /again-ok/.test(text(again.output)));
    } finally {
      await s.close();
    }
    // closing the session unmounts and deletes the image
    await assert.rejects(stat(imagePath(sb.workspace)));
    await assert.rejects(stat(sb.workspace));
  });

  test('without a workspace filesystem the disk budget is measured: the run is stopped and what went past it deleted', async () => {
    // A sandbox made directly on a plain directory uses the fallback (as on hosts that cannot mount).
    const parent = await mkdtemp(join(tmpdir(), 'genegym-measured-'));
    await chmod(parent, 0o711);
    const ws = join(parent, 'ws');
    await mkdir(ws, { mode: 0o700 });
    const sb = new BwrapSandbox({ workspace: ws, limits: { ...DEFAULT_LIMITS, diskBytes: 4 * MiB, timeoutMs: 20_000 } });
    try {
      assert.equal(sb.budgets().disk, 'measured');
      const ok = await sb.exec({ argv: ['bash', '-c', 'head -c 1000000 /dev/zero > small && echo small-ok'] });
      assert.match(ok.stdout, /small-ok/);
      assert.equal(ok.budget, undefined);
      // writes slowly past the budget: the poll stops it and trims the newest files
      const r = await sb.exec({ argv: ['bash', '-c', 'for i in $(seq 40); do head -c 1000000 /dev/urandom > f$i; sleep 0.05; done; echo finished'] });
      assert.equal(r.budget, 'disk');
      assert.doesNotMatch(r.stdout, /finished/);
      const { stdout } = await run('du', ['-sb', ws]);
      assert.ok(Number(stdout.split('\t')[0]) <= 4 * MiB + 64 * 1024, `after the trim the workspace holds ${stdout}`);
      assert.ok((await stat(join(ws, 'small'))).isFile(), 'files within the budget are kept');
    } finally {
      await sb.cleanup();
      await rm(parent, { recursive: true, force: true });
    }
  });

  test('a dead server\'s mounted workspaces are unmounted and removed by the next server\'s sweep', { skip: isRoot ? false : ciMustRun('mounting needs root') }, async () => {
    const parent = await mkdtemp(join(tmpdir(), 'genegym-sweep-'));
    try {
      const dead = spawn('true');
      await new Promise((r) => dead.once('exit', r));
      const me = await currentOwner();
      const root = join(parent, WORKSPACES_DIR, `${dead.pid}-abcdef`);
      await mkdir(join(root, 'ws-1'), { recursive: true });
      await writeFile(join(root, OWNER_FILE), JSON.stringify({ ...me, pid: dead.pid }));
      assert.equal(await mountWorkspaceFs(join(root, 'ws-1'), imageBytes(2 * MiB, 0), 0, 0), true);
      await writeFile(join(root, 'ws-1', 'left-behind'), 'x');
      const swept = await sweepStaleWorkspaceRoots(parent);
      assert.deepEqual(swept.removed, [root], JSON.stringify(swept));
      await assert.rejects(stat(root));
      const { stdout } = await run('cat', ['/proc/self/mountinfo']);
      assert.ok(!stdout.includes(parent), 'a mount of the dead server is left');
    } finally {
      await releaseMountsUnder(parent);
      await rm(parent, { recursive: true, force: true });
    }
  });

  test('runs of one session are serialised; a waiting run honours the abort; a pile-up is refused', async () => {
    const { s, sb } = await srv.session();
    try {
      const cmd = 'echo "start $(date +%s%N)" >> /workspace/spans; sleep 0.4; echo "end $(date +%s%N)" >> /workspace/spans';
      const calls = await Promise.all([0, 1, 2, 3].map(() => s.call('run_bash', { command: cmd })));
      assert.ok(calls.every((c) => c.ok));
      const log = await s.call('run_bash', { command: 'cat spans' });
      const lines = (log.ok ? text(log.output) : '').split('\n').filter((l) => /^(start|end) \d+$/.test(l));
      assert.equal(lines.length, 8);
      // strictly start, end, start, end...: no two runs overlapped
      assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['start', 'end', 'start', 'end', 'start', 'end', 'start', 'end']);

      // a waiter whose session is aborted leaves the queue without running
      const ac = new AbortController();
      const first = sb.exec({ argv: ['sleep', '1'] });
      const waiting = sb.exec({ argv: ['bash', '-c', 'echo ran > waited'], signal: ac.signal });
      ac.abort();
      assert.equal((await waiting).status, 'aborted');
      await first;
      const ran = await sb.exec({ argv: ['bash', '-c', 'ls waited 2>&1 || true'] });
      assert.match(ran.stdout, /No such file/);

      // more than MAX_QUEUED_RUNS waiting: the extra call is the agent's tool error
      const long = s.call('run_bash', { command: 'sleep 2' });
      await new Promise((r) => setTimeout(r, 300));
      const burst = await Promise.all(Array.from({ length: MAX_QUEUED_RUNS + 2 }, () => s.call('run_bash', { command: 'true' })));
      const refused = burst.filter((b) => !b.ok);
      assert.ok(refused.length >= 1, 'a pile-up beyond the queue must be refused');
      for (const r of refused) assert.match(r.ok ? '' : r.error, /too many runs waiting/);
      assert.ok((await long).ok);
    } finally {
      await s.close();
    }
  });

  test('memory budget is per session: several processes cannot together exceed it', async () => {
    const { s, sb } = await srv.session();
    try {
      // each child touches 120 MB (under any per-process limit); three together exceed 256 MiB
      const code = `
import os
pids = []
for i in range(3):
    pid = os.fork()
    if pid == 0:
        b = bytearray(120 * 1024 * 1024)
        for j in range(0, len(b), 4096): b[j] = 1
        import time; time.sleep(1.5)
        os._exit(0)
    pids.append(pid)
ok = sum(1 for p in pids if os.waitpid(p, 0)[1] == 0)
print("children ok:", ok)
`;
      const big = await s.call('run_python', { code: 'b = bytearray(400 * 1024 * 1024)\nfor j in range(0, len(b), 4096): b[j] = 1\nprint("allocated")' });
      assert.ok(big.ok);
      assert.doesNotMatch(text(big.output), /^allocated/m, 'one process over the session budget');
      const r = await s.call('run_python', { code });
      assert.ok(r.ok);
      const budgets = sb.budgets();
      if (budgets.cgroup) {
        assert.match(text(r.output), /children ok: [0-2]\b/, 'the cgroup must stop the third 120 MB child');
        assert.match(text(r.output), /memory budget of this session/);
      } else {
        // documented gap without cgroups: only each process's address space is capped
        console.warn('sandbox: no usable cgroup here; the per-session memory budget is per process (rlimit)');
        assert.match(text(r.output), /children ok: \d/);
      }
      if (isRoot && process.env.CI !== 'true') assert.ok(budgets.cgroup, 'this host has writable cgroups: they must be used');
    } finally {
      await s.close();
    }
  });

  test('process budget is per session, and one session\'s fork storm does not fail another\'s runs', async () => {
    const a = await srv.session();
    const b = await srv.session();
    try {
      const storm = a.s.call('run_python', { code: forkStorm(3, 2.5) });
      await new Promise((r) => setTimeout(r, 800));
      const other = await b.s.call('run_bash', { command: 'for i in $(seq 20); do (sleep 0.2 &); done; echo other-ok' });
      assert.ok(other.ok && /other-ok/.test(text(other.output)), JSON.stringify(other));
      const st = await storm;
      assert.ok(st.ok);
      const n = Number(/forked (\d+)/.exec(text(st.output))?.[1]);
      assert.ok(n > 5 && n < 40, `forked ${n} with a budget of 40`);
    } finally {
      await a.s.close();
      await b.s.close();
    }
  });

  test('sandbox uids: unique per session, distinct blocks for two servers, dead owners reclaimed', async () => {
    const a = await srv.session();
    const b = await srv.session();
    try {
      const ida = await a.s.call('run_bash', { command: 'id -u' });
      const idb = await b.s.call('run_bash', { command: 'id -u' });
      assert.ok(ida.ok && idb.ok);
      const ua = /^\d+$/m.exec(text(ida.output).split('--- stdout ---')[1])?.[0];
      const ub = /^\d+$/m.exec(text(idb.output).split('--- stdout ---')[1])?.[0];
      if (isRoot) {
        assert.equal(ua, String(a.sb.uid));
        assert.equal(ub, String(b.sb.uid));
        assert.notEqual(ua, ub);
      }
    } finally {
      await a.s.close();
      await b.s.close();
    }

    // two servers sharing one lock directory: a second process holds a block, ours differs
    const dir = await mkdtemp(join(tmpdir(), 'genegym-uidlocks-'));
    const other = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      const { UidAllocator } = await import(${JSON.stringify(new URL('../../src/sandbox/uid-pool.ts', import.meta.url).href)});
      const a = new UidAllocator(${JSON.stringify(dir)});
      console.log(a.acquire());
      process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
    `], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const otherUid = await new Promise<number>((res, rej) => {
        other.stdout.once('data', (d: Buffer) => res(Number(d.toString().trim())));
        other.once('exit', (c) => rej(new Error(`uid child exited ${c}`)));
      });
      const mine = new UidAllocator(dir);
      const uids = Array.from({ length: 50 }, () => mine.acquire());
      assert.equal(new Set(uids).size, 50);
      const otherBlock = Math.floor((otherUid - UID_BASE) / UIDS_PER_BLOCK);
      assert.notEqual(mine.claimedBlock(), otherBlock);
      for (const u of uids) assert.notEqual(Math.floor((u - UID_BASE) / UIDS_PER_BLOCK), otherBlock);
      mine.releaseBlock();
      other.stdin.end();
      await new Promise((r) => other.once('exit', r));

      // a lock left by a dead server (pid gone, or pid reused: other start time) is reclaimed
      const dead = spawn('true');
      await new Promise((r) => dead.once('exit', r));
      await writeFile(join(dir, 'block-0'), `${dead.pid} 12345\n`);
      await writeFile(join(dir, 'block-1'), `${process.pid} 1\n`);
      const next = new UidAllocator(dir);
      assert.equal(next.claimedBlock(), 0);
      const after2 = new UidAllocator(dir);
      assert.equal(after2.claimedBlock(), 1, 'our own pid with a wrong start time is a reused pid: stale');
      next.releaseBlock();
      after2.releaseBlock();
    } finally {
      other.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
