// One run's index rows, held in memory: every episode line, the final record of each key (by
// the runs store's own rule), and the queries the viewer's pages make. Filled from the
// sidecar, a 100,000-episode run is ready in well under a second, and a page, a filter or a
// transcript lookup is then a walk over an array, not a database round trip.

import type { Outcome } from '../../runs/types.js';
import type { EpisodeRow } from './api-types.js';
import { EMPTY_SCAN, type ScanResult, type ScanState } from './run-scan.js';

export interface EpisodeQuery {
  outcome?: Outcome;
  /** a domain, or '(none)' for episodes without one */
  domain?: string;
  /** case-insensitive substring of the task id, domain, detail, end reason or task text */
  q?: string;
  offset: number;
  limit: number;
}

/** Rough heap bytes per row besides its search text (measured: ~1 KB per 100k-row run's row in all). */
const ROW_BYTES = 700;

export class RunTable {
  /** every episode line, in file order (rows[i].seq === i) */
  readonly rows: EpisodeRow[] = [];
  private readonly search: string[] = [];
  /**
   * The record that counts for each key, in the order finalRecords yields the keys (first line
   * of each key): the paired bootstrap's resampling depends on that order, so the viewer feeds
   * the statistics the same sequence the store's reader would.
   */
  readonly finals: EpisodeRow[] = [];
  private readonly finalAt = new Map<string, number>();
  private readonly byKey = new Map<string, EpisodeRow[]>();
  state: ScanState = EMPTY_SCAN;
  /** grows with every change, so derived views know when to recompute */
  version = 0;
  approxBytes = 0;
  private sorted: { version: number; rows: EpisodeRow[] } | null = null;
  private filtered: { version: number; signature: string; rows: EpisodeRow[] } | null = null;

  /** Adds what a scan found. Same rule as finalRecords: the first record not in error counts, else the latest error. */
  add(scan: ScanResult): void {
    for (let i = 0; i < scan.rows.length; i++) {
      const row = scan.rows[i];
      this.rows.push(row);
      this.search.push(scan.search[i]);
      this.approxBytes += ROW_BYTES + 2 * scan.search[i].length;
      const attempts = this.byKey.get(row.key);
      if (attempts) attempts.push(row);
      else this.byKey.set(row.key, [row]);
      const at = this.finalAt.get(row.key);
      if (at === undefined) {
        this.finalAt.set(row.key, this.finals.length);
        this.finals.push(row);
      } else if (this.finals[at].outcome === 'error') {
        this.finals[at] = row;
      }
    }
    this.state = scan.state;
    if (scan.rows.length) this.version++;
  }

  /** The lower-cased text a search matches against (task id, domain, detail, end reason, task spec). */
  searchOf(row: EpisodeRow): string {
    return this.search[row.seq];
  }

  finalOf(key: string): EpisodeRow | null {
    const at = this.finalAt.get(key);
    return at === undefined ? null : this.finals[at];
  }

  /** Every attempt recorded for a key (errors that were retried, then the one that counts), in file order. */
  attempts(key: string): EpisodeRow[] {
    return this.byKey.get(key) ?? [];
  }

  domains(): string[] {
    return [...new Set(this.finals.map((r) => r.domain ?? '(none)'))].sort();
  }

  /** A filtered page of final records in task, epoch order, and how many match in all. */
  page(q: EpisodeQuery): { total: number; rows: EpisodeRow[] } {
    const matching = this.matching(q);
    return { total: matching.length, rows: matching.slice(q.offset, q.offset + q.limit) };
  }

  /** The filter's matches, kept while the table is unchanged: a scrolling table asks for page after page of one filter. */
  private matching(q: EpisodeQuery): EpisodeRow[] {
    const signature = JSON.stringify([q.outcome ?? null, q.domain ?? null, q.q ?? null]);
    if (this.filtered && this.filtered.version === this.version && this.filtered.signature === signature) return this.filtered.rows;
    const needle = q.q?.toLowerCase();
    const domain = q.domain === '(none)' ? null : q.domain;
    const rows = this.byTaskEpoch().filter(
      (r) => (q.outcome === undefined || r.outcome === q.outcome) && (q.domain === undefined || r.domain === domain) && (needle === undefined || this.search[r.seq].includes(needle)),
    );
    this.filtered = { version: this.version, signature, rows };
    return rows;
  }

  private byTaskEpoch(): EpisodeRow[] {
    if (this.sorted?.version !== this.version) {
      this.sorted = { version: this.version, rows: [...this.finals].sort((a, b) => a.task_index - b.task_index || a.epoch - b.epoch) };
    }
    return this.sorted.rows;
  }
}
