// SQLite index of runs (better-sqlite3): fast listing and comparison. Derived data only —
// every row can be rebuilt from a run's episodes.jsonl, and is whenever the file has grown
// past what the index saw (e.g. after a kill -9 between the two writes).

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { finalRecords, RunStore, runsDir } from './store.js';
import { plannedEpisodes, runStatus } from './status.js';
import type { EpisodeRecord, RunConfig, RunStatus } from './types.js';

export interface RunRow {
  run_id: string;
  created_at: string;
  env: string;
  split: string;
  model: string | null;
  agent: string;
  epochs: number;
  planned: number;
  status: RunStatus;
  episodes: number;
  correct: number;
  wrong: number;
  ungraded: number;
  errors: number;
  agent_tokens: number;
  cost: number | null;
}

export class RunIndex {
  readonly db: Database.Database;

  constructor(readonly home: string) {
    mkdirSync(runsDir(home), { recursive: true });
    this.db = new Database(join(runsDir(home), 'index.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS runs (
        run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, env TEXT NOT NULL, split TEXT NOT NULL,
        model TEXT, agent TEXT NOT NULL, epochs INTEGER NOT NULL, planned INTEGER NOT NULL,
        status TEXT NOT NULL, jsonl_size INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS episodes (
        run_id TEXT NOT NULL, key TEXT NOT NULL, task_index INTEGER NOT NULL, task_id TEXT NOT NULL,
        epoch INTEGER NOT NULL, domain TEXT, outcome TEXT NOT NULL, reward REAL, duration_ms INTEGER NOT NULL,
        agent_tokens INTEGER NOT NULL, cost REAL, cost_known INTEGER NOT NULL,
        PRIMARY KEY (run_id, key));
    `);
  }

  static open(home: string): RunIndex {
    return new RunIndex(home);
  }

  close(): void {
    this.db.close();
  }

  upsertRun(config: RunConfig, status: RunStatus, jsonlSize?: number): void {
    this.db
      .prepare(
        `INSERT INTO runs (run_id, created_at, env, split, model, agent, epochs, planned, status, jsonl_size)
         VALUES (@run_id, @created_at, @env, @split, @model, @agent, @epochs, @planned, @status, @size)
         ON CONFLICT(run_id) DO UPDATE SET status = excluded.status, jsonl_size = MAX(runs.jsonl_size, excluded.jsonl_size)`,
      )
      .run({
        run_id: config.run_id,
        created_at: config.created_at,
        env: config.env,
        split: config.split,
        model: config.model,
        agent: config.agent,
        epochs: config.epochs,
        planned: plannedEpisodes(config),
        status,
        size: jsonlSize ?? 0,
      });
  }

  setSize(runId: string, size: number): void {
    this.db.prepare('UPDATE runs SET jsonl_size = ? WHERE run_id = ?').run(size, runId);
  }

  private upsertEpisodeStmt: Database.Statement | null = null;

  /** Same precedence as finalRecords: a non-error row is never replaced. */
  upsertEpisode(r: EpisodeRecord): void {
    (this.upsertEpisodeStmt ??= this.db
      .prepare(
        `INSERT INTO episodes (run_id, key, task_index, task_id, epoch, domain, outcome, reward, duration_ms, agent_tokens, cost, cost_known)
         VALUES (@run_id, @key, @task_index, @task_id, @epoch, @domain, @outcome, @reward, @duration_ms, @agent_tokens, @cost, @cost_known)
         ON CONFLICT(run_id, key) DO UPDATE SET task_index = excluded.task_index, task_id = excluded.task_id,
           domain = excluded.domain, outcome = excluded.outcome, reward = excluded.reward, duration_ms = excluded.duration_ms,
           agent_tokens = excluded.agent_tokens, cost = excluded.cost, cost_known = excluded.cost_known
         WHERE episodes.outcome = 'error'`,
      ))
      .run({
        run_id: r.run_id,
        key: r.key,
        task_index: r.task_index,
        task_id: r.task_id,
        epoch: r.epoch,
        domain: r.domain,
        outcome: r.outcome,
        reward: r.reward,
        duration_ms: r.duration_ms,
        agent_tokens: r.usage.agent.inputTokens + r.usage.agent.outputTokens,
        cost: r.usage.agent.cost === null && r.usage.judge.cost === null ? null : (r.usage.agent.cost ?? 0) + (r.usage.judge.cost ?? 0),
        cost_known: r.usage.agent.cost !== null && r.usage.judge.cost !== null ? 1 : 0,
      });
  }

  /** Many episode rows in one transaction: one WAL commit instead of one per episode. */
  upsertEpisodes(records: readonly EpisodeRecord[]): void {
    if (records.length === 0) return;
    this.db.transaction(() => {
      for (const r of records) this.upsertEpisode(r);
    })();
  }

  /** Rebuilds one run's rows from its JSONL. */
  reindex(store: RunStore): void {
    const size = store.episodesSize();
    const { records } = store.read();
    const finals = [...finalRecords(records).values()];
    const st = runStatus(finals.length, plannedEpisodes(store.config), store.lockHolder() !== null);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM episodes WHERE run_id = ?').run(store.id);
      this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(store.id);
      this.upsertRun(store.config, st, size);
      for (const r of finals) this.upsertEpisode(r);
    })();
  }

  /** Brings the index up to date with every run directory under the home. */
  sync(): void {
    const known = new Map(
      (this.db.prepare('SELECT run_id, jsonl_size, status FROM runs').all() as Array<{ run_id: string; jsonl_size: number; status: RunStatus }>).map((r) => [r.run_id, r]),
    );
    for (const id of RunStore.list(this.home)) {
      let store: RunStore;
      try {
        store = RunStore.open(this.home, id);
      } catch {
        continue;
      }
      const row = known.get(id);
      const stale = row?.status === 'running' && store.lockHolder() === null; // its process died
      if (!row || stale || row.jsonl_size !== store.episodesSize()) this.reindex(store);
    }
  }

  listRuns(): RunRow[] {
    return this.db
      .prepare(
        `SELECT r.run_id, r.created_at, r.env, r.split, r.model, r.agent, r.epochs, r.planned, r.status,
           COUNT(e.key) AS episodes,
           COALESCE(SUM(e.outcome = 'correct'), 0) AS correct, COALESCE(SUM(e.outcome = 'wrong'), 0) AS wrong,
           COALESCE(SUM(e.outcome = 'ungraded'), 0) AS ungraded, COALESCE(SUM(e.outcome = 'error'), 0) AS errors,
           COALESCE(SUM(e.agent_tokens), 0) AS agent_tokens,
           CASE WHEN MIN(e.cost_known) = 0 THEN NULL ELSE SUM(e.cost) END AS cost
         FROM runs r LEFT JOIN episodes e ON e.run_id = r.run_id
         GROUP BY r.run_id ORDER BY r.created_at DESC, r.run_id`,
      )
      .all() as RunRow[];
  }
}
