// One run at a time per session: a second run_* call waits for the first to finish (in call
// order), gives up when its session is aborted, and is refused outright when too many are
// already waiting — so one session can neither run many programs at once nor pile up calls.

export type Turn = 'go' | 'aborted' | 'full';

export class RunQueue {
  private busy = false;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly maxWaiting = 8) {}

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves 'go' when it is this caller's turn (then call release()), or why not. */
  turn(signal?: AbortSignal): Promise<Turn> {
    if (signal?.aborted) return Promise.resolve('aborted');
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve('go');
    }
    if (this.waiters.length >= this.maxWaiting) return Promise.resolve('full');
    return new Promise((resolve) => {
      const wake = () => {
        signal?.removeEventListener('abort', abort);
        resolve('go');
      };
      const abort = () => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve('aborted');
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Hands the turn to the next waiter (it stays busy) or frees the queue. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }
}
