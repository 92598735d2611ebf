// Per-session workspaces: a fresh host directory, files materialised from bytes, and path
// resolution that never leaves the directory (no `..`, no absolute paths, no symlink escape).

import { chmod, chown, lstat, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { releaseWorkspaceFs } from './disk-quota.js';

export async function createWorkspace(parent = tmpdir()): Promise<string> {
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, 'genegym-ws-'));
}

/** Validates a relative workspace path (POSIX separators) and returns its normalised form. */
export function checkRelativePath(p: string): string {
  if (typeof p !== 'string' || p.length === 0) throw new Error('path is empty');
  if (p.includes('\0')) throw new Error('path contains a NUL byte');
  const cleaned = p.replace(/^\/workspace\/?/, '').replace(/^\.\//, '');
  if (isAbsolute(cleaned)) throw new Error(`path must be relative to the workspace: ${p}`);
  const parts = cleaned.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) throw new Error(`path may not contain '..': ${p}`);
  return parts.join('/');
}

/** Writes files (relative paths) into the workspace, read-only for the agent. */
export async function materialise(workspace: string, files: { path: string; data: Uint8Array }[]): Promise<void> {
  for (const f of files) {
    const rel = checkRelativePath(f.path);
    if (rel === '') throw new Error(`bad file path: ${f.path}`);
    const dest = join(workspace, rel);
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, f.data, { mode: 0o444 });
  }
}

/**
 * Host path of an agent-supplied workspace path that exists, following symlinks only if the
 * target stays inside the workspace.
 */
export async function resolveInside(workspace: string, p: string): Promise<string> {
  const rel = checkRelativePath(p);
  const root = await realpath(workspace);
  const target = resolve(root, rel);
  const real = await realpath(target); // throws ENOENT for a missing file
  const back = relative(root, real);
  if (back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) throw new Error(`path leaves the workspace: ${p}`);
  return real;
}

export interface ListedFile {
  path: string;
  bytes: number;
}

/** Regular files under the workspace (relative paths, sorted), without following symlinks. */
export async function listFiles(workspace: string, sub = ''): Promise<ListedFile[]> {
  const root = sub ? await resolveInside(workspace, sub) : await realpath(workspace);
  const base = await realpath(workspace);
  const out: ListedFile[] = [];
  const walk = async (dir: string, depth: number) => {
    if (depth > 12 || out.length > 5000) return;
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full, depth + 1);
      else if (e.isFile()) out.push({ path: relative(base, full).split(sep).join('/'), bytes: (await lstat(full)).size });
    }
  };
  await walk(root, 0);
  return out;
}

/** Hands the workspace directory (not the data files) to the sandbox user, so it can add files; no one else may enter. */
export async function giveTo(workspace: string, uid: number, gid: number): Promise<void> {
  await chown(workspace, uid, gid);
  await chmod(workspace, 0o700);
}

/** Removes a workspace, unmounting its size-capped filesystem first when it has one. */
export async function removeWorkspace(workspace: string): Promise<void> {
  await releaseWorkspaceFs(workspace);
  await rm(workspace, { recursive: true, force: true });
}
