// Progress display: a bar on a terminal, JSON lines (at most one a second, plus the last)
// when stderr is not a terminal. Both go to stderr; stdout is kept for results.

import cliProgress from 'cli-progress';
import type { Progress } from './runner.js';

export interface ProgressReporter {
  update(p: Progress): void;
  stop(): void;
}

export function formatCost(cost: number | null): string {
  return cost === null ? 'unpriced' : `$${cost.toFixed(cost < 1 ? 4 : 2)}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgressReporter(opts: { runId: string; stream?: { write(s: string): unknown; isTTY?: boolean }; quiet?: boolean }): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: '{bar} {value}/{total} | correct {correct} | errors {errors} | retries {retries} | tokens {tokens} | {cost} | elapsed {elapsed} | ETA {eta}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { correct: p.correct, errors: p.errors, retries: p.retries ?? 0, tokens: p.tokens, cost: formatCost(p.cost), elapsed: formatDuration(p.elapsedMs), eta: formatDuration(p.etaMs) };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastAt = 0;
  let pending: Progress | null = null;
  const write = (p: Progress) => {
    stream.write(
      JSON.stringify({
        event: 'progress',
        run_id: opts.runId,
        done: p.done,
        total: p.total,
        correct: p.correct,
        wrong: p.wrong,
        ungraded: p.ungraded,
        errors: p.errors,
        retries: p.retries ?? 0,
        tokens: p.tokens,
        cost: p.cost,
        elapsed_ms: Math.round(p.elapsedMs),
        eta_ms: p.etaMs === null ? null : Math.round(p.etaMs),
      }) + '\n',
    );
  };
  return {
    update(p) {
      const now = Date.now();
      if (now - lastAt >= 1000 || p.done === p.total) {
        lastAt = now;
        pending = null;
        write(p);
      } else pending = p;
    },
    stop() {
      if (pending) write(pending);
      pending = null;
    },
  };
}
