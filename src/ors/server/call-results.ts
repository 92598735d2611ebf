// Results of /call kept for replay: a client that lost its stream re-POSTs with the
// task_id and gets the whole result again (or waits for the still-running tool). Each
// session owns one store, so a task_id is only valid within the session that made it.

/** What a finished call sends after its `task_id` event: chunk…end or a single error. */
export type CallOutcome = { events: string };

interface Entry {
  outcome?: CallOutcome;
  waiters?: ((o: CallOutcome) => void)[];
  /** ms timestamp after which a finished entry may be dropped */
  expiresAt: number;
}

export class CallResultStore {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    /** Finished results kept per session at most (oldest dropped first), bounding memory. */
    private readonly maxFinished = 1024,
  ) {}

  /** Registers a running call. */
  start(taskId: string): void {
    this.entries.set(taskId, { expiresAt: Infinity });
  }

  finish(taskId: string, outcome: CallOutcome, now = Date.now()): void {
    const entry = this.entries.get(taskId);
    if (!entry) return; // session already gone
    entry.outcome = outcome;
    entry.expiresAt = now + this.ttlMs;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const w of waiters) w(outcome);
    this.finishedCount++;
    if (this.finishedCount > this.maxFinished) this.evictOldestFinished();
  }

  private finishedCount = 0;

  private evictOldestFinished(): void {
    for (const [id, e] of this.entries) {
      if (e.outcome) {
        this.entries.delete(id);
        this.finishedCount--;
        return;
      }
    }
  }

  has(taskId: string, now = Date.now()): boolean {
    const e = this.entries.get(taskId);
    return e !== undefined && e.expiresAt > now;
  }

  /** The outcome, waiting for it if the call still runs; undefined for an unknown/expired id. */
  wait(taskId: string, now = Date.now()): Promise<CallOutcome> | undefined {
    const e = this.entries.get(taskId);
    if (!e || e.expiresAt <= now) return undefined;
    if (e.outcome) return Promise.resolve(e.outcome);
    return new Promise((resolve) => (e.waiters ??= []).push(resolve));
  }

  /** Drops expired results (called by the reaper). */
  sweep(now = Date.now()): void {
    for (const [id, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.entries.delete(id);
        if (e.outcome) this.finishedCount--;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
