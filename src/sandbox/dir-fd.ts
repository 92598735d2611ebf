// Descriptor-relative directory primitives shared by the walks that must never follow a link
// the agent swapped in (safe-fs listing and usage walks, remove-tree): a directory is opened
// with O_NOFOLLOW and its entries are reached through /proc/self/fd/<dirfd>/<name>, an
// openat() for Node. Linux only (needs /proc).

import { constants as C } from 'node:fs';
import { type FileHandle, open, opendir } from 'node:fs/promises';

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
export const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW | C.O_NONBLOCK;

/** The path of `name` inside the already-open directory `dir`. */
export const at = (dir: FileHandle, name: string) => `/proc/self/fd/${dir.fd}/${name}`;

/** Up to `max` entry names of an open directory; `more` when it holds further entries. */
export async function readNames(dir: FileHandle, max: number): Promise<{ names: string[]; more: boolean }> {
  const names: string[] = [];
  let more = false;
  const it = await opendir(`/proc/self/fd/${dir.fd}`, { bufferSize: 64 });
  try {
    for (let e = await it.read(); e !== null; e = await it.read()) {
      if (names.length >= max) {
        more = true;
        break;
      }
      names.push(e.name);
    }
  } finally {
    await it.close().catch(() => {});
  }
  return { names, more };
}

/** Opens the sub-directory `name` of `dir` without following a link; null if it is not one (now). */
export const openChildDir = (dir: FileHandle, name: string): Promise<FileHandle | null> => open(at(dir, name), DIR_FLAGS).catch(() => null);
