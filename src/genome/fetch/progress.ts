// Download progress on stderr. On a terminal: one live bar per file, with log lines printed
// above the bar (never onto it). Without a terminal: a plain line every 5% or 30 s, so a long
// download into a log file is never minutes of silence.

import cliProgress from 'cli-progress';

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface FileProgress {
  update(bytes: number): void;
  /** prints a message without breaking the bar */
  log(line: string): void;
  stop(): void;
}

/** 812 B, 41.2 kB, 3.1 MB, 0.82 GB: readable at every size (small files never show 0.0 MB). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

export interface ProgressOptions {
  mode: ProgressMode;
  /** where lines and messages go (default stderr) */
  write?: (text: string) => void;
  now?: () => number;
  /** seconds between lines without a terminal when less than 5% has passed */
  lineIntervalMs?: number;
}

export class Progress {
  private readonly write: (text: string) => void;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(readonly opts: ProgressOptions) {
    this.write = opts.write ?? ((t) => process.stderr.write(t));
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.lineIntervalMs ?? 30_000;
  }

  /** Progress of one file: `total` 0 when unknown, `start` the bytes already on disk. */
  file(name: string, total: number, start: number, log: (line: string) => void): FileProgress {
    if (this.opts.mode === 'bar') return this.bar(name, total, start);
    if (this.opts.mode === 'off') return { update() {}, log, stop() {} };
    return this.lines(name, total, start, log);
  }

  private bar(name: string, total: number, start: number): FileProgress {
    const multi = new cliProgress.MultiBar(
      { format: ' {file} |{bar}| {percentage}% {done}/{size}', barsize: 22, hideCursor: true, clearOnComplete: false, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    const size = total ? formatBytes(total) : '?';
    const bar = multi.create(Math.max(total, 1), start, { file: name.padEnd(24), done: formatBytes(start), size });
    return {
      update: (v) => bar.update(v, { done: formatBytes(v) }),
      log: (line) => multi.log(`${line}\n`),
      stop: () => multi.stop(),
    };
  }

  private lines(name: string, total: number, start: number, log: (line: string) => void): FileProgress {
    let lastPct = total ? Math.floor((100 * start) / total / 5) * 5 : 0;
    let lastAt = this.now();
    const line = (v: number) =>
      total ? `${name}: ${Math.floor((100 * v) / total)}% (${formatBytes(v)} of ${formatBytes(total)})` : `${name}: ${formatBytes(v)}`;
    return {
      update: (v) => {
        const pct = total ? Math.floor((100 * v) / total / 5) * 5 : 0;
        const t = this.now();
        if ((total && pct >= lastPct + 5) || t - lastAt >= this.intervalMs) {
          lastPct = Math.max(lastPct, pct);
          lastAt = t;
          this.write(`${line(v)}\n`);
        }
      },
      log,
      stop() {},
    };
  }
}
