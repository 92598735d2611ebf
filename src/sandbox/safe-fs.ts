// Opening and listing workspace files without ever following a link. The agent's code runs
// concurrently with the server's file tools and can swap any path component for a symlink at
// any moment, so nothing here checks a path and then opens it: the workspace root is opened
// once (O_DIRECTORY|O_NOFOLLOW) and each component is opened relative to the descriptor of its
// parent, through /proc/self/fd/<dirfd>/<name> with O_NOFOLLOW (an openat() for Node). The
// magic link resolves to the directory already open, never to a path, so a swapped component
// makes the open fail instead of leading out of the workspace. Linux only (needs /proc).

import { constants as C, type Stats } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { at, DIR_FLAGS, openChildDir, readNames } from './dir-fd.js';
import { checkRelativePath } from './workspace.js';

/** A refusal whose message is safe to show the agent (no host paths). */
export class WorkspaceFsError extends Error {
  override name = 'WorkspaceFsError';
  constructor(
    message: string,
    readonly code: 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'ELOOP' | 'EACCES' | 'NOTREG' | 'EINVAL' | 'EIO',
  ) {
    super(message);
  }
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
const FILE_FLAGS = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK;

/** The errno of a failed open, as a message about the agent's path (never the host path). */
async function refusal(err: unknown, dir: FileHandle, name: string, shown: string): Promise<WorkspaceFsError> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'ENOTDIR') {
    // O_NOFOLLOW on a link fails with ELOOP (ENOTDIR with O_DIRECTORY); lstat tells which.
    const st = await lstat(at(dir, name)).catch(() => null);
    if (st?.isSymbolicLink()) return new WorkspaceFsError(`${shown} is a symbolic link; the file tools do not follow links (use run_bash)`, 'ELOOP');
    return new WorkspaceFsError(`${shown}: not a directory`, 'ENOTDIR');
  }
  if (code === 'ENOENT') return new WorkspaceFsError(`${shown}: no such file or directory`, 'ENOENT');
  if (code === 'EACCES' || code === 'EPERM') return new WorkspaceFsError(`${shown}: permission denied`, 'EACCES');
  if (code === 'EISDIR') return new WorkspaceFsError(`${shown} is a directory`, 'EISDIR');
  return new WorkspaceFsError(`${shown}: cannot open (${code ?? 'error'})`, 'EIO');
}

async function openRoot(workspace: string): Promise<FileHandle> {
  try {
    return await open(workspace, DIR_FLAGS);
  } catch (err) {
    // The root is the server's own directory: a failure here is ours, not the agent's.
    throw new Error(`cannot open the workspace root (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function openAt(dir: FileHandle, name: string, flags: number, shown: string): Promise<FileHandle> {
  try {
    return await open(at(dir, name), flags);
  } catch (err) {
    throw await refusal(err, dir, name, shown);
  }
}

/** Opens the directory `rel` (already validated components) under the workspace root. */
async function openDirPath(workspace: string, parts: string[]): Promise<FileHandle> {
  let dir = await openRoot(workspace);
  try {
    for (let i = 0; i < parts.length; i++) {
      const next = await openAt(dir, parts[i], DIR_FLAGS, parts.slice(0, i + 1).join('/'));
      await dir.close();
      dir = next;
    }
    return dir;
  } catch (err) {
    await dir.close().catch(() => {});
    throw err;
  }
}

export interface OpenedFile {
  handle: FileHandle;
  /** fstat of the opened descriptor: the file actually open, not whatever the path names now */
  stats: Stats;
}

/**
 * Opens a regular workspace file for reading. Refuses '..', absolute paths, symlinks at any
 * component, and anything that is not a regular file (FIFOs, sockets, devices, directories).
 * The caller must close the handle.
 */
export async function openWorkspaceFile(workspace: string, path: string): Promise<OpenedFile> {
  const rel = (() => {
    try {
      return checkRelativePath(path);
    } catch (err) {
      throw new WorkspaceFsError((err as Error).message, 'EINVAL');
    }
  })();
  if (rel === '') throw new WorkspaceFsError(`${path} is a directory`, 'EISDIR');
  const parts = rel.split('/');
  const dir = await openDirPath(workspace, parts.slice(0, -1));
  let handle: FileHandle;
  try {
    handle = await openAt(dir, parts[parts.length - 1], FILE_FLAGS, rel);
  } finally {
    await dir.close().catch(() => {});
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new WorkspaceFsError(`${rel} is a directory`, 'EISDIR');
    if (!stats.isFile()) throw new WorkspaceFsError(`${rel} is not a regular file`, 'NOTREG');
    return { handle, stats };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

export interface ListedEntry {
  /** path relative to the workspace root, POSIX separators */
  path: string;
  bytes: number;
}

export interface WorkspaceListing {
  /** regular files, depth-first, each directory's entries in name order */
  files: ListedEntry[];
  /** symbolic links met (listed nowhere, never followed) */
  links: string[];
  /** true when the entry or name budget ran out: the listing is incomplete */
  truncated: boolean;
  /** directories deeper than maxDepth that were not entered */
  skippedDeep: number;
}

export interface ListOptions {
  /** directory entries examined in total, files or not (a bound on time and memory) */
  maxEntries?: number;
  /** characters of listed paths in total (5,000 deep paths would otherwise make megabytes) */
  maxPathChars?: number;
  maxDepth?: number;
}

export const LIST_MAX_ENTRIES = 5000;
export const LIST_MAX_DEPTH = 12;
export const LIST_MAX_PATH_CHARS = 512 * 1024;

/**
 * Regular files under a workspace directory, walking by directory descriptors: each directory
 * is read incrementally (never more than the remaining budget of entries), each entry is
 * lstat'ed relative to its directory's descriptor, and sub-directories are opened with
 * O_NOFOLLOW, so a link swapped in mid-walk is skipped, never entered.
 */
export async function listWorkspace(workspace: string, sub = '', opts: ListOptions = {}): Promise<WorkspaceListing> {
  const maxEntries = opts.maxEntries ?? LIST_MAX_ENTRIES;
  const maxDepth = opts.maxDepth ?? LIST_MAX_DEPTH;
  let rel: string;
  try {
    rel = checkRelativePath(sub === '' ? '.' : sub);
  } catch (err) {
    throw new WorkspaceFsError((err as Error).message, 'EINVAL');
  }
  const out: WorkspaceListing = { files: [], links: [], truncated: false, skippedDeep: 0 };
  let budget = maxEntries;
  let chars = opts.maxPathChars ?? LIST_MAX_PATH_CHARS;
  const top = await openDirPath(workspace, rel === '' ? [] : rel.split('/'));
  const walk = async (dir: FileHandle, prefix: string, depth: number): Promise<void> => {
    const { names, more } = await readNames(dir, budget);
    budget -= names.length;
    if (more) out.truncated = true;
    names.sort((a, b) => a.localeCompare(b));
    // lstat in small parallel batches: one at a time, a loaded thread pool makes 5,000 slow.
    const stats: (Stats | null)[] = [];
    for (let i = 0; i < names.length; i += 64) {
      stats.push(...(await Promise.all(names.slice(i, i + 64).map((name) => lstat(at(dir, name)).catch(() => null))))); // gone meanwhile: null
    }
    for (const [i, name] of names.entries()) {
      if (chars < 0) return;
      const shown = prefix ? `${prefix}/${name}` : name;
      const st = stats[i];
      if (!st) continue;
      if (!st.isDirectory()) {
        chars -= shown.length;
        if (chars < 0) {
          out.truncated = true;
          return;
        }
      }
      if (st.isSymbolicLink()) out.links.push(shown);
      else if (st.isFile()) out.files.push({ path: shown, bytes: st.size });
      else if (st.isDirectory()) {
        if (depth >= maxDepth) {
          out.skippedDeep++;
          continue;
        }
        const child = await openChildDir(dir, name); // swapped for a link: skip
        if (!child) continue;
        try {
          await walk(child, shown, depth + 1);
        } finally {
          await child.close().catch(() => {});
        }
      }
    }
  };
  try {
    await walk(top, rel, 0);
  } finally {
    await top.close().catch(() => {});
  }
  return out;
}

/**
 * Visits every non-directory entry under `root` (a directory the server owns) with its lstat,
 * descending only through directories opened with O_NOFOLLOW relative to their parent's
 * descriptor: a directory swapped for a link mid-walk is skipped, so the walk never leaves
 * `root` however the agent rearranges it. Stops after `maxEntries` entries or below `maxDepth`;
 * returns whether it stopped early.
 */
export async function walkNoFollow(root: string, visit: (path: string, st: Stats) => void, opts: { maxEntries: number; maxDepth: number }): Promise<{ truncated: boolean }> {
  let budget = opts.maxEntries;
  let truncated = false;
  const walk = async (dir: FileHandle, path: string, depth: number): Promise<void> => {
    const { names, more } = await readNames(dir, budget);
    budget -= names.length;
    if (more) truncated = true;
    for (const name of names) {
      const st = await lstat(at(dir, name)).catch(() => null); // gone meanwhile
      if (!st) continue;
      if (!st.isDirectory()) {
        visit(`${path}/${name}`, st);
        continue;
      }
      if (depth >= opts.maxDepth) {
        truncated = true;
        continue;
      }
      const child = await openChildDir(dir, name); // swapped for a link: skip
      if (!child) continue;
      try {
        await walk(child, `${path}/${name}`, depth + 1);
      } finally {
        await child.close().catch(() => {});
      }
    }
  };
  let top: FileHandle;
  try {
    top = await open(root, DIR_FLAGS);
  } catch {
    return { truncated: false };
  }
  try {
    await walk(top, root.replace(/\/+$/, ''), 0);
  } finally {
    await top.close().catch(() => {});
  }
  return { truncated };
}
