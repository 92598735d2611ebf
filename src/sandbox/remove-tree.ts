// Removing a workspace tree without following links, even if the agent's code is still running
// and swaps a directory for a symlink mid-removal. A path-based `rm -r` checks an entry with
// lstat and then reads it by path: a directory swapped for a link to /etc in between would be
// emptied as root. Here every directory is opened with O_NOFOLLOW and its entries are removed
// relative to that descriptor (/proc/self/fd/<dirfd>/<name>), so a swapped-in link is only
// ever unlinked itself. Linux only (needs /proc).

import { type FileHandle, lstat, open, rmdir, unlink } from 'node:fs/promises';
import { at, DIR_FLAGS, openChildDir, readNames } from './dir-fd.js';

/** Directory levels removed; a deeper tree is refused (each level holds a descriptor). */
export const REMOVE_MAX_DEPTH = 4096;
/** Passes over one directory while something keeps adding entries to it. */
const MAX_PASSES = 64;
const BATCH = 1024;

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

async function empty(dir: FileHandle, depth: number): Promise<void> {
  if (depth > REMOVE_MAX_DEPTH) throw new Error(`directory tree deeper than ${REMOVE_MAX_DEPTH} levels; not removed`);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { names } = await readNames(dir, BATCH);
    if (names.length === 0) return;
    for (const name of names) {
      const st = await lstat(at(dir, name)).catch(() => null);
      if (!st) continue;
      if (!st.isDirectory()) {
        await unlink(at(dir, name)).catch(() => {}); // a link goes, never its target
        continue;
      }
      const child = await openChildDir(dir, name); // swapped for a link: next pass unlinks it
      if (!child) continue;
      try {
        await empty(child, depth + 1);
      } finally {
        await child.close().catch(() => {});
      }
      await rmdir(at(dir, name)).catch(() => {});
    }
  }
  throw new Error('directory kept refilling while it was removed; not removed');
}

/** Removes `path` (a directory tree, a file or a link) without following any link inside it. */
export async function removeTree(path: string): Promise<void> {
  let root: FileHandle;
  try {
    root = await open(path, DIR_FLAGS);
  } catch (err) {
    if (code(err) === 'ENOENT') return;
    if (code(err) === 'ENOTDIR' || code(err) === 'ELOOP') {
      await unlink(path).catch((e) => (code(e) === 'ENOENT' ? undefined : Promise.reject(e)));
      return;
    }
    throw err;
  }
  try {
    await empty(root, 0);
  } finally {
    await root.close().catch(() => {});
  }
  await rmdir(path).catch((e) => (code(e) === 'ENOENT' ? undefined : Promise.reject(e)));
}
