// Tool runs still in flight. Shutdown waits for them to finish, and past its grace period
// gives up on them: each abandoned run then settles with a stand-in outcome (an `error`
// event) so its stream ends and its replay entry is filled, while the tool itself is left
// to the session's abort signal.

import type { CallOutcome } from './call-results.js';

export class RunningCalls {
  /** each tracked run, with the function that settles it early */
  private readonly runs = new Map<Promise<CallOutcome>, (o: CallOutcome) => void>();
  private abandonedWith?: CallOutcome;

  get size(): number {
    return this.runs.size;
  }

  /** The run as the server sees it: the tool's outcome, or the stand-in if shutdown gives up first. */
  track(outcome: Promise<CallOutcome>): Promise<CallOutcome> {
    // A run that starts after shutdown gave up would never be waited for: fail it at once.
    if (this.abandonedWith) return Promise.resolve(this.abandonedWith);
    let giveUp!: (o: CallOutcome) => void;
    const run = Promise.race([outcome, new Promise<CallOutcome>((resolve) => (giveUp = resolve))]);
    this.runs.set(run, giveUp);
    void run.then(() => this.runs.delete(run));
    return run;
  }

  /** Resolves once no run is in flight (runs started meanwhile are waited for too). */
  async drain(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs.keys()]);
  }

  /** Settles every run in flight, and every later one, with `outcome`; returns how many were running. */
  abandon(outcome: CallOutcome): number {
    this.abandonedWith = outcome;
    const giveUps = [...this.runs.values()];
    for (const giveUp of giveUps) giveUp(outcome);
    return giveUps.length;
  }
}
