// removeTree: a workspace is removed without following links, even while a process swaps its
// directories for links to a host directory during the removal.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeTree } from '../../src/sandbox/remove-tree.js';

let base: string;
let outside: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'genegym-rmtree-'));
  outside = await mkdtemp(join(tmpdir(), 'genegym-rmtree-out-'));
  await mkdir(join(outside, 'sub'));
  for (let i = 0; i < 20; i++) await writeFile(join(outside, 'sub', `keep${i}`), 'keep');
  await writeFile(join(outside, 'keep.txt'), 'keep');
});
after(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function outsideIntact(): Promise<void> {
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'keep');
  assert.equal((await readdir(join(outside, 'sub'))).length, 20, 'files outside the tree were removed');
}

test('removes a tree with files, links (not their targets) and FIFOs; a missing path is fine', async () => {
  const ws = join(base, 'ws1');
  await mkdir(join(ws, 'a', 'b', 'c'), { recursive: true });
  await writeFile(join(ws, 'a', 'b', 'c', 'f.txt'), 'x');
  await symlink(outside, join(ws, 'a', 'out'));
  await symlink(join(outside, 'keep.txt'), join(ws, 'keep-link'));
  const mk = spawn('mkfifo', [join(ws, 'a', 'pipe')]);
  await new Promise((r) => mk.on('exit', r));
  await removeTree(ws);
  assert.equal(existsSync(ws), false);
  await outsideIntact();
  await removeTree(ws); // already gone
  // deep nesting (each level is one open descriptor while it is emptied)
  const deep = join(base, 'deep');
  await mkdir(join(deep, ...Array.from({ length: 600 }, () => 'd')), { recursive: true });
  await removeTree(deep);
  assert.equal(existsSync(deep), false);
  // a link given as the tree itself is unlinked, never followed
  await symlink(outside, join(base, 'top-link'));
  await removeTree(join(base, 'top-link'));
  assert.equal(existsSync(join(base, 'top-link')), false);
  await outsideIntact();
});

test('a process exchanging directories with links to a host directory during removal removes nothing outside', async () => {
  for (let round = 0; round < 5; round++) {
    const ws = join(base, `race${round}`);
    for (let i = 0; i < 30; i++) {
      await mkdir(join(ws, `d${i}`, 'inner'), { recursive: true });
      for (let k = 0; k < 5; k++) await writeFile(join(ws, `d${i}`, 'inner', `f${k}`), 'x');
      await symlink(join(outside, 'sub'), join(ws, `l${i}`));
    }
    const swapper = spawn('python3', ['-c', `
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(${JSON.stringify(ws)})
n = 0
while True:
    for i in range(30):
        libc.renameat2(-100, b'd%d/inner' % i if i % 2 else b'd%d' % i, -100, b'l%d' % i, 2)
    n += 1
    if n == 20:
        print('swapping', flush=True)
`], { stdio: ['ignore', 'pipe', 'ignore'] });
    // start removing only once the swaps are under way
    await new Promise<void>((r) => swapper.stdout!.once('data', () => r()));
    try {
      await removeTree(ws).catch(() => {}); // may refuse to finish while refilled; must never reach outside
    } finally {
      swapper.kill('SIGKILL');
      await new Promise((r) => swapper.on('exit', r));
    }
    await outsideIntact();
    await removeTree(ws);
    assert.equal(existsSync(ws), false);
  }
});
