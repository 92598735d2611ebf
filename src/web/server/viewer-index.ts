// The viewer's index of runs: for each run, its rows in memory (run-table.ts), filled by
// incremental scans (run-scan.ts) of what was appended since the last one. Nothing is written
// to disk: the run store's sidecar is the persistent index, and a run without one is parsed
// in full once per viewer process (`genegym runs reindex` writes it). Least recently used runs
// are dropped when the rows in memory pass a budget, and rebuilt when asked for again.

import { closeSync, openSync, readSync } from 'node:fs';
import type { RunStore } from '../../runs/store.js';
import type { EpisodeRecord, Outcome } from '../../runs/types.js';
import type { EpisodeRow } from './api-types.js';
import { EMPTY_SCAN, scanRun } from './run-scan.js';
import { RunTable } from './run-table.js';

export type { EpisodeRow } from './api-types.js';
export type { EpisodeQuery } from './run-table.js';

export const OUTCOMES: readonly Outcome[] = ['correct', 'wrong', 'ungraded', 'error'];

/** Default memory budget for index rows: about 1.5 million typical rows. */
export const DEFAULT_BUDGET_BYTES = 1024 ** 3;

export class ViewerIndex {
  /** runs by recency of use, least recent first */
  private readonly tables = new Map<string, RunTable>();
  /** How the last scan that read anything took its lines: from the sidecar, or parsed in full. */
  lastScan = { fromSidecar: 0, parsed: 0 };

  constructor(readonly budgetBytes = DEFAULT_BUDGET_BYTES) {}

  close(): void {
    this.tables.clear();
  }

  /** Brings the run's rows up to date with its JSONL and returns them. */
  sync(store: RunStore): RunTable {
    let table = this.tables.get(store.id);
    this.tables.delete(store.id);
    const scan = scanRun(store, table?.state ?? EMPTY_SCAN);
    if (!table || scan.restarted) table = new RunTable();
    if (scan.fromSidecar || scan.parsed) this.lastScan = { fromSidecar: scan.fromSidecar, parsed: scan.parsed };
    table.add(scan);
    this.tables.set(store.id, table);
    this.evict(store.id);
    return table;
  }

  /** Drops a run's rows (its file changed in a way scans cannot follow); the next sync starts over. */
  forget(runId: string): void {
    this.tables.delete(runId);
  }

  /** The run's rows as last synced, without scanning (null when not in memory). */
  table(runId: string): RunTable | null {
    return this.tables.get(runId) ?? null;
  }

  private evict(keep: string): void {
    let total = 0;
    for (const t of this.tables.values()) total += t.approxBytes;
    for (const [id, t] of this.tables) {
      if (total <= this.budgetBytes) break;
      if (id === keep) continue;
      this.tables.delete(id);
      total -= t.approxBytes;
    }
  }
}

/**
 * Reads one whole record back from the JSONL by its row's byte range. The record must be the
 * row's (same key and attempt): a file rewritten in place under the viewer is an error, not a
 * wrong transcript.
 */
export function readRecordAt(store: RunStore, row: Pick<EpisodeRow, 'offset' | 'length' | 'key' | 'attempt'>): EpisodeRecord {
  const fd = openSync(store.episodesPath, 'r');
  let rec: EpisodeRecord | null = null;
  try {
    const buf = Buffer.allocUnsafe(row.length);
    const n = readSync(fd, buf, 0, row.length, row.offset);
    rec = JSON.parse(buf.subarray(0, n).toString('utf8')) as EpisodeRecord;
  } catch {
    rec = null;
  } finally {
    closeSync(fd);
  }
  if (rec?.type !== 'episode' || rec.key !== row.key || rec.attempt !== row.attempt) {
    throw new RunChangedError(`run ${store.id}: episodes.jsonl changed under the viewer (no record ${row.key} at byte ${row.offset}); reload the page`);
  }
  return rec;
}

export class RunChangedError extends Error {}

/** The light record the statistics functions take (they read no task or transcript). */
export function asRecord(runId: string, split: string, r: EpisodeRow): EpisodeRecord {
  return {
    type: 'episode',
    key: r.key,
    run_id: runId,
    task_index: r.task_index,
    task_id: r.task_id,
    epoch: r.epoch,
    attempt: r.attempt,
    split,
    domain: r.domain,
    outcome: r.outcome,
    reward: r.reward,
    end_reason: r.end_reason as EpisodeRecord['end_reason'],
    detail: r.detail,
    task: {},
    turns: r.turns,
    tool_calls: r.tool_calls,
    invalid_calls: 0,
    model_calls: r.agent_calls,
    usage: {
      agent: { inputTokens: r.agent_in, outputTokens: r.agent_out, calls: r.agent_calls, cost: r.agent_cost },
      judge: { inputTokens: r.judge_in, outputTokens: r.judge_out, calls: r.judge_calls, cost: r.judge_cost },
    },
    started_at: r.started_at,
    ended_at: r.started_at,
    duration_ms: r.duration_ms,
    final_metadata: null,
    transcript: [],
  };
}
