// Summaries of a run's final episode records: counts by outcome, accuracy with Wilson
// intervals overall and per domain, mean reward, pass@k / pass^k, tokens and cost.

import { emptyRoleUsage, type RoleUsage } from '../models/usage.js';
import { passAtK, passHatK, wilson } from './stats.js';
import type { EpisodeRecord } from './types.js';

export interface AccuracyStats {
  episodes: number;
  correct: number;
  wrong: number;
  ungraded: number;
  errors: number;
  /** correct / (correct + wrong): ungraded and errored episodes are left out */
  accuracy: number | null;
  ci_low: number;
  ci_high: number;
  mean_reward: number | null;
}

export interface PassK {
  k: number;
  pass_at_k: number | null;
  pass_hat_k: number | null;
  /** tasks with at least k graded epochs (the others cannot be scored at this k) */
  tasks: number;
}

export interface RunSummary extends AccuracyStats {
  by_domain: Record<string, AccuracyStats>;
  pass_k: PassK[];
  /** tokens and cost of every attempt, including errored attempts that a retry replaced */
  usage: { agent: RoleUsage; judge: RoleUsage };
  /** the part of `usage` spent on those replaced attempts */
  usage_replaced: { agent: RoleUsage; judge: RoleUsage; attempts: number };
  duration_ms: number;
}

export function accuracyOf(records: EpisodeRecord[]): AccuracyStats {
  let correct = 0;
  let wrong = 0;
  let ungraded = 0;
  let errors = 0;
  let rewardSum = 0;
  let rewardN = 0;
  for (const r of records) {
    if (r.outcome === 'correct') correct++;
    else if (r.outcome === 'wrong') wrong++;
    else if (r.outcome === 'ungraded') ungraded++;
    else errors++;
    if ((r.outcome === 'correct' || r.outcome === 'wrong') && r.reward !== null) {
      rewardSum += r.reward;
      rewardN++;
    }
  }
  const graded = correct + wrong;
  const ci = wilson(correct, graded);
  return {
    episodes: records.length,
    correct,
    wrong,
    ungraded,
    errors,
    accuracy: graded > 0 ? correct / graded : null,
    ci_low: ci.low,
    ci_high: ci.high,
    mean_reward: rewardN > 0 ? rewardSum / rewardN : null,
  };
}

export function passKOf(records: EpisodeRecord[], ks: number[]): PassK[] {
  const perTask = new Map<number, { n: number; c: number }>();
  for (const r of records) {
    if (r.outcome !== 'correct' && r.outcome !== 'wrong') continue;
    const t = perTask.get(r.task_index) ?? { n: 0, c: 0 };
    t.n++;
    if (r.outcome === 'correct') t.c++;
    perTask.set(r.task_index, t);
  }
  return ks.map((k) => {
    let at = 0;
    let hat = 0;
    let tasks = 0;
    for (const { n, c } of perTask.values()) {
      if (n < k) continue;
      at += passAtK(n, c, k);
      hat += passHatK(n, c, k);
      tasks++;
    }
    return { k, pass_at_k: tasks ? at / tasks : null, pass_hat_k: tasks ? hat / tasks : null, tasks };
  });
}

function addUsage(into: { agent: RoleUsage; judge: RoleUsage }, r: EpisodeRecord): void {
  for (const role of ['agent', 'judge'] as const) {
    const u = into[role];
    const o = r.usage[role];
    u.inputTokens += o.inputTokens;
    u.outputTokens += o.outputTokens;
    u.calls += o.calls;
    u.cost = u.cost === null || o.cost === null ? null : u.cost + o.cost;
  }
}

/**
 * Accuracy and the rest over the final record of each episode; usage and cost over every
 * attempt, since an errored attempt that a retry replaced was paid for too (`replaced`).
 */
export function summarise(records: EpisodeRecord[], ks: number[], replaced: readonly EpisodeRecord[] = []): RunSummary {
  const byDomain = new Map<string, EpisodeRecord[]>();
  const usage = { agent: emptyRoleUsage(), judge: emptyRoleUsage() };
  const usageReplaced = { agent: emptyRoleUsage(), judge: emptyRoleUsage(), attempts: replaced.length };
  let duration = 0;
  for (const r of records) {
    const d = r.domain ?? '(none)';
    // push, not spread: copying the list per record made large runs quadratic
    const list = byDomain.get(d);
    if (list) list.push(r);
    else byDomain.set(d, [r]);
    addUsage(usage, r);
    duration += r.duration_ms;
  }
  for (const r of replaced) {
    addUsage(usage, r);
    addUsage(usageReplaced, r);
  }
  const by_domain: Record<string, AccuracyStats> = {};
  for (const [d, rs] of [...byDomain.entries()].sort(([a], [b]) => a.localeCompare(b))) by_domain[d] = accuracyOf(rs);
  return { ...accuracyOf(records), by_domain, pass_k: passKOf(records, ks), usage, usage_replaced: usageReplaced, duration_ms: duration };
}

/** Attempts that a later attempt of the same episode replaced (all records minus the finals). */
export function replacedAttempts(all: readonly EpisodeRecord[], finals: ReadonlyMap<string, EpisodeRecord>): EpisodeRecord[] {
  return all.filter((r) => finals.get(r.key) !== r);
}
