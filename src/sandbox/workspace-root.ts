// One workspace root per server process, so workspaces that outlive their server (a crash, a
// kill -9, a shutdown grace that ran out) can be found and removed by the next server:
//   <parent>/genegym-ws/<pid>-<random>/.genegym-owner.json   {pid, start, boot, pidns}
// A root is stale when its owner is gone: the pid is dead, or it is alive but started at
// another time (pid reused), or the machine has rebooted since. A root whose owner lives in
// another pid namespace (a container sharing the directory) cannot be judged and is kept.

import { constants as C, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { releaseMountsUnder } from './disk-quota.js';
import { removeTree } from './remove-tree.js';
import { processStartTime } from '../platform/process.js';

export const WORKSPACES_DIR = 'genegym-ws';
export const OWNER_FILE = '.genegym-owner.json';
/** A root without a readable marker is taken for stale only when older than this (it may be starting). */
const UNMARKED_GRACE_MS = 10 * 60 * 1000;
const ROOT_NAME = /^\d+-[A-Za-z0-9]{6}$/;

export interface RootOwner {
  pid: number;
  /** field 22 of /proc/<pid>/stat: start time in clock ticks since boot */
  start: string;
  boot: string | null;
  pidns: string | null;
}

const bootId = () => readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((s) => s.trim(), () => null);
const pidNamespace = () => readlink('/proc/self/ns/pid').catch(() => null);

export async function currentOwner(): Promise<RootOwner> {
  const start = processStartTime(process.pid);
  if (start === null) throw new Error('cannot read this process start time from /proc');
  return { pid: process.pid, start, boot: await bootId(), pidns: await pidNamespace() };
}

const myUid = () => process.getuid?.() ?? -1;

/**
 * `<parent>/genegym-ws`, created if missing (world-writable and sticky like /tmp, so servers
 * of different users can share it). Refused when it is a link or belongs to someone who could
 * rename our roots under us (any owner but us or root).
 */
async function workspacesBase(parent: string): Promise<string> {
  const base = join(resolve(parent), WORKSPACES_DIR);
  await mkdir(parent, { recursive: true });
  const created = await mkdir(base, { mode: 0o700 }).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return false;
      throw err;
    },
  );
  if (created) await chmod(base, 0o1777);
  const st = await lstat(base);
  if (!st.isDirectory()) throw new Error(`${base} is not a directory (a link?); remove it or choose another workspace parent`);
  if (st.uid !== myUid() && st.uid !== 0) throw new Error(`${base} belongs to uid ${st.uid}; remove it or choose another workspace parent`);
  return base;
}

async function readOwner(root: string): Promise<RootOwner | null> {
  try {
    const fh = await open(join(root, OWNER_FILE), C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
    try {
      const { bytesRead, buffer } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
      const o = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as RootOwner;
      if (!Number.isSafeInteger(o.pid) || o.pid <= 0 || typeof o.start !== 'string') return null;
      return o;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

export type RootVerdict = 'live' | 'stale' | 'unknown';

/** Whether the server that made a root is gone. */
export async function judgeRoot(root: string, me: RootOwner, now = Date.now()): Promise<RootVerdict> {
  const owner = await readOwner(root);
  if (!owner) {
    const st = await lstat(root).catch(() => null);
    return st && now - st.mtimeMs > UNMARKED_GRACE_MS ? 'stale' : 'unknown';
  }
  if (owner.boot && me.boot && owner.boot !== me.boot) return 'stale';
  if (owner.pidns && me.pidns && owner.pidns !== me.pidns) return 'unknown';
  if (owner.pid === me.pid && owner.start === me.start) return 'live';
  const start = processStartTime(owner.pid);
  return start === owner.start ? 'live' : 'stale';
}

export interface SweepResult {
  removed: string[];
  kept: string[];
  /** stale roots that could not be removed (e.g. a mount still busy), with the reason */
  failed: { root: string; error: string }[];
}

/** Removes the workspace roots under `parent` whose server is gone; never a live server's. */
export async function sweepStaleWorkspaceRoots(parent: string = tmpdir()): Promise<SweepResult> {
  const out: SweepResult = { removed: [], kept: [], failed: [] };
  const base = join(resolve(parent), WORKSPACES_DIR);
  const names = await readdir(base).catch(() => [] as string[]);
  const me = await currentOwner();
  for (const name of names) {
    if (!ROOT_NAME.test(name)) continue;
    const root = join(base, name);
    const st = await lstat(root).catch(() => null);
    // Only real directories of our own user: another user's roots are theirs to sweep.
    if (!st || !st.isDirectory() || st.uid !== myUid()) continue;
    if ((await judgeRoot(root, me)) !== 'stale') {
      out.kept.push(root);
      continue;
    }
    // No process of the dead server is left to race with (bwrap runs --die-with-parent).
    try {
      // Workspaces that are loop-mounted filesystems are detached first: removing through a
      // mount empties it and then fails with EBUSY.
      await releaseMountsUnder(root);
      await removeTree(root);
      out.removed.push(root);
    } catch (err) {
      out.failed.push({ root, error: (err as Error).message });
    }
  }
  return out;
}

const roots = new Map<string, Promise<string>>();
const made: string[] = [];
let exitHook = false;

/**
 * This process's workspace root under `parent` (made on first use, after sweeping the stale
 * roots there). Removed at exit when no workspace is left in it; otherwise the next server's
 * sweep removes it.
 */
export function processWorkspaceRoot(parent: string = tmpdir()): Promise<string> {
  const key = resolve(parent);
  let p = roots.get(key);
  if (!p) {
    p = makeRoot(key);
    roots.set(key, p);
    p.catch(() => roots.delete(key));
  }
  return p;
}

async function makeRoot(parent: string): Promise<string> {
  const base = await workspacesBase(parent);
  await sweepStaleWorkspaceRoots(parent);
  const owner = await currentOwner();
  const root = await mkdtemp(join(base, `${process.pid}-`));
  await writeFile(join(root, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o444, flag: 'wx' });
  // Searchable (the sandbox user must reach its workspace) but not listable by others.
  await chmod(root, 0o711);
  made.push(root);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => made.forEach(removeIfEmpty));
  }
  return root;
}

function removeIfEmpty(root: string): void {
  try {
    const left = readdirSync(root);
    if (left.length === 1 && left[0] === OWNER_FILE) {
      unlinkSync(join(root, OWNER_FILE));
      rmdirSync(root);
    }
  } catch {
    /* gone already, or not ours to fix at exit: the next sweep handles it */
  }
}
