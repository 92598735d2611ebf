// Results of /call kept for replay: a client that lost its stream re-POSTs with the
// task_id and gets the whole result again (or waits for the still-running tool). Each
// session owns one store, so a task_id is only valid within the session that made it.

/** What a finished call sends after its `task_id` event: chunk…end or a single error. */
export type CallOutcome = { events: string; /** how it ended, for /metrics */ kind?: import('./metrics.js').CallKind };

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
    /** Characters of finished results kept per session at most (oldest dropped first). */
    private readonly maxChars = 16 * 1024 * 1024,
  ) {}

  private finishedChars = 0;

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
    this.finishedChars += outcome.events.length;
    while (this.finishedCount > this.maxFinished || (this.finishedChars > this.maxChars && this.finishedCount > 1)) {
      if (!this.evictOldestFinished()) break;
    }
  }

  private finishedCount = 0;

  private evictOldestFinished(): boolean {
    for (const [id, e] of this.entries) {
      if (e.outcome) {
        this.drop(id, e);
        return true;
      }
    }
    return false;
  }

  private drop(id: string, e: Entry): void {
    this.entries.delete(id);
    if (e.outcome) {
      this.finishedCount--;
      this.finishedChars -= e.outcome.events.length;
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
      if (e.expiresAt <= now) this.drop(id, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
