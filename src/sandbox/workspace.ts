// Per-session workspaces: a fresh host directory, files materialised from bytes, and the
// validation of agent-supplied relative paths (no `..`, no absolute paths).

import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { removeTree } from './remove-tree.js';
import { processWorkspaceRoot } from './workspace-root.js';
import { releaseWorkspaceFs } from './disk-quota.js';

/** A fresh workspace in this process's root under `parent` (see workspace-root.ts). */
export async function createWorkspace(parent = tmpdir()): Promise<string> {
  return mkdtemp(join(await processWorkspaceRoot(parent), 'ws-'));
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

// Reading agent-writable workspace files: safe-fs.ts (never by a checked path, which the
// agent's code can swap for a symlink between the check and the open).

/** Hands the workspace directory (not the data files) to the sandbox user, so it can add files; no one else may enter. */
export async function giveTo(workspace: string, uid: number, gid: number): Promise<void> {
  await chown(workspace, uid, gid);
  await chmod(workspace, 0o700);
}

/** Removes a workspace, unmounting its size-capped filesystem first when it has one. */
export async function removeWorkspace(workspace: string): Promise<void> {
  await releaseWorkspaceFs(workspace);
  // Not `rm -r`: it reads directories by path, so a directory swapped for a link while the
  // agent's code still runs would be emptied as root.
  await removeTree(workspace);
}
