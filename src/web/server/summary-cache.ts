// Run summaries the viewer has computed, kept on disk (runs/viewer-summaries.json) keyed by
// the size and modification time of the run's episodes.jsonl. A fresh viewer process then
// lists and ranks a store of large runs without reading any of them again; a run whose file
// changed is summarised anew. Derived data: delete the file at any time.

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsDir } from '../../runs/store.js';

/** Bump when the shape of a cached entry changes: older files are then ignored. */
const FORMAT = 1;
const FILE = 'viewer-summaries.json';
/** Writes are batched: a run in progress changes its summary with every episode. */
const SAVE_DELAY_MS = 1000;

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export function stampOf(path: string): FileStamp {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return { size: 0, mtimeMs: 0 };
  }
}

interface Entry<T> {
  stamp: FileStamp;
  value: T;
}

export class SummaryCache<T> {
  private readonly path: string;
  private entries = new Map<string, Entry<T>>();
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;

  constructor(home: string) {
    this.path = join(runsDir(home), FILE);
    try {
      const file = JSON.parse(readFileSync(this.path, 'utf8')) as { format?: number; runs?: Record<string, Entry<T>> };
      if (file.format === FORMAT && file.runs) this.entries = new Map(Object.entries(file.runs));
    } catch {
      // no cache yet, or an unreadable one: start empty
    }
  }

  get(runId: string, stamp: FileStamp): T | null {
    const e = this.entries.get(runId);
    return e && e.stamp.size === stamp.size && e.stamp.mtimeMs === stamp.mtimeMs ? e.value : null;
  }

  set(runId: string, stamp: FileStamp, value: T): void {
    this.entries.set(runId, { stamp, value });
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Forgets runs that are gone from the store, so the file does not grow forever. */
  retain(runIds: Iterable<string>): void {
    const keep = new Set(runIds);
    for (const id of this.entries.keys()) {
      if (keep.has(id)) continue;
      this.entries.delete(id);
      this.dirty = true;
    }
  }

  /** Writes pending changes now (atomically: another viewer process may read the file). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.dirty = false;
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, runs: Object.fromEntries(this.entries) }));
      renameSync(tmp, this.path);
    } catch {
      // a cache that cannot be written (read-only store, full disk) only costs time later
    }
  }
}
