// Server-wide disk admission for workspaces. Each workspace may grow to its budget (its
// filesystem image is sparse, or its usage is only measured), so many sessions together could
// fill the host disk the server itself writes to. Before a workspace opens, the ledger checks
// that the free space on the workspaces' filesystem covers what every live workspace may still
// write plus the new one plus a floor; otherwise opening fails with a SandboxError (an
// environment fault: the episode is retried elsewhere or later, never scored).
// GENEGYM_SANDBOX_DISK_OVERCOMMIT = f > 1 admits live workspaces' remaining budgets at 1/f of
// their size (a bet that agents rarely fill their budgets), at the price of the guarantee.

import { stat, statfs } from 'node:fs/promises';
import { SandboxError } from './types.js';

const GiB = 1024 ** 3;
/** Free space always kept for the server's own writes (runs, logs, instance caches). */
export const DISK_FLOOR_BYTES = GiB;

export interface DiskLedgerOptions {
  /** bytes available to unprivileged writes on the filesystem holding `dir` */
  freeBytes?: (dir: string) => Promise<number>;
  /** bytes a live workspace may still write (its image's unallocated part, or its whole reservation) */
  remainingBytes?: (entry: Reservation) => Promise<number>;
  overcommit?: number;
  floorBytes?: number;
}

export interface Reservation {
  readonly id: number;
  /** most this workspace may hold: staged files plus the agent's budget */
  readonly bytes: number;
  /** its filesystem image, once mounted (then what it may still write is measured) */
  image: string | null;
}

const statfsFree = async (dir: string) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/** An image's remaining growth: logical size minus allocated blocks. Unmounted: the whole reservation. */
const imageRemaining = async (r: Reservation): Promise<number> => {
  if (!r.image) return r.bytes;
  const st = await stat(r.image).catch(() => null);
  if (!st) return r.bytes;
  return Math.max(0, st.size - st.blocks * 512);
};

export function overcommitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GENEGYM_SANDBOX_DISK_OVERCOMMIT;
  if (raw === undefined || raw === '') return 1;
  const f = Number(raw);
  if (!Number.isFinite(f) || f < 1) throw new RangeError(`GENEGYM_SANDBOX_DISK_OVERCOMMIT must be a number ≥ 1, got ${JSON.stringify(raw)}`);
  return f;
}

export class DiskLedger {
  private readonly live = new Map<number, Reservation>();
  private nextId = 1;
  private readonly freeBytes: (dir: string) => Promise<number>;
  private readonly remainingBytes: (entry: Reservation) => Promise<number>;
  /** fixed by the options, else read from the environment at each reservation */
  private readonly overcommit: number | undefined;
  private readonly floor: number;

  constructor(opts: DiskLedgerOptions = {}) {
    this.freeBytes = opts.freeBytes ?? statfsFree;
    this.remainingBytes = opts.remainingBytes ?? imageRemaining;
    this.overcommit = opts.overcommit;
    this.floor = opts.floorBytes ?? DISK_FLOOR_BYTES;
    if (this.overcommit !== undefined && !(this.overcommit >= 1)) throw new RangeError('overcommit must be ≥ 1');
  }

  /** Live reservations (for tests and metrics). */
  get size(): number {
    return this.live.size;
  }

  /**
   * Reserves `bytes` on the filesystem holding `dir`, or throws SandboxError when the host could
   * not hold it beside what live workspaces may still write. The check and the insert happen
   * with no await between them, so concurrent opens cannot both take the last room.
   */
  async reserve(dir: string, bytes: number): Promise<Reservation> {
    const overcommit = this.overcommit ?? overcommitFromEnv();
    const before = [...this.live.values()];
    const free = await this.freeBytes(dir);
    const pending = await Promise.all(before.map((r) => this.remainingBytes(r)));
    // Reservations made while those measurements were awaited count in full, then check and
    // insert with no await between them: concurrent opens cannot both take the last room.
    let promised = pending.reduce((a, b) => a + b, 0);
    const seen = new Set(before.map((r) => r.id));
    for (const r of this.live.values()) if (!seen.has(r.id)) promised += r.bytes;
    promised /= overcommit;
    if (free - promised - this.floor < bytes) {
      throw new SandboxError(
        `host disk too full for another workspace: ${gib(free)} free, ${gib(promised)} promised to ${this.live.size} live workspace(s), ${gib(this.floor)} kept for the server; this one needs ${gib(bytes)}. Lower the sandbox disk budget, free space, or set GENEGYM_SANDBOX_DISK_OVERCOMMIT.`,
      );
    }
    const r: Reservation = { id: this.nextId++, bytes, image: null };
    this.live.set(r.id, r);
    return r;
  }

  release(r: Reservation): void {
    this.live.delete(r.id);
  }
}

const gib = (n: number) => `${(n / GiB).toFixed(2)} GiB`;

/** The process's ledger: every workspace this server opens is admitted through it. */
export const hostDiskLedger = new DiskLedger();
