// Per-session workspace disk budget. Strongest form (root, loop devices, mkfs.ext4): the
// workspace is its own small ext4 filesystem in a sparse image file next to it, loop-mounted
// nosuid,nodev — writes past the size fail with ENOSPC inside the kernel, and the host only
// ever holds what was written. Fallback (no mount privilege): usage measured while a run goes
// and after it; the run is killed and what the agent wrote past the budget is deleted (the gap:
// between two measurements a run can overshoot by what it writes in that interval).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, rm, rmdir, truncate, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { walkNoFollow } from './safe-fs.js';

const run = promisify(execFile);
const SBIN_PATH = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
const MiB = 1024 * 1024;

/** Where the filesystem image of a workspace lives (a sibling, outside what the sandbox binds). */
export const imagePath = (workspace: string) => `${workspace}.disk`;

/**
 * Image size that leaves at least budget + staged bytes free: ext4 without a journal keeps
 * ~10% for itself below 512 MiB (mkfs's "small" type: 1 KiB blocks, more inodes) and 2–4%
 * above (measured: df avail / size = 0.91 at 8 MiB, 0.90 at 64 MiB, 0.97 at 1 GiB).
 */
export function imageBytes(budget: number, staged: number): number {
  const want = budget + staged;
  const usable = want < 512 * MiB ? 0.88 : 0.955;
  return Math.ceil((want / usable + MiB) / MiB) * MiB;
}

/**
 * Makes `workspace` (an empty directory) a filesystem of its own, owned by uid:gid.
 * Returns false (and leaves nothing behind) when this host cannot do it.
 */
export async function mountWorkspaceFs(workspace: string, bytes: number, uid: number, gid: number): Promise<boolean> {
  const img = imagePath(workspace);
  try {
    await rm(img, { force: true });
    await writeFile(img, '', { mode: 0o600, flag: 'wx' });
    await truncate(img, bytes);
    await run('mkfs.ext4', ['-q', '-F', '-O', '^has_journal', '-m', '0', '-E', `nodiscard,root_owner=${uid}:${gid}`, img], { env: SBIN_PATH });
    await run('mount', ['-t', 'ext4', '-o', 'loop,nosuid,nodev,noatime', img, workspace], { env: SBIN_PATH });
  } catch (err) {
    await rm(img, { force: true }).catch(() => undefined);
    warnOnce(`workspace filesystems unavailable (${firstLine(err)}); disk budgets are enforced by measuring usage`);
    return false;
  }
  await rmdir(join(workspace, 'lost+found')).catch(() => undefined);
  return true;
}

/** Unmounts a workspace filesystem (if any) and deletes its image. Idempotent. */
export async function releaseWorkspaceFs(workspace: string): Promise<void> {
  const img = imagePath(workspace);
  if (!existsSync(img)) return;
  try {
    await run('umount', [workspace], { env: SBIN_PATH });
  } catch {
    // busy or not mounted: detach lazily so the directory can go; the loop device is freed
    // (autoclear) when the last user lets go
    await run('umount', ['-l', workspace], { env: SBIN_PATH }).catch(() => undefined);
  }
  await rm(img, { force: true });
}

/**
 * Detaches every mount at or below `dir` (deepest first): workspaces left mounted by a server
 * that died. Run before removing such a tree, or `rm -r` empties the filesystems and then fails.
 */
export async function releaseMountsUnder(dir: string): Promise<number> {
  const root = resolve(dir);
  const points = (await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''))
    .split('\n')
    .map((l) => l.split(' ')[4]?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p): p is string => !!p && (p === root || p.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p], { env: SBIN_PATH }).catch(() => undefined);
  return points.length;
}

/**
 * Bytes in files under `dir` that count against the agent: files owned by `owner` when given
 * (staged data is root's), else every file. Allocated blocks, so sparse files count as written.
 */
export async function usage(dir: string, owner: number | null, maxEntries = 200_000): Promise<{ bytes: number; files: { path: string; bytes: number; mtimeMs: number }[]; truncated: boolean }> {
  const files: { path: string; bytes: number; mtimeMs: number }[] = [];
  let bytes = 0;
  // Runs while the agent's processes are live: descriptor-relative, so a directory swapped for a
  // link to a host tree is skipped rather than walked (and its files never counted or trimmed).
  const { truncated } = await walkNoFollow(
    dir,
    (path, st) => {
      if (owner !== null && st.uid !== owner) return;
      const b = Math.max(st.blocks * 512, 0);
      bytes += b;
      files.push({ path, bytes: b, mtimeMs: st.mtimeMs });
    },
    { maxEntries, maxDepth: 64 },
  );
  return { bytes, files, truncated };
}

/**
 * Deletes the agent's newest files until its usage is within `budget`; returns how many went.
 * Called only once the run's processes are gone; a file whose directory no longer resolves to
 * where the walk found it (a component swapped for a link) is left alone.
 */
export async function trimTo(dir: string, owner: number | null, budget: number, baseline: number): Promise<number> {
  const u = await usage(dir, owner);
  let over = u.bytes - baseline - budget;
  let removed = 0;
  const root = await realpath(dir);
  for (const f of u.files.sort((a, b) => b.mtimeMs - a.mtimeMs)) {
    if (over <= 0) break;
    const where = await realpath(dirname(f.path)).catch(() => null);
    if (where !== dirname(join(root, relative(dir, f.path)))) continue;
    await unlink(f.path).catch(() => undefined);
    over -= f.bytes;
    removed++;
  }
  return removed;
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return String(e.stderr || e.message || err).trim().split('\n')[0];
}

const warned = new Set<string>();
function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(`sandbox: ${msg}`);
}
