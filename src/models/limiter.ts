// Adaptive concurrency for model calls (AIMD, as TCP does): each success adds 1/limit to the
// limit (about +1 per window of successes), a 429 halves it. A burst of 429s from requests
// that were already in flight when we backed off counts once, not once per request.

export interface LimiterOptions {
  initial: number;
  min?: number;
  max: number;
}

export interface Permit {
  /** Decrease generation the request started in. */
  readonly generation: number;
}

export class AdaptiveLimiter {
  private limitValue: number;
  private readonly min: number;
  private readonly max: number;
  private active = 0;
  private generation = 0;
  private readonly waiters: Array<() => void> = [];
  /** Times the limit was cut after a 429. */
  backoffs = 0;

  constructor(opts: LimiterOptions) {
    this.min = Math.max(1, opts.min ?? 1);
    this.max = Math.max(this.min, opts.max);
    this.limitValue = Math.min(this.max, Math.max(this.min, opts.initial));
  }

  get limit(): number {
    return Math.floor(this.limitValue);
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(signal?: AbortSignal): Promise<Permit> {
    while (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason);
        };
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(wake);
      });
    }
    this.active++;
    return { generation: this.generation };
  }

  release(permit: Permit, outcome: 'ok' | 'rate_limited' | 'failed'): void {
    this.active--;
    if (outcome === 'ok') {
      this.limitValue = Math.min(this.max, this.limitValue + 1 / Math.max(1, this.limitValue));
    } else if (outcome === 'rate_limited' && permit.generation === this.generation) {
      this.limitValue = Math.max(this.min, this.limitValue / 2);
      this.generation++;
      this.backoffs++;
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    const n = Math.max(0, this.limit - this.active);
    for (let i = 0; i < n && this.waiters.length > 0; i++) this.waiters.shift()!();
  }
}
