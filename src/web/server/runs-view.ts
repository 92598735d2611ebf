// What the viewer's API serves, computed by the runs statistics modules (summarise,
// compareRecords) on the final records of the viewer index — the browser only formats.

import { compareRecords, type Comparison } from '../../runs/compare.js';
import { RunStore, validRunId } from '../../runs/store.js';
import { summarise, type RunSummary } from '../../runs/summary.js';
import type { EpisodeRecord, RunConfig } from '../../runs/types.js';
import { asRecord, type EpisodeRow, ViewerIndex } from './viewer-index.js';

export class RunNotFoundError extends Error {}

export type RunStatus = 'running' | 'interrupted' | 'complete';

export interface RunListItem {
  run_id: string;
  /** the model spec, or the built-in agent's name */
  label: string;
  model: string | null;
  agent: string;
  env: string;
  split: string;
  created_at: string;
  status: RunStatus;
  epochs: number;
  planned: number;
  episodes: number;
  correct: number;
  wrong: number;
  ungraded: number;
  errors: number;
  accuracy: number | null;
  ci_low: number;
  ci_high: number;
  mean_reward: number | null;
  by_domain: RunSummary['by_domain'];
  /** agent input + output tokens */
  tokens: number;
  /** agent + judge USD; null when any model was unpriced */
  cost: number | null;
  duration_ms: number;
  size_bytes: number;
}

export interface RunDetail {
  item: RunListItem;
  config: RunConfig;
  summary: RunSummary;
  domains: string[];
}

export interface Flip {
  task_id: string;
  epoch: number;
  domain: string | null;
  a_key: string;
  b_key: string;
}

export interface CompareView {
  a: RunListItem;
  b: RunListItem;
  comparison: Comparison;
  /** pairs A got right and B wrong, and the reverse (the discordant pairs McNemar counts) */
  flips: { a_only: Flip[]; b_only: Flip[] };
  warnings: string[];
}

export interface LeaderboardRow {
  label: string;
  env: string;
  split: string;
  /** the newest run of this (model/agent, env, split) */
  run: RunListItem;
  /** every run of the group, newest first */
  runs: string[];
}

export class RunsView {
  readonly index: ViewerIndex;
  private readonly summaries = new Map<string, { bytes: number; detail: RunDetail }>();

  constructor(readonly home: string) {
    this.index = new ViewerIndex(home);
  }

  close(): void {
    this.index.close();
  }

  /** Opens a run and brings its index rows up to date; unknown or malformed ids are not found. */
  open(runId: string): RunStore {
    if (!validRunId(runId)) throw new RunNotFoundError(`no run named ${JSON.stringify(runId)}`);
    let store: RunStore;
    try {
      store = RunStore.open(this.home, runId);
    } catch (err) {
      throw new RunNotFoundError((err as Error).message);
    }
    this.index.sync(store);
    return store;
  }

  /** Indexes every run now (at start-up), so the first page a researcher opens is quick. */
  warm(): { runs: number; ms: number } {
    const t0 = performance.now();
    let runs = 0;
    for (const id of this.runIds()) {
      try {
        this.open(id);
        runs++;
      } catch (err) {
        if (!(err instanceof RunNotFoundError)) throw err;
      }
    }
    return { runs, ms: performance.now() - t0 };
  }

  runIds(): string[] {
    return RunStore.list(this.home);
  }

  private readonly finalsCache = new Map<string, { bytes: number; records: EpisodeRecord[] }>();

  /** Light final records (no task or transcript), cached until the run's file grows. */
  finalRecords(store: RunStore): EpisodeRecord[] {
    const bytes = this.index.scannedBytes(store.id);
    const hit = this.finalsCache.get(store.id);
    if (hit && hit.bytes === bytes) return hit.records;
    const records = this.index.finals(store.id).map((r) => asRecord(store.id, store.config.split, r));
    this.finalsCache.set(store.id, { bytes, records });
    return records;
  }

  detail(runId: string): RunDetail {
    const store = this.open(runId);
    const bytes = this.index.scannedBytes(store.id);
    const cached = this.summaries.get(runId);
    const lockHolder = store.lockHolder();
    if (cached && cached.bytes === bytes && lockHolder === null) return cached.detail;
    const records = this.finalRecords(store);
    const summary = summarise(records, store.config.k.filter((k) => k <= store.config.epochs));
    const c = store.config;
    const planned = c.task_indices.length * c.epochs;
    // Same rule as the runs index: every planned key recorded is complete; else a live lock is running.
    const status: RunStatus = records.length >= planned ? 'complete' : lockHolder !== null ? 'running' : 'interrupted';
    const usage = summary.usage;
    const item: RunListItem = {
      run_id: c.run_id,
      label: c.model ?? c.agent,
      model: c.model,
      agent: c.agent,
      env: c.env,
      split: c.split,
      created_at: c.created_at,
      status,
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
      size_bytes: store.episodesSize(),
    };
    const detail: RunDetail = { item, config: c, summary, domains: this.index.domains(store.id) };
    this.summaries.set(runId, { bytes, detail });
    return detail;
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
    const comparison = compareRecords(ra, rb);
    const warnings: string[] = [];
    if (a.config.env !== b.config.env) warnings.push(`the runs are of different environments (${a.config.env} vs ${b.config.env})`);
    if (a.config.split !== b.config.split) warnings.push(`the runs are of different splits (${a.config.split} vs ${b.config.split})`);
    return { a: this.detail(aId).item, b: this.detail(bId).item, comparison, flips: flipsOf(ra, rb), warnings };
  }

  /** The final record's row of a key, or a not-found error naming the run and key. */
  row(store: RunStore, key: string): EpisodeRow {
    const row = this.index.finalOf(store.id, key);
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
