// Sandbox escapes that already held, kept as attacks that must fail to succeed, through the real
// case-studies environment behind a real ORS server: no network, no host paths, no host /proc,
// no server secrets, a fork bomb and a memory hog contained, time limits enforced — and the
// server and other sessions keep working throughout.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MiB, skip, startServer, text } from './sandbox-fixture.js';

const SECRET = 'HOST-CANARY-5e0b93';
const stdout = (o: { ok: boolean; output?: unknown }) => (o.ok ? text((o as { output: Parameters<typeof text>[0] }).output).split('--- stdout ---\n')[1]?.split('\n--- stderr ---')[0] ?? '' : '');

describe('sandbox escapes', { skip }, () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let sess: Awaited<ReturnType<typeof srv.session>>;
  before(async () => {
    process.env.GENEGYM_ESCAPE_CANARY = SECRET; // in the server's environment
    srv = await startServer({ timeoutMs: 20_000, sessionProcesses: 64, maxProcesses: 64 });
    sess = await srv.session();
  });
  after(async () => {
    delete process.env.GENEGYM_ESCAPE_CANARY;
    await sess.s.close().catch(() => undefined);
    await srv.close();
  });

  test('no network: the host loopback (the ORS server itself included) and outside addresses are unreachable', async () => {
    const listener = createServer((c) => c.end('host says hi'));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as { port: number }).port;
    try {
      const r = await sess.s.call('run_python', { code: `
import socket
for host, port in [("127.0.0.1", ${port}), ("::1", ${port}), ("10.0.0.1", 80), ("1.1.1.1", 443)]:
    try:
        s = socket.create_connection((host, port), timeout=2)
        print("CONNECTED", host, s.recv(64))
    except OSError as e:
        print("blocked", host)
try:
    socket.getaddrinfo("example.com", 80); print("RESOLVED")
except OSError:
    print("no dns")
import os; print(sorted(os.listdir("/sys/class/net")) if os.path.exists("/sys/class/net") else "no sysfs")
` });
      const out = stdout(r);
      assert.doesNotMatch(out, /CONNECTED|RESOLVED/);
      assert.equal(out.match(/blocked/g)?.length, 4, out);
    } finally {
      listener.close();
    }
  });

  test('no host paths: /etc/shadow, /root, the server tree, the workspace parent, other workspaces', async () => {
    const other = await srv.session();
    try {
      await other.s.call('run_bash', { command: `echo ${SECRET} > other-session.txt` });
      const hostParent = dirname(sess.sb.workspace);
      const r = await sess.s.call('run_bash', { command: [
        'cat /etc/shadow /etc/passwd /root/.bashrc 2>&1 | head -5',
        `ls ${hostParent} /root /work /home /run 2>&1`,
        `cat ${join(other.sb.workspace, 'other-session.txt')} 2>&1`,
        'ls -a / | tr "\\n" " "; echo',
        `grep -rs ${SECRET} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev && echo FOUND`,
        'echo done',
      ].join('; ') });
      const out = r.ok ? text(r.output) : '';
      assert.match(out, /done/);
      assert.ok(!out.includes(SECRET), 'another session\'s file or the server\'s secret reached the sandbox');
      assert.doesNotMatch(out, /^root:/m, '/etc/shadow or /etc/passwd of the host is readable');
      assert.match(out, /\/etc\/shadow: No such file/);
      // writes outside the workspace fail, and the host path of its parent (which inside may be
      // the private /tmp) is untouched
      const w = await sess.s.call('run_bash', { command: `for p in /etc/x /usr/x /x ../x; do (echo pwned > $p) 2>/dev/null && echo "WROTE $p"; done; mkdir -p ${hostParent} 2>/dev/null; echo pwned > ${hostParent}/escape-x 2>/dev/null; echo end` });
      assert.doesNotMatch(w.ok ? text(w.output) : '', /WROTE/);
      await assert.rejects(readFile(join(hostParent, 'escape-x')));
    } finally {
      await other.s.close();
    }
  });

  test('/proc is private: no host processes, no server environment, no ptrace of the server', async () => {
    const r = await sess.s.call('run_python', { code: `
import os
pids = [p for p in os.listdir("/proc") if p.isdigit()]
print("pids", len(pids))
print("pid1", open("/proc/1/cmdline","rb").read().replace(b"\\0", b" ")[:80])
print("${process.pid}" in pids and "SERVER-VISIBLE" or "server hidden")
print("GENEGYM" in str(os.environ) and "ENV-LEAK" or "env clean")
for p in pids:
    try:
        if b"${SECRET}" in open(f"/proc/{p}/environ","rb").read(): print("ENVIRON-LEAK", p)
    except OSError: pass
` });
    const out = stdout(r);
    assert.ok(Number(/pids (\d+)/.exec(out)?.[1]) < 10, out);
    assert.doesNotMatch(out, /SERVER-VISIBLE|ENV-LEAK|ENVIRON-LEAK|node/);
    assert.match(out, /server hidden/);
  });

  test('fork bomb and memory hog are contained; the server and other sessions carry on', async () => {
    const bystander = await srv.session();
    try {
      const bomb = sess.s.call('run_bash', { command: ':(){ :|:& };: ; sleep 2; echo survived', timeout_s: 5 });
      const meanwhile = await bystander.s.call('run_bash', { command: 'echo bystander-ok' });
      assert.match(stdout(meanwhile), /bystander-ok/);
      const b = await bomb;
      assert.ok(b.ok, 'a fork bomb is the agent\'s program failing, not an environment error');
      const hog = await sess.s.call('run_python', { code: `x = bytearray(${8 * 1024} * ${MiB})\nprint("allocated")` });
      assert.ok(hog.ok);
      assert.doesNotMatch(stdout(hog), /allocated/);
      assert.match(text((hog as { output: Parameters<typeof text>[0] }).output), /MemoryError|memory budget/);
      const loop = await sess.s.call('run_python', { code: 'while True: pass', timeout_s: 1 });
      assert.match(loop.ok ? text(loop.output) : '', /wall-clock time limit/);
      const alive = await sess.s.call('run_bash', { command: 'echo alive' });
      assert.match(stdout(alive), /alive/);
    } finally {
      await bystander.s.close();
    }
  });
});
