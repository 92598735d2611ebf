// Escape attempts against the bubblewrap sandbox. Each one must be contained: the attempt
// fails inside, the host is untouched, and the sandbox keeps working afterwards.

import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BwrapSandbox, DEFAULT_LIMITS, openSandbox, probeBwrap, type Sandbox } from '../../src/sandbox/index.js';

const probe = await probeBwrap();
const CI = process.env.CI === 'true';
if (!probe.ok) {
  if (CI) throw new Error(`bubblewrap sandbox must work under CI: ${probe.reason}`);
  console.warn(`SKIP sandbox escape tests: bubblewrap unavailable here (${probe.reason})`);
}

describe('bubblewrap sandbox containment', { skip: probe.ok ? false : `bubblewrap unavailable: ${probe.reason}` }, () => {
  let parent: string;
  let sb: Sandbox;
  const SECRET = 'TRUTH-CANARY-7d41';

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'genegym-sbtest-'));
    await chmod(parent, 0o711); // the sandbox uid must be able to reach its workspace
    // the server's truth sits next to the workspace on the host
    await writeFile(join(parent, 'truth.json'), JSON.stringify({ secret: SECRET }));
    sb = await openSandbox({ mode: 'bwrap', parent, files: [{ path: 'data/x.tsv', data: new TextEncoder().encode('a\tb\n1\t2\n') }], limits: { timeoutMs: 20_000 } });
    process.env.GENEGYM_TEST_SECRET = SECRET;
  });
  after(async () => {
    delete process.env.GENEGYM_TEST_SECRET;
    await sb.cleanup();
    await rm(parent, { recursive: true, force: true });
  });

  const py = (code: string, limits = {}) => sb.exec({ argv: ['python3', '-'], stdin: code, limits });
  const sh = (cmd: string, limits = {}) => sb.exec({ argv: ['bash', '-c', cmd], limits });

  test('runs python with numpy/pandas/statsmodels and reads the workspace files', async () => {
    const r = await py('import numpy, scipy, pandas, statsmodels\nprint(pandas.read_csv("data/x.tsv", sep="\\t").b.sum())');
    assert.equal(r.status, 'ok', r.stderr);
    assert.equal(r.stdout.trim(), '2');
  });

  test('no network: loopback of the host and outside addresses are unreachable', async () => {
    const server = createServer((s) => s.end('hello from host'));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await py(`
import socket
for host, port in [("127.0.0.1", ${port}), ("1.1.1.1", 80), ("10.0.0.1", 80)]:
    try:
        s = socket.create_connection((host, port), timeout=2)
        print("CONNECTED", host, s.recv(100))
    except OSError as e:
        print("blocked", host, type(e).__name__)
`);
      assert.equal(r.status, 'ok', r.stderr);
      assert.doesNotMatch(r.stdout, /CONNECTED/);
      assert.equal(r.stdout.match(/blocked/g)?.length, 3);
    } finally {
      server.close();
    }
  });

  test('cannot read outside the workspace: /etc/shadow, the server tree, the truth next to the workspace', async () => {
    const truthHost = join(parent, 'truth.json');
    const r = await sh(`cat /etc/shadow; cat ../truth.json; cat ${truthHost}; ls /root /work /home 2>&1; cat /proc/1/environ | tr '\\0' '\\n'; env; grep -rs ${SECRET} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev; echo done`);
    assert.equal(r.status, 'ok');
    assert.match(r.stdout, /done/);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), 'secret leaked into the sandbox');
    assert.match(r.stderr, /\/etc\/shadow: No such file/);
  });

  test('the toolchain is Debian\'s: /usr/local is hidden, python3 is /usr/bin/python3', async () => {
    const r = await sh('ls -A /usr/local | wc -l; command -v python3; ls /usr/bin/python3 >/dev/null && echo has-usr');
    assert.equal(r.status, 'ok', r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['0', '/usr/bin/python3', 'has-usr']);
  });

  test('cannot write outside the workspace; writes inside work', async () => {
    const r = await sh('for p in /x /usr/x /etc/x /bin/x ../escape; do (echo pwned > $p) 2>/dev/null && echo "WROTE $p"; done; echo ok > inside.txt && echo inside-ok; echo t > /tmp/t && echo tmp-ok');
    assert.equal(r.status, 'ok');
    assert.doesNotMatch(r.stdout, /WROTE/);
    assert.match(r.stdout, /inside-ok/);
    assert.match(r.stdout, /tmp-ok/);
    assert.equal((await readFile(join(sb.workspace, 'inside.txt'), 'utf8')).trim(), 'ok');
    await assert.rejects(readFile(join(parent, 'escape')));
  });

  test('fork bomb is contained by the process limit and the timeout', async () => {
    const r = await sh(':(){ :|:& };: ; sleep 3; echo survived', { timeoutMs: 6_000, maxProcesses: 32 });
    assert.ok(['ok', 'timeout'].includes(r.status), `status ${r.status}`);
    // the sandbox still works afterwards
    const again = await sh('echo alive');
    assert.equal(again.stdout.trim(), 'alive');
  });

  test('memory hog gets MemoryError under the address-space limit', async () => {
    const r = await py('x = bytearray(6 * 1024**3)\nprint("allocated")', { memoryBytes: 1024 * 1024 * 1024 });
    assert.equal(r.status, 'ok');
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /MemoryError/);
    assert.doesNotMatch(r.stdout, /allocated/);
  });

  test('infinite loop is killed at the wall-clock limit; CPU limit also ends busy code', async () => {
    const r = await py('while True: pass', { timeoutMs: 1_500 });
    assert.equal(r.status, 'timeout');
    const c = await py('while True: pass', { timeoutMs: 30_000, cpuSeconds: 1 });
    assert.equal(c.status, 'ok');
    assert.ok(c.signal !== null || (c.exitCode ?? 0) !== 0, `cpu limit did not end the run: ${JSON.stringify(c)}`);
  });

  test('huge output is truncated and the flood is stopped', async () => {
    const r = await sh('yes ABCDEFGH', { timeoutMs: 20_000, outputBytes: 4096, outputKillBytes: 1024 * 1024 });
    assert.equal(r.status, 'output_limit');
    assert.ok(r.stdout.length <= 4096);
    assert.ok(r.stdoutDropped > 0);
  });

  test('a broken sandbox is a sandbox_error, not a program failure', async () => {
    const broken = new BwrapSandbox({ workspace: sb.workspace, limits: DEFAULT_LIMITS, bwrapPath: '/nonexistent/bwrap' });
    const r = await broken.exec({ argv: ['true'] });
    assert.equal(r.status, 'sandbox_error');
    assert.ok(r.sandboxError);
  });
});

test('python toolchain probe', { skip: probe.ok ? false : 'bubblewrap unavailable' }, async (t) => {
  const { probePythonToolchain } = await import('../../src/sandbox/index.js');
  const r = await probePythonToolchain();
  if (!r.ok && !CI) {
    console.warn(`SKIP: python toolchain not usable in the sandbox here: ${r.detail}`);
    t.skip(r.detail);
    return;
  }
  assert.equal(r.ok, true, r.detail);
  assert.match(r.detail, /numpy\/scipy\/pandas\/statsmodels \d/);
});
