// One fetch per target directory: a lock file created exclusively, holding the owner's pid and
// process start time, so a lock left by a killed fetch (or a reused pid) is recognised as stale.

import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processStartTime } from '../../platform/process.js';

export const LOCK_FILE = '.genegym-fetch.lock';

interface LockOwner {
  pid: number;
  /** field 22 of /proc/<pid>/stat (clock ticks since boot); null where /proc is absent */
  started: string | null;
}

function alive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = processStartTime(owner.pid);
  return owner.started === null || now === null || now === owner.started;
}

export class DirLockedError extends Error {
  override name = 'DirLockedError';
}

/** Takes the lock of `dir` or throws DirLockedError naming the owner; returns the release. */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, started: processStartTime(process.pid) };
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify(me));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: LockOwner | null = null;
    try {
      owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    } catch {
      owner = null; // half-written by an owner that died at once
    }
    if (owner && Number.isInteger(owner.pid) && alive(owner)) {
      throw new DirLockedError(`another genegym assembly fetch (pid ${owner.pid}) is writing to ${dir}; wait for it to finish, or stop it and run this again`);
    }
    await rm(path, { force: true }); // stale: its owner is gone
  }
  throw new DirLockedError(`could not take the lock ${path}`);
}
