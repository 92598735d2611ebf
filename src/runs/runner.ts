// Executes a run: plans every (task, epoch) episode, skips the ones already final in the
// JSONL, and runs the rest with bounded concurrency. Each attempt writes a "started" line
// before it begins and its record when it ends; an interrupted attempt writes nothing more,
// so resume runs it again and nothing is counted twice.

import PQueue from 'p-queue';
import { createHash } from 'node:crypto';
import { runEpisode } from '../agents/loop.js';
import type { EnvDriver } from '../agents/target.js';
import type { Agent } from '../agents/types.js';
import { costOf, type PriceTable } from '../models/pricing.js';
import { emptyRoleUsage } from '../models/usage.js';
import type { JsonObject } from '../ors/types.js';
import type { RunIndex } from './index-db.js';
import { classifyEpisode, domainOf, judgeUsageOf, taskIdOf } from './outcome.js';
import { finalRecords, type RunStore } from './store.js';
import { replacedAttempts, summarise, type RunSummary } from './summary.js';
import { episodeKey, type EpisodeRecord } from './types.js';

export interface Progress {
  total: number;
  done: number;
  correct: number;
  wrong: number;
  ungraded: number;
  errors: number;
  tokens: number;
  cost: number | null;
  elapsedMs: number;
  /** null until an episode has finished in this invocation */
  etaMs: number | null;
  last?: { key: string; outcome: string };
  /** model-call retries so far (429s, 5xx, timeouts), filled in by the caller */
  retries?: number;
}

export interface ExecuteOptions {
  store: RunStore;
  index: RunIndex | null;
  driver: EnvDriver;
  agent: Agent;
  prices: PriceTable;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface ExecuteResult {
  summary: RunSummary;
  interrupted: boolean;
  /** episodes run by this invocation */
  ran: number;
  planned: number;
}

/** A 32-bit seed per episode, stable across resumes. */
export function episodeSeed(runSeed: number, taskIndex: number, epoch: number): number {
  return createHash('sha256').update(`${runSeed}:${taskIndex}:${epoch}`).digest().readUInt32LE(0);
}

export async function executeRun(opts: ExecuteOptions): Promise<ExecuteResult> {
  const { store, index, driver, agent, prices } = opts;
  const cfg = store.config;
  store.lock();
  try {
    const previous = store.read();
    const finals = finalRecords(previous.records);
    // attempts a retry replaced still cost tokens: the summary counts them apart
    const replaced = replacedAttempts(previous.records, finals);
    const attempts = new Map<string, number>();
    for (const s of previous.started) attempts.set(s.key, Math.max(attempts.get(s.key) ?? 0, s.attempt));

    // Epoch-major, so a partial run covers every task once before repeating any.
    const plan: Array<{ taskIndex: number; epoch: number; key: string }> = [];
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      for (const taskIndex of cfg.task_indices) plan.push({ taskIndex, epoch, key: episodeKey(taskIndex, epoch) });
    }
    const todo = plan.filter((p) => {
      const f = finals.get(p.key);
      return !f || f.outcome === 'error';
    });

    const progress: Progress = { total: plan.length, done: 0, correct: 0, wrong: 0, ungraded: 0, errors: 0, tokens: 0, cost: 0, elapsedMs: 0, etaMs: null };
    const count = (r: EpisodeRecord, sign: 1 | -1) => {
      progress.done += sign;
      if (r.outcome === 'correct') progress.correct += sign;
      else if (r.outcome === 'wrong') progress.wrong += sign;
      else if (r.outcome === 'ungraded') progress.ungraded += sign;
      else progress.errors += sign;
    };
    for (const r of finals.values()) {
      count(r, 1);
      progress.tokens += r.usage.agent.inputTokens + r.usage.agent.outputTokens;
      progress.cost = progress.cost === null || r.usage.agent.cost === null ? null : progress.cost + r.usage.agent.cost;
    }
    index?.upsertRun(cfg, 'running', store.episodesSize());

    const taskCache = new Map<number, Promise<JsonObject>>();
    const taskOf = (i: number) => {
      let p = taskCache.get(i);
      if (!p) {
        p = driver.task(cfg.split, i);
        taskCache.set(i, p);
        p.catch(() => taskCache.delete(i));
      }
      return p;
    };

    // Index rows are batched: the JSONL line is written first and is the source of truth, and a
    // crash before a flush is repaired by RunIndex.sync (the file outgrew the size indexed).
    const pendingRows: EpisodeRecord[] = [];
    const flushIndex = () => {
      if (index && pendingRows.length) index.upsertEpisodes(pendingRows.splice(0));
    };
    const flushTimer = index ? setInterval(flushIndex, 250) : null;
    flushTimer?.unref();

    const started = performance.now();
    let ranHere = 0;
    const queue = new PQueue({ concurrency: Math.max(1, cfg.concurrency) });
    const signal = opts.signal;
    const emit = () => {
      progress.elapsedMs = performance.now() - started;
      const remaining = todo.length - ranHere;
      progress.etaMs = ranHere > 0 ? (progress.elapsedMs / ranHere) * Math.max(0, remaining) : null;
      opts.onProgress?.({ ...progress });
    };
    emit();

    const runOne = async (item: (typeof plan)[number]) => {
      for (let retry = 0; retry <= cfg.error_retries; retry++) {
        if (signal?.aborted) return;
        const attempt = (attempts.get(item.key) ?? 0) + 1;
        attempts.set(item.key, attempt);
        const startedAt = new Date();
        store.append({ type: 'started', key: item.key, attempt, at: startedAt.toISOString() });
        let task: JsonObject;
        let record: EpisodeRecord;
        try {
          task = await taskOf(item.taskIndex);
        } catch (err) {
          task = {};
          record = baseRecord(item, attempt, task, startedAt);
          record.outcome = 'error';
          record.end_reason = 'env_error';
          record.detail = `env_error: could not fetch task ${item.taskIndex}: ${(err as Error).message}`;
          record.duration_ms = Date.now() - startedAt.getTime();
          if (signal?.aborted) return;
          finish(item.key, record);
          continue;
        }
        const taskId = taskIdOf(task, cfg.split, item.taskIndex);
        const result = await runEpisode({
          agent,
          driver,
          task,
          ctx: { env: cfg.env, split: cfg.split, taskIndex: item.taskIndex, taskId, epoch: item.epoch, seed: episodeSeed(cfg.seed, item.taskIndex, item.epoch) },
          limits: { maxTurns: cfg.max_turns, maxTokens: cfg.max_tokens ?? undefined, timeLimitMs: cfg.time_limit_ms ?? undefined },
          signal,
        });
        if (result.endReason === 'aborted') return; // interrupted: leave only the started line
        const cls = classifyEpisode(result, cfg.pass_threshold);
        record = baseRecord(item, attempt, task, startedAt);
        const agentUsage = { ...emptyRoleUsage(), inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, calls: result.modelCalls };
        agentUsage.cost = agent.modelId ? costOf(prices, agent.modelId, result.usage) : 0;
        const judge = judgeUsageOf(result.finalMetadata);
        const judgeUsage = emptyRoleUsage();
        if (judge) {
          judgeUsage.inputTokens = judge.inputTokens;
          judgeUsage.outputTokens = judge.outputTokens;
          judgeUsage.calls = 1;
          judgeUsage.cost = costOf(prices, judge.model, judge);
        }
        Object.assign(record, {
          task_id: taskId,
          domain: domainOf(task, result.finalMetadata),
          outcome: cls.outcome,
          reward: cls.reward,
          reward_sum: result.rewardSum,
          end_reason: result.endReason,
          detail: cls.detail,
          turns: result.turns,
          tool_calls: result.toolCalls,
          invalid_calls: result.invalidCalls,
          model_calls: result.modelCalls,
          usage: { agent: agentUsage, judge: judgeUsage },
          duration_ms: result.durationMs,
          final_metadata: result.finalMetadata,
          transcript: result.transcript,
        } satisfies Partial<EpisodeRecord>);
        finish(item.key, record);
        if (record.outcome !== 'error') return;
      }
    };

    const finish = (key: string, record: EpisodeRecord) => {
      record.ended_at = new Date().toISOString();
      store.append(record);
      if (index) pendingRows.push(record);
      const prev = finals.get(key);
      if (prev && prev.outcome !== 'error') return; // cannot happen: completed keys are not planned
      if (prev) {
        count(prev, -1);
        replaced.push(prev);
      }
      finals.set(key, record);
      count(record, 1);
      progress.tokens += record.usage.agent.inputTokens + record.usage.agent.outputTokens;
      progress.cost = progress.cost === null || record.usage.agent.cost === null ? null : progress.cost + record.usage.agent.cost;
      progress.last = { key, outcome: record.outcome };
      ranHere++;
      emit();
    };

    const baseRecord = (item: (typeof plan)[number], attempt: number, task: JsonObject, startedAt: Date): EpisodeRecord => ({
      type: 'episode',
      key: item.key,
      run_id: cfg.run_id,
      task_index: item.taskIndex,
      task_id: taskIdOf(task, cfg.split, item.taskIndex),
      epoch: item.epoch,
      attempt,
      split: cfg.split,
      domain: null,
      outcome: 'error',
      reward: null,
      end_reason: 'env_error',
      detail: null,
      task,
      turns: 0,
      tool_calls: 0,
      invalid_calls: 0,
      model_calls: 0,
      usage: { agent: emptyRoleUsage(), judge: emptyRoleUsage() },
      started_at: startedAt.toISOString(),
      ended_at: startedAt.toISOString(),
      duration_ms: 0,
      final_metadata: null,
      transcript: [],
    });

    for (const item of todo) {
      queue.add(() => runOne(item)).catch(() => undefined);
    }
    try {
      await queue.onIdle();
    } finally {
      if (flushTimer) clearInterval(flushTimer);
      flushIndex();
    }

    const interrupted = signal?.aborted ?? false;
    const all = [...finals.values()];
    // Complete = every episode has a record; errored ones can still be retried by resume.
    const complete = plan.every((p) => finals.has(p.key));
    if (index) {
      index.upsertRun(cfg, interrupted || !complete ? 'interrupted' : 'complete');
      index.setSize(cfg.run_id, store.episodesSize());
    }
    return { summary: summarise(all, cfg.k, replaced), interrupted, ran: ranHere, planned: plan.length };
  } finally {
    store.close();
    store.unlock();
  }
}
