// Server-wide sandbox caps: all sessions' sandboxes together sit in one capped cgroup, so many
// sessions at their own budgets cannot take the host's process table or the server's memory, and
// every sandbox process is the OOM killer's first choice (never the server).

import './server-caps-env.js'; // first: sets the cap before any sandbox exists
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverSandboxCaps } from '../../src/sandbox/cgroup.js';
import { ciMustRun, forkStorm, MiB, skip, startServer, text } from './sandbox-fixture.js';

const storm = forkStorm(4, 3);

test('caps come from the environment and are validated', () => {
  assert.deepEqual(serverSandboxCaps({ GENEGYM_SANDBOX_MEMORY_TOTAL: '1073741824', GENEGYM_SANDBOX_PROCESSES_TOTAL: '99' }), { memoryBytes: 1073741824, processes: 99 });
  assert.equal(serverSandboxCaps({}).processes, 16_384);
  assert.throws(() => serverSandboxCaps({ GENEGYM_SANDBOX_PROCESSES_TOTAL: '-1' }), /positive integer/);
});

describe('server-wide sandbox caps', { skip }, () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    srv = await startServer({ sessionMemoryBytes: 256 * MiB, sessionProcesses: 45, maxProcesses: 45, timeoutMs: 30_000 });
  });
  after(() => srv.close());

  test('sandbox processes are the OOM killer\'s first choice', async () => {
    const { s } = await srv.session();
    try {
      const r = await s.call('run_bash', { command: 'cat /proc/self/oom_score_adj; sh -c "cat /proc/self/oom_score_adj"' });
      assert.ok(r.ok);
      const m = /--- stdout ---\n(-?\d+)\n(-?\d+)\n/.exec(text(r.output));
      assert.deepEqual(m?.slice(1), ['1000', '1000'], text(r.output));
    } finally {
      await s.close();
    }
  });

  test('two sessions\' fork storms together stay within the server-wide process cap', async (t) => {
    const a = await srv.session();
    const b = await srv.session();
    try {
      await a.s.call('run_bash', { command: 'true' }); // sets up the session cgroup
      if (!a.sb.budgets().cgroup) {
        const msg = 'no usable cgroup on this host: the server-wide process cap is NOT tested (per-uid RLIMIT_NPROC only)';
        console.warn(`WARNING: ${msg}`);
        t.skip(ciMustRun(msg));
        return;
      }
      const [ra, rb] = await Promise.all([a.s.call('run_python', { code: storm }), b.s.call('run_python', { code: storm })]);
      assert.ok(ra.ok && rb.ok, JSON.stringify([ra, rb]).slice(0, 400));
      const na = Number(/forked (\d+)/.exec(text(ra.output))?.[1] ?? NaN);
      const nb = Number(/forked (\d+)/.exec(text(rb.output))?.[1] ?? NaN);
      // each session alone may fork about 40 (its budget of 45, minus the wrapper and python);
      // together they are held to the server's 60
      assert.ok(na + nb <= 60, `forked ${na} + ${nb} with a server-wide cap of 60`);
      assert.ok(na > 5 && nb > 5, `both sessions ran (${na}, ${nb})`);
    } finally {
      await a.s.close();
      await b.s.close();
    }
  });
  test('two sessions within their own memory budgets together stay within the server-wide memory cap', async (t) => {
    const a = await srv.session();
    const b = await srv.session();
    try {
      await a.s.call('run_bash', { command: 'true' });
      if (!a.sb.budgets().cgroup) {
        const msg = 'no usable cgroup on this host: the server-wide memory cap is NOT tested';
        console.warn(`WARNING: ${msg}`);
        t.skip(ciMustRun(msg));
        return;
      }
      // 200 MB each is under each session's 256 MiB budget; both together exceed the server's 320 MiB
      const code = 'import time\nb = bytearray(200 * 1024 * 1024)\nfor j in range(0, len(b), 4096): b[j] = 1\nprint("held", flush=True)\ntime.sleep(3)';
      const [ra, rb] = await Promise.all([a.s.call('run_python', { code }), b.s.call('run_python', { code })]);
      const held = [ra, rb].filter((r) => r.ok && /^held/m.test(text(r.output))).length;
      assert.ok(held <= 1, `both sessions held 200 MB under a 320 MiB server-wide cap`);
      const alone = await a.s.call('run_python', { code });
      assert.ok(alone.ok && /^held/m.test(text(alone.output)), 'one session alone fits');
    } finally {
      await a.s.close();
      await b.s.close();
    }
  });
});
