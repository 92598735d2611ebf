// Host-wide sandbox uids. Each server process claims a block of uids with an O_EXCL lock file
// that records its pid and start time, so two servers on one host never run sandboxes as the
// same uid (a shared uid would share RLIMIT_NPROC and could signal the other's processes).
// A block whose owner is dead — or whose pid now belongs to a newer process (start time
// differs) — is reclaimed. Within a block each live sandbox has its own uid.

import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../platform/process.js';
import { SandboxError } from './types.js';

export const UID_BASE = 200_000;
export const UIDS_PER_BLOCK = 4096;
export const UID_BLOCKS = 64;
/** Root-only directory of block locks (never /tmp: other users could plant files there). */
export const DEFAULT_UID_LOCK_DIR = '/run/genegym/uids';

function ownerAlive(content: string): boolean {
  const [pid, start] = content.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isSafeInteger(n) && n > 0 && start !== undefined && processStartTime(n) === start;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export class UidAllocator {
  private block: number | null = null;
  private lockPath: string | null = null;
  private next = 0;
  private readonly inUse = new Set<number>();
  private readonly me: string;

  constructor(private readonly dir = DEFAULT_UID_LOCK_DIR) {
    this.me = `${process.pid} ${processStartTime(process.pid) ?? '0'}\n`;
  }

  /** The block this process holds (claimed on first use). */
  claimedBlock(): number {
    if (this.block === null) this.claim();
    return this.block!;
  }

  acquire(): number {
    const base = UID_BASE + this.claimedBlock() * UIDS_PER_BLOCK;
    for (let i = 0; i < UIDS_PER_BLOCK; i++) {
      const uid = base + ((this.next + i) % UIDS_PER_BLOCK);
      if (!this.inUse.has(uid)) {
        this.inUse.add(uid);
        this.next = (uid - base + 1) % UIDS_PER_BLOCK;
        return uid;
      }
    }
    throw new SandboxError(`all ${UIDS_PER_BLOCK} sandbox uids of this server are in use`);
  }

  release(uid: number): void {
    this.inUse.delete(uid);
  }

  /** Gives the block back (also done at process exit). */
  releaseBlock(): void {
    if (this.lockPath && readOr(this.lockPath) === this.me) {
      try {
        unlinkSync(this.lockPath);
      } catch {
        /* gone */
      }
    }
    this.block = null;
    this.lockPath = null;
  }

  private claim(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let k = 0; k < UID_BLOCKS; k++) {
      const path = join(this.dir, `block-${k}`);
      for (let attempt = 0; attempt < 3; attempt++) {
        if (this.tryCreate(path)) {
          this.block = k;
          this.lockPath = path;
          process.once('exit', () => this.releaseBlock());
          return;
        }
        const held = readOr(path);
        if (held === null) continue; // released meanwhile: try again
        if (ownerAlive(held)) break;
        this.reclaim(path, held);
      }
    }
    throw new SandboxError(`no free sandbox uid block in ${this.dir} (${UID_BLOCKS} servers already running?)`);
  }

  private tryCreate(path: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      writeSync(fd, this.me);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Moves a dead owner's lock aside atomically; puts it back if a live owner won the race. */
  private reclaim(path: string, stale: string): void {
    const aside = `${path}.reclaim-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      renameSync(path, aside);
    } catch {
      return; // someone else moved it first
    }
    if (readOr(aside) !== stale) {
      try {
        linkSync(aside, path);
      } catch {
        /* a third claimant already holds it */
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      /* gone */
    }
  }
}

let shared: UidAllocator | null = null;
/** The allocator of this process (one block per server). */
export function hostUids(): UidAllocator {
  shared ??= new UidAllocator(process.env.GENEGYM_UID_LOCK_DIR || DEFAULT_UID_LOCK_DIR);
  return shared;
}
