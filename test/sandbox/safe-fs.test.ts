// safe-fs: workspace files are opened and listed through directory descriptors, never by a
// path that a concurrent process could redirect with a symlink.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { listWorkspace, openWorkspaceFile, WorkspaceFsError } from '../../src/sandbox/safe-fs.js';
import { usage } from '../../src/sandbox/disk-quota.js';

let ws: string;
let outside: string;
const SECRET = 'outside-secret-4f1c';

before(async () => {
  ws = await mkdtemp(join(tmpdir(), 'genegym-safefs-'));
  outside = await mkdtemp(join(tmpdir(), 'genegym-safefs-out-'));
  await writeFile(join(outside, 'secret.txt'), SECRET);
  await mkdir(join(outside, 'data'));
  await writeFile(join(outside, 'data', 'x.tsv'), SECRET);
  await mkdir(join(ws, 'data', 'deep'), { recursive: true });
  await writeFile(join(ws, 'data', 'x.tsv'), 'a\tb\n1\t2\n');
  await writeFile(join(ws, 'data', 'deep', 'y.txt'), 'y');
});
after(async () => {
  await rm(ws, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function readAll(path: string): Promise<string> {
  const { handle } = await openWorkspaceFile(ws, path);
  try {
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

const refused = (code: string, re: RegExp) => (e: unknown) => e instanceof WorkspaceFsError && e.code === code && re.test(e.message) && !e.message.includes(ws) && !e.message.includes(outside);

test('regular files open; the descriptor is checked, not the path', async () => {
  assert.equal(await readAll('data/x.tsv'), 'a\tb\n1\t2\n');
  assert.equal(await readAll('/workspace/data/./deep/y.txt'), 'y');
  const { handle, stats } = await openWorkspaceFile(ws, 'data/x.tsv');
  assert.equal(stats.size, 8);
  assert.ok(stats.isFile());
  await handle.close();
});

test('a symlink is refused at the last component and at every intermediate one', async () => {
  await symlink(join(outside, 'secret.txt'), join(ws, 'leaf-link'));
  await symlink('data/x.tsv', join(ws, 'inside-link')); // even a link that stays inside
  await symlink(outside, join(ws, 'dir-link'));
  await mkdir(join(ws, 'nest'));
  await symlink(outside, join(ws, 'nest', 'mid'));
  try {
    await assert.rejects(openWorkspaceFile(ws, 'leaf-link'), refused('ELOOP', /leaf-link is a symbolic link/));
    await assert.rejects(openWorkspaceFile(ws, 'inside-link'), refused('ELOOP', /symbolic link/));
    await assert.rejects(openWorkspaceFile(ws, 'dir-link/secret.txt'), refused('ELOOP', /^dir-link is a symbolic link/));
    await assert.rejects(openWorkspaceFile(ws, 'nest/mid/data/x.tsv'), refused('ELOOP', /^nest\/mid is a symbolic link/));
    await assert.rejects(listWorkspace(ws, 'dir-link'), refused('ELOOP', /symbolic link/));
    const listed = await listWorkspace(ws);
    assert.deepEqual(listed.links.sort(), ['dir-link', 'inside-link', 'leaf-link', 'nest/mid']);
    assert.ok(listed.files.every((f) => !f.path.includes('secret') && !f.path.startsWith('dir-link')));
  } finally {
    for (const p of ['leaf-link', 'inside-link', 'dir-link', 'nest']) await rm(join(ws, p), { recursive: true, force: true });
  }
});

test('FIFOs, directories, missing files and escapes are clear refusals (a FIFO never blocks)', async () => {
  const mk = spawn('mkfifo', [join(ws, 'pipe')]);
  await new Promise((r) => mk.on('exit', r));
  try {
    await assert.rejects(openWorkspaceFile(ws, 'pipe'), refused('NOTREG', /not a regular file/));
    await assert.rejects(openWorkspaceFile(ws, 'data'), refused('EISDIR', /is a directory/));
    await assert.rejects(openWorkspaceFile(ws, 'nope.txt'), refused('ENOENT', /no such file/));
    await assert.rejects(openWorkspaceFile(ws, 'data/x.tsv/z'), refused('ENOTDIR', /not a directory/));
    await assert.rejects(openWorkspaceFile(ws, '../etc/passwd'), refused('EINVAL', /'\.\.'/));
    await assert.rejects(openWorkspaceFile(ws, '/etc/passwd'), refused('EINVAL', /relative/));
    await assert.rejects(listWorkspace(ws, 'data/x.tsv'), refused('ENOTDIR', /not a directory/));
  } finally {
    await rm(join(ws, 'pipe'), { force: true });
  }
});

test('listing: depth-first in name order, sub-directories, and an entry budget enforced inside one directory', async () => {
  assert.deepEqual((await listWorkspace(ws)).files, [
    { path: 'data/deep/y.txt', bytes: 1 },
    { path: 'data/x.tsv', bytes: 8 },
  ]);
  assert.deepEqual((await listWorkspace(ws, 'data/deep')).files, [{ path: 'data/deep/y.txt', bytes: 1 }]);
  const big = join(ws, 'big');
  await mkdir(big);
  try {
    await Promise.all(Array.from({ length: 300 }, (_, i) => writeFile(join(big, `f${i}`), '')));
    const l = await listWorkspace(ws, 'big', { maxEntries: 100 });
    assert.equal(l.truncated, true);
    assert.equal(l.files.length, 100);
    const whole = await listWorkspace(ws, 'big', { maxEntries: 300 });
    assert.equal(whole.truncated, false);
    assert.equal(whole.files.length, 300);
    // long names are bounded too: 300 names of 3 chars or more each exceed 600 characters
    const named = await listWorkspace(ws, 'big', { maxPathChars: 600 });
    assert.equal(named.truncated, true);
    assert.ok(named.files.length > 0 && named.files.reduce((n, f) => n + f.path.length, 0) <= 600);
    const shallow = await listWorkspace(ws, '', { maxDepth: 1 });
    assert.equal(shallow.skippedDeep, 1); // data/deep
  } finally {
    await rm(big, { recursive: true, force: true });
  }
});

/** Kills the swapper's whole process group and waits for it, so no `ln`/`mv` still in flight
 *  re-creates a file while the directory is being removed. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  await exited;
}

test('a process swapping a file for a symlink in a loop never gets a read outside', async () => {
  const dir = join(ws, 'race');
  await mkdir(dir);
  await writeFile(join(dir, 'ok.txt'), 'inside');
  // Renames are atomic: the name is always either the real file or a link to the secret.
  const swapper = spawn('bash', ['-c', `cd ${dir}; n=0; while :; do ln -f ok.txt tmp && mv -f tmp f; ln -sfn ${join(outside, 'secret.txt')} tmp2 && mv -Tf tmp2 f; n=$((n+1)); [ $n = 5 ] && echo swapping; done`], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  await new Promise<void>((r) => swapper.stdout!.once('data', () => r())); // reads start once the swaps do
  try {
    let inside = 0;
    let links = 0;
    // at least 20 rounds; more (up to 200) while a busy machine has shown only one side of the race
    let round = 0;
    for (; round < 20 || (round < 200 && (inside === 0 || links === 0)); round++) {
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => readAll('race/f')));
      for (const r of results) {
        if (r.status === 'fulfilled') {
          assert.equal(r.value, 'inside', 'read something other than the workspace file');
          inside++;
        } else if (r.reason instanceof WorkspaceFsError) links++;
        else throw r.reason;
      }
    }
    assert.ok(inside + links === round * 20);
    assert.ok(links > 0 && inside > 0, `the race was exercised (inside ${inside}, refused ${links})`);
  } finally {
    await stopGroup(swapper);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
});

test('the disk-usage walk never counts a host tree that a directory is swapped for mid-walk', async () => {
  const root = await mkdtemp(join(tmpdir(), 'genegym-usage-'));
  const host = await mkdtemp(join(tmpdir(), 'genegym-usage-host-'));
  await writeFile(join(host, 'big.bin'), Buffer.alloc(4 << 20, 1)); // 4 MiB of real blocks outside
  await mkdir(join(root, 'd'));
  await writeFile(join(root, 'd', 'small.txt'), 'x');
  await writeFile(join(root, 'top.txt'), 'y');
  // `d` and a link to the host tree swap names in a tight loop (renameat2 RENAME_EXCHANGE), so
  // a walk that checks `d` and then opens it by path finds the link about half the time.
  await symlink(host, join(root, 'L'));
  const swap = [
    'import ctypes, sys, os',
    'libc = ctypes.CDLL(None, use_errno=True)',
    `os.chdir(${JSON.stringify(root)})`,
    'n = 0',
    'while True:',
    '    libc.renameat2(-100, b"d", -100, b"L", 2)',
    '    n += 1',
    '    if n == 50: print("swapping", flush=True)',
  ].join('\n');
  const swapper = spawn('python3', ['-c', swap], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  await new Promise<void>((r) => swapper.stdout!.once('data', () => r()));
  try {
    let sawDir = 0;
    for (let i = 0; i < 300; i++) {
      const u = await usage(root, null);
      assert.ok(u.bytes < 1 << 20, `walk ${i} counted ${u.bytes} bytes: it followed the link into the host tree`);
      assert.ok(u.files.every((f) => !f.path.endsWith('big.bin')));
      if (u.files.some((f) => f.path.endsWith('small.txt'))) sawDir++;
    }
    assert.ok(sawDir > 0, 'the walk entered the real directory at least once');
  } finally {
    await stopGroup(swapper);
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
    await rm(host, { recursive: true, force: true });
  }
});
