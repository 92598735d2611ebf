// Attacks on the workspace file tools (list_files, read_file) through the ORS server with the
// case-studies environment and the bubblewrap sandbox, as a hostile policy would make them:
// symlink swaps racing the server's reads (files and intermediate directories, towards a host
// secret and /etc/shadow), FIFOs, a gzip bomb, a directory of more than 5,000 entries.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGzip } from 'node:zlib';
import { createCaseStudiesEnvironment } from '../../src/envs/case-studies/env.js';
import { OrsClient } from '../../src/ors/client/index.js';
import { buildServer } from '../../src/ors/server/index.js';
import type { JsonObject, RunToolOutput } from '../../src/ors/types.js';
import { exampleLinear } from '../envs/case-studies/fixtures/example-linear.js';
import { skip } from './sandbox-fixture.js';

const SECRET = `host-secret-${process.pid}-7d41`;
let outside: string;
let parent: string;
let server: Awaited<ReturnType<typeof buildServer>>;
let baseUrl: string;
const workspaces: string[] = [];

before(async () => {
  outside = await mkdtemp(join(tmpdir(), 'genegym-attack-outside-'));
  await writeFile(join(outside, 'secret.txt'), `${SECRET}\n`);
  await writeFile(join(outside, 'x.tsv'), `${SECRET}\tdir\n`);
  await writeFile(join(outside, 'secret-name.tsv'), `${SECRET}\n`);
  parent = await mkdtemp(join(tmpdir(), 'genegym-attack-ws-'));
  await chmod(parent, 0o711); // the sandbox user must be able to reach its workspace
  const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'bwrap', perCase: { train: 10, test: 2 }, workspaceParent: parent });
  const open = env.open.bind(env);
  env.open = async (ctx) => {
    const ep = await open(ctx);
    workspaces.push(ep.state.sandbox.workspace);
    return ep;
  };
  server = await buildServer({ environments: [env], logger: false });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await server?.close();
  await rm(outside, { recursive: true, force: true });
  await rm(parent, { recursive: true, force: true });
});

const textOf = (r: RunToolOutput) => (r.ok ? r.output.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n') : r.error);

async function session(index: number) {
  const env = new OrsClient({ baseUrl, pingIntervalMs: 0 }).environment('case-studies');
  const s = await env.session({ split: 'train', index });
  await s.prompt();
  return { s, workspace: workspaces[workspaces.length - 1] };
}

/** Nothing from outside the workspace: not the secret, its file names, nor /etc/shadow. */
function assertNoLeak(out: string): void {
  assert.ok(!out.includes(SECRET), `host secret leaked: ${out.slice(0, 200)}`);
  assert.ok(!out.includes('secret-name'), `host directory listed: ${out.slice(0, 200)}`);
  assert.ok(!/^root:/m.test(out), `/etc/shadow leaked: ${out.slice(0, 200)}`);
}

test('symlink swaps racing hundreds of concurrent read_file / list_files calls never reach the host', { skip }, async () => {
  const { s, workspace } = await session(1);
  try {
    // Three names, each atomically exchanged (renameat2 RENAME_EXCHANGE) with a link out of the
    // workspace, as fast as the sandbox can: a file ↔ host secret, a file ↔ /etc/shadow, and a
    // directory ↔ a host directory (the intermediate component of d/x.tsv).
    const setup = await s.call('run_python', {
      code: `
import os
os.makedirs('d', exist_ok=True)
open('d/x.tsv', 'w').write('inside-dir\\n')
open('f', 'w').write('inside-f\\n')
open('f2', 'w').write('inside-f2\\n')
os.symlink(${JSON.stringify(join(outside, 'secret.txt'))}, 'l1')
os.symlink('/etc/shadow', 'l2')
os.symlink(${JSON.stringify(outside)}, 'l3')
print('ok')
`,
    });
    assert.ok(setup.ok && /exit code: 0/.test(textOf(setup)), textOf(setup));
    const swapper = s.call('run_python', {
      timeout_s: 60,
      code: `
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
pairs = [(b'f', b'l1'), (b'f2', b'l2'), (b'd', b'l3')]
n, end = 0, time.time() + 50
while not os.path.exists('stop') and time.time() < end:
    for a, b in pairs:
        if libc.renameat2(-100, a, -100, b, 2) != 0:
            raise OSError(ctypes.get_errno(), 'renameat2')
    n += 1
    if n == 10:
        open('swapping', 'w').close()
print('swaps', n)
`,
    });
    // Reads start once the swaps are under way (python in the sandbox takes a moment to start).
    for (let i = 0; i < 600 && !existsSync(join(workspace, 'swapping')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(join(workspace, 'swapping')), 'the swapper started');
    const targets = [
      { path: 'f', inside: 'inside-f' },
      { path: 'f2', inside: 'inside-f2' },
      { path: 'd/x.tsv', inside: 'inside-dir' },
    ];
    let served = 0;
    let refused = 0;
    let calls = 0;
    for (let round = 0; round < 8; round++) {
      const batch = await Promise.all([
        ...Array.from({ length: 60 }, (_, i) => targets[i % 3]).map(async (t) => ({ t, r: await s.call('read_file', { path: t.path }) })),
        ...Array.from({ length: 3 }, async () => ({ t: null, r: await s.call('list_files', {}) })),
      ]);
      for (const { t, r } of batch) {
        calls++;
        const out = textOf(r);
        assertNoLeak(out);
        if (!t) continue;
        if (r.ok) {
          assert.match(out, new RegExp(`^${t.inside}$`, 'm'), `read_file ${t.path} returned something else: ${out}`);
          served++;
        } else {
          assert.match(out, /symbolic link|no such file|not a directory/, out);
          refused++;
        }
      }
    }
    await writeFile(join(workspace, 'stop'), '');
    const done = await swapper;
    const swaps = Number(/swaps (\d+)/.exec(textOf(done))?.[1] ?? 0);
    console.log(`race: ${served} reads served, ${refused} refused, ${swaps} swap rounds`);
    assert.ok(swaps > 100, `the swapper ran (${textOf(done)})`);
    assert.equal(calls, 8 * 63);
    assert.ok(served > 0 && refused > 0, `the race was exercised: ${served} reads served, ${refused} refused`);
  } finally {
    await s.close();
  }
});

test('static links, FIFOs and oversized paths are refused at once', { skip }, async () => {
  const { s } = await session(2);
  try {
    const mk = await s.call('run_bash', {
      command: `ln -s /etc/shadow shadow; ln -s ${outside} hostdir; mkdir -p a; ln -s ${outside} a/b; ln -s /etc e; mkfifo pipe; mkdir q; mkfifo q/pipe`,
    });
    assert.match(textOf(mk), /exit code: 0/);
    for (const [path, why] of [
      ['shadow', /symbolic link/],
      ['hostdir/secret.txt', /hostdir is a symbolic link/],
      ['a/b/secret.txt', /a\/b is a symbolic link/],
      ['e/shadow', /e is a symbolic link/],
      ['pipe', /not a regular file/],
      ['q/pipe', /not a regular file/],
      ['/etc/shadow', /relative/],
      ['../../../../etc/shadow', /'\.\.'/],
    ] as const) {
      const r = await s.call('read_file', { path });
      assert.equal(r.ok, false, `${path} was read: ${textOf(r)}`);
      assert.match(textOf(r), why);
      assertNoLeak(textOf(r));
    }
    for (const path of ['hostdir', 'a/b', 'e']) {
      const r = await s.call('list_files', { path });
      assert.equal(r.ok, false, `${path} was listed: ${textOf(r)}`);
      assertNoLeak(textOf(r));
    }
    const all = await s.call('list_files', {});
    assert.ok(all.ok);
    assertNoLeak(textOf(all));
    assert.match(textOf(all), /symbolic link\(s\) not followed/);
    // A path is bounded by the schema before anything looks at it.
    const long = await s.call('read_file', { path: 'x/'.repeat(5000) });
    assert.equal(long.ok, false);
    assert.match(textOf(long), /4096/);
  } finally {
    await s.close();
  }
});

/** A single-member gzip of `count` newlines, made as a stream (never the whole text). */
async function newlineBomb(count: number): Promise<Buffer> {
  const gz = createGzip({ level: 1 }); // about 900 KB, like the file of the original attack
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const block = Buffer.alloc(1 << 20, 0x0a);
  for (let left = count; left > 0; left -= block.length) {
    if (!gz.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => gz.once('drain', r));
  }
  await new Promise<void>((r) => gz.end(r));
  return Buffer.concat(out);
}

test('a gzip bomb (200 M newlines in under 1 MB) is read up to the cap and the server stays up', { skip }, async () => {
  const bomb = await newlineBomb(200_000_000);
  assert.ok(bomb.length < 1_000_000, `bomb is ${bomb.length} bytes`);
  const { s, workspace } = await session(3);
  try {
    await writeFile(join(workspace, 'bomb.gz'), bomb);
    const before = process.memoryUsage().rss;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - before)), 10);
    const reads = await Promise.all([0, 10, 1_000_000, 16_000_000, 50_000_000, 0, 5, 99].map((offset) => s.call('read_file', { path: 'bomb.gz', offset, limit: 5 })));
    clearInterval(sampler);
    for (const r of reads) {
      assert.ok(r.ok, textOf(r));
      assert.match(textOf(r), /decompression stopped after 16 MiB of output; read the rest with run_python/);
      assert.equal(r.output.metadata?.total_lines, null);
    }
    assert.match(textOf(reads[0]), /lines 0–4 of at least 16777216; next offset 5/);
    console.log(`bomb: ${bomb.length} bytes; 8 concurrent reads grew the server's rss by at most ${(peak / 2 ** 20).toFixed(0)} MiB`);
    assert.ok(peak < 256 * 2 ** 20, `server rss grew ${(peak / 2 ** 20).toFixed(0)} MiB for 8 concurrent bomb reads`);
    const health = await fetch(`${baseUrl}/health`);
    assert.equal(health.status, 200);
    // the session still works
    const ls = await s.call('list_files', {});
    assert.match(textOf(ls), /bomb\.gz\t\d+/);
  } finally {
    await s.close();
  }
});

test('a directory of more than 5,000 entries is listed up to the cap and says it was truncated', { skip }, async () => {
  const { s } = await session(4);
  try {
    // Hard links of one file: 6,000 directory entries without 6,000 inodes (quick on any disk).
    const mk = await s.call('run_python', { code: "import os\nos.mkdir('big')\nopen('big/a', 'w').close()\nfor i in range(5999): os.link('big/a', f'big/h{i}')\nprint(len(os.listdir('big')))" });
    assert.match(textOf(mk), /6000/);
    for (const input of [{ path: 'big' }, {}] as JsonObject[]) {
      const r = await s.call('list_files', input);
      assert.ok(r.ok, textOf(r));
      assert.equal(r.output.metadata?.truncated, true);
      assert.ok((r.output.metadata?.count as number) <= 5000);
      assert.match(textOf(r), /listing truncated: list_files stops after 5000 directory entries/);
    }
  } finally {
    await s.close();
  }
});

test('with --sandbox=none the file tools work and refuse links the same way', async () => {
  const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'none', perCase: { train: 2, test: 1 }, workspaceParent: parent });
  const tool = (name: string) => env.tools.find((t) => t.name === name)!;
  const ctx = { signal: new AbortController().signal, sessionId: 'none-1' };
  const warn = console.warn;
  console.warn = () => {}; // the --sandbox=none warning
  const task = await env.tasks.get('train', 0);
  const ep = await Promise.resolve(env.open({ task, secrets: {}, sessionId: 'none-1', signal: ctx.signal })).finally(() => (console.warn = warn));
  try {
    const st = ep.state;
    const page = await tool('read_file').run({ path: 'data/xy.tsv.gz', limit: 2 }, st, ctx);
    assert.match(page.blocks.map((b) => (b.type === 'text' ? b.text : '')).join(''), /\(gzip\): lines 0–1 of \d+; next offset 2/);
    const run = await tool('run_bash').run({ command: `ln -s ${join(outside, 'secret.txt')} s && mkdir d && ln -s ${outside} d/o` }, st, ctx);
    assert.equal(run.metadata?.exit_code, 0);
    await assert.rejects(async () => tool('read_file').run({ path: 's' }, st, ctx), /symbolic link/);
    await assert.rejects(async () => tool('read_file').run({ path: 'd/o/secret.txt' }, st, ctx), /d\/o is a symbolic link/);
    const ls = await tool('list_files').run({}, st, ctx);
    assertNoLeak(ls.blocks.map((b) => (b.type === 'text' ? b.text : '')).join(''));
    assert.deepEqual(ls.metadata?.count, 2);
  } finally {
    await ep.close?.();
  }
});
