// Per-session ordering of tool calls: ordinary calls share the session and run concurrently;
// an exclusive call (a tool marked `exclusive`, e.g. submit_answer) waits for the calls
// already running, then runs alone, and calls that arrive meanwhile queue behind it in order.
// A free lock is taken synchronously, so the common path allocates no promise.

type Waiter = { exclusive: boolean; grant: () => void };

export class SessionLock {
  private shared = 0;
  private held = false;
  private readonly queue: Waiter[] = [];

  /** Takes the lock now and returns null, or returns a promise that resolves once it is taken. */
  acquire(exclusive: boolean): Promise<void> | null {
    if (this.queue.length === 0 && this.free(exclusive)) {
      this.take(exclusive);
      return null;
    }
    return new Promise<void>((grant) => this.queue.push({ exclusive, grant }));
  }

  release(exclusive: boolean): void {
    if (exclusive) this.held = false;
    else this.shared--;
    while (this.queue.length > 0 && this.free(this.queue[0].exclusive)) {
      const next = this.queue.shift()!;
      this.take(next.exclusive);
      next.grant();
    }
  }

  /** Calls queued behind an exclusive one. */
  get waiting(): number {
    return this.queue.length;
  }

  private free(exclusive: boolean): boolean {
    return !this.held && (!exclusive || this.shared === 0);
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.held = true;
    else this.shared++;
  }
}
