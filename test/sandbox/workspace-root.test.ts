// Workspace roots: one per server process, with an owner marker, and a sweep that removes the
// roots of servers that are gone and never a live one's.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { createWorkspace } from '../../src/sandbox/workspace.js';
import { currentOwner, OWNER_FILE, processWorkspaceRoot, type RootOwner, sweepStaleWorkspaceRoots, WORKSPACES_DIR } from '../../src/sandbox/workspace-root.js';
import { processStartTime } from '../../src/platform/process.js';

let parent: string;
before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'genegym-roots-'));
});
after(() => rm(parent, { recursive: true, force: true }));

async function fakeRoot(name: string, owner: Partial<RootOwner> | null): Promise<string> {
  const root = join(parent, WORKSPACES_DIR, name);
  await mkdir(join(root, 'ws-abcdef', 'data'), { recursive: true });
  await writeFile(join(root, 'ws-abcdef', 'data', 'x.tsv'), 'leaked');
  if (owner) await writeFile(join(root, OWNER_FILE), JSON.stringify({ ...(await currentOwner()), ...owner }));
  return root;
}

/** A process that has exited, with the start time it had. */
async function deadProcess(): Promise<{ pid: number; start: string }> {
  const child = spawn('sleep', ['5']);
  const pid = child.pid!;
  const start = (await processStartTime(pid))!;
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  return { pid, start };
}

test('each process gets one root with an owner marker; workspaces are created inside it', async () => {
  const root = await processWorkspaceRoot(parent);
  assert.equal(await processWorkspaceRoot(parent), root, 'one root per process and parent');
  assert.equal(dirname(root), join(parent, WORKSPACES_DIR));
  assert.match(basename(root), new RegExp(`^${process.pid}-[A-Za-z0-9]{6}$`));
  assert.equal((await stat(root)).mode & 0o777, 0o711);
  assert.equal((await stat(dirname(root))).mode & 0o7777, 0o1777);
  const owner = JSON.parse(await readFile(join(root, OWNER_FILE), 'utf8')) as RootOwner;
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.start, await processStartTime(process.pid));
  const ws = await createWorkspace(parent);
  assert.equal(dirname(ws), root);
});

test('the sweep removes roots of dead or replaced servers and keeps live and undecidable ones', async () => {
  const own = await processWorkspaceRoot(parent);
  const dead = await deadProcess();
  const live = spawn('sleep', ['30']);
  try {
    const liveStart = (await processStartTime(live.pid!))!;
    const roots = {
      dead: await fakeRoot(`${dead.pid}-aaaaaa`, dead),
      reused: await fakeRoot(`${live.pid}-bbbbbb`, { pid: live.pid!, start: String(Number(liveStart) - 100) }),
      rebooted: await fakeRoot(`${live.pid}-cccccc`, { pid: live.pid!, start: liveStart, boot: 'another-boot' }),
      live: await fakeRoot(`${live.pid}-dddddd`, { pid: live.pid!, start: liveStart }),
      otherNamespace: await fakeRoot(`${dead.pid}-eeeeee`, { ...dead, pidns: 'pid:[1]' }),
      unmarkedNew: await fakeRoot(`${dead.pid}-ffffff`, null),
      unmarkedOld: await fakeRoot(`${dead.pid}-gggggg`, null),
    };
    const old = new Date(Date.now() - 3600_000);
    await utimes(roots.unmarkedOld, old, old);
    // a link named like a root, pointing at data that must survive
    const precious = await mkdtemp(join(tmpdir(), 'genegym-precious-'));
    await writeFile(join(precious, 'keep.txt'), 'keep');
    await symlink(precious, join(parent, WORKSPACES_DIR, `${dead.pid}-hhhhhh`));
    try {
      const r = await sweepStaleWorkspaceRoots(parent);
      assert.deepEqual(r.removed.sort(), [roots.dead, roots.reused, roots.rebooted, roots.unmarkedOld].sort());
      for (const p of r.removed) assert.equal(existsSync(p), false);
      for (const p of [roots.live, roots.otherNamespace, roots.unmarkedNew, own]) assert.ok(existsSync(p), `${p} kept`);
      assert.ok((await lstat(join(parent, WORKSPACES_DIR, `${dead.pid}-hhhhhh`))).isSymbolicLink());
      assert.equal(await readFile(join(precious, 'keep.txt'), 'utf8'), 'keep');
    } finally {
      await rm(precious, { recursive: true, force: true });
    }
  } finally {
    live.kill('SIGKILL');
  }
});

test('a base directory that is a link or belongs to another user is refused', async () => {
  const other = await mkdtemp(join(tmpdir(), 'genegym-roots-link-'));
  const target = await mkdtemp(join(tmpdir(), 'genegym-roots-target-'));
  try {
    await symlink(target, join(other, WORKSPACES_DIR));
    await assert.rejects(processWorkspaceRoot(other), /not a directory/);
  } finally {
    await rm(other, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  }
});
