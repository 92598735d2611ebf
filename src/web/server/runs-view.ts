// What the viewer's API serves, computed by the runs statistics modules (summarise,
// compareRecords) on the final records of the viewer index — the browser only formats.

import { compareRecords } from '../../runs/compare.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore, runsDir, validRunId } from '../../runs/store.js';
import { summarise } from '../../runs/summary.js';
import type { EpisodeRecord } from '../../runs/types.js';
import { plannedEpisodes, runStatus } from '../../runs/status.js';
import type { CompareView, EpisodeRow, Flip, LeaderboardRow, RunDetail, RunListItem } from './api-types.js';
import type { RunTable } from './run-table.js';
import { SummaryCache, stampOf } from './summary-cache.js';
import { asRecord, ViewerIndex } from './viewer-index.js';

export class RunNotFoundError extends Error {}

/** What the summary cache keeps of a run: its status is worked out afresh on every request. */
type CachedSummary = Omit<RunDetail, 'config' | 'item'> & { item: Omit<RunListItem, 'status'> };

/** A run opened by the viewer: its store and its index rows, brought up to date. */
export interface OpenRun {
  store: RunStore;
  table: RunTable;
}

export class RunsView {
  readonly index: ViewerIndex;
  private readonly summaries: SummaryCache<CachedSummary>;

  constructor(
    readonly home: string,
    opts: { budgetBytes?: number } = {},
  ) {
    this.index = new ViewerIndex(opts.budgetBytes);
    this.summaries = new SummaryCache(home);
    // Earlier versions kept the viewer's rows in SQLite; that derived file is unused now and can be large.
    for (const f of ['viewer.sqlite', 'viewer.sqlite-wal', 'viewer.sqlite-shm']) rmSync(join(runsDir(home), f), { force: true });
  }

  close(): void {
    this.summaries.flush();
    this.index.close();
  }

  /** A run's store; unknown or malformed ids are not found. */
  private store(runId: string): RunStore {
    if (!validRunId(runId)) throw new RunNotFoundError(`no run named ${JSON.stringify(runId)}`);
    try {
      return RunStore.open(this.home, runId);
    } catch (err) {
      throw new RunNotFoundError((err as Error).message);
    }
  }

  /** Opens a run and brings its index rows up to date. */
  open(runId: string): OpenRun {
    const store = this.store(runId);
    return { store, table: this.index.sync(store) };
  }

  /**
   * Summarises every run now (at start-up), so the leaderboard is ready: from the summary
   * cache where a run is unchanged, else by indexing it (its rows then stay in memory, within
   * the budget, for the first page a researcher opens).
   */
  warm(): { runs: number; ms: number } {
    const t0 = performance.now();
    const runs = this.list().length;
    this.summaries.retain(this.runIds());
    this.summaries.flush();
    return { runs, ms: performance.now() - t0 };
  }

  runIds(): string[] {
    return RunStore.list(this.home);
  }

  private readonly finalsCache = new WeakMap<RunTable, { version: number; records: EpisodeRecord[] }>();

  /** Light final records (no task or transcript), cached until the run's file grows. */
  finalRecords({ store, table }: OpenRun): EpisodeRecord[] {
    const hit = this.finalsCache.get(table);
    if (hit && hit.version === table.version) return hit.records;
    const records = table.finals.map((r) => asRecord(store.id, store.config.split, r));
    this.finalsCache.set(table, { version: table.version, records });
    return records;
  }

  detail(runId: string): RunDetail {
    const store = this.store(runId);
    const c = store.config;
    const planned = plannedEpisodes(c);
    // Taken before the scan: a summary is never filed under a stamp newer than its data.
    const stamp = stampOf(store.episodesPath);
    const lockHolder = store.lockHolder();
    let fresh = this.summaries.get(runId, stamp);
    if (!fresh) {
      const run = { store, table: this.index.sync(store) };
      // usage counts every attempt, as the CLI's summary does: replaced attempts were paid for too
      const finalRows = new Set(run.table.finals);
      const replaced = run.table.rows.filter((r) => !finalRows.has(r)).map((r) => asRecord(store.id, c.split, r));
      const summary = summarise(this.finalRecords(run), c.k.filter((k) => k <= c.epochs), replaced);
      const usage = summary.usage;
      const item: CachedSummary['item'] = {
        run_id: c.run_id,
        label: c.model ?? c.agent,
        model: c.model,
        agent: c.agent,
        env: c.env,
        split: c.split,
        created_at: c.created_at,
        epochs: c.epochs,
        planned,
        episodes: summary.episodes,
        correct: summary.correct,
        wrong: summary.wrong,
        ungraded: summary.ungraded,
        errors: summary.errors,
        accuracy: summary.accuracy,
        ci_low: summary.ci_low,
        ci_high: summary.ci_high,
        mean_reward: summary.mean_reward,
        by_domain: summary.by_domain,
        tokens: usage.agent.inputTokens + usage.agent.outputTokens,
        cost: usage.agent.cost === null || usage.judge.cost === null ? null : usage.agent.cost + usage.judge.cost,
        duration_ms: summary.duration_ms,
        size_bytes: stamp.size,
      };
      fresh = { item, summary, domains: run.table.domains() };
      this.summaries.set(runId, stamp, fresh);
    }
    return { item: { ...fresh.item, status: runStatus(fresh.item.episodes, planned, lockHolder !== null) }, config: c, summary: fresh.summary, domains: fresh.domains };
  }

  list(): RunListItem[] {
    const out: RunListItem[] = [];
    for (const id of this.runIds()) {
      try {
        out.push(this.detail(id).item);
      } catch (err) {
        if (!(err instanceof RunNotFoundError)) throw err;
      }
    }
    return out.sort((x, y) => y.created_at.localeCompare(x.created_at) || x.run_id.localeCompare(y.run_id));
  }

  leaderboard(): LeaderboardRow[] {
    const groups = new Map<string, LeaderboardRow>();
    for (const item of this.list()) {
      const key = JSON.stringify([item.label, item.env, item.split]);
      const g = groups.get(key);
      if (g) g.runs.push(item.run_id);
      else groups.set(key, { label: item.label, env: item.env, split: item.split, run: item, runs: [item.run_id] });
    }
    return [...groups.values()];
  }

  compare(aId: string, bId: string): CompareView {
    const a = this.open(aId);
    const b = this.open(bId);
    const ra = this.finalRecords(a);
    const rb = this.finalRecords(b);
    const comparison = compareRecords(ra, rb, { runs: [a.store.config, b.store.config] });
    return { a: this.detail(aId).item, b: this.detail(bId).item, comparison, flips: flipsOf(ra, rb), warnings: comparison.warnings };
  }

  /** The final record's row of a key, or a not-found error naming the run and key. */
  row({ store, table }: OpenRun, key: string): EpisodeRow {
    const row = table.finalOf(key);
    if (!row) throw new RunNotFoundError(`run ${store.id} has no episode ${JSON.stringify(key)}`);
    return row;
  }
}

/** Discordant pairs, matched as compareRecords matches them: by (task id, epoch), graded in both. */
function flipsOf(a: EpisodeRecord[], b: EpisodeRecord[]): CompareView['flips'] {
  const byPair = new Map(b.map((r) => [`${r.task_id}\u0000${r.epoch}`, r]));
  const graded = (r: EpisodeRecord) => r.outcome === 'correct' || r.outcome === 'wrong';
  const out: CompareView['flips'] = { a_only: [], b_only: [] };
  for (const ra of a) {
    const rb = byPair.get(`${ra.task_id}\u0000${ra.epoch}`);
    if (!rb || !graded(ra) || !graded(rb) || ra.outcome === rb.outcome) continue;
    const flip: Flip = { task_id: ra.task_id, epoch: ra.epoch, domain: ra.domain, a_key: ra.key, b_key: rb.key };
    (ra.outcome === 'correct' ? out.a_only : out.b_only).push(flip);
  }
  return out;
}
