// Paired comparison of two runs: episodes are matched by (task id, epoch); only pairs graded
// in both runs count. Reports both accuracies on the paired set, the difference B − A with a
// task-clustered paired bootstrap CI and the exact McNemar test on discordant pairs, and the
// same for the mean reward (bootstrap CI, Wilcoxon signed-rank and sign tests), so partial-credit
// environments are compared by what they pay, not only pass/fail. Runs of different
// environments or task sets are compared with a warning that says so.

import { mcnemarExact, pairedBootstrap, wilcoxonSignedRank, wilson } from './stats.js';
import type { EpisodeRecord } from './types.js';

export interface Comparison {
  pairs: number;
  /** matched keys left out because one side was ungraded or an error */
  excluded_not_graded: number;
  only_in_a: number;
  only_in_b: number;
  a_correct: number;
  b_correct: number;
  a_accuracy: number | null;
  b_accuracy: number | null;
  a_ci: [number, number];
  b_ci: [number, number];
  /** B − A on the paired set */
  diff: number | null;
  diff_ci_low: number | null;
  diff_ci_high: number | null;
  /** A right, B wrong */
  a_only_correct: number;
  /** A wrong, B right */
  b_only_correct: number;
  mcnemar_p: number;
  bootstrap: { seed: number; resamples: number };
  by_domain: Record<string, DomainComparison>;
  /** mean reward on the paired set (a missing reward counts 0) and B − A with its tests */
  reward: {
    a_mean: number | null;
    b_mean: number | null;
    diff: number | null;
    diff_ci_low: number | null;
    diff_ci_high: number | null;
    /** pairs where B earned more / less than A */
    b_higher: number;
    b_lower: number;
    sign_test_p: number;
    wilcoxon_p: number;
  };
  /** why this comparison may not mean what it seems (different environments, task sets...) */
  warnings: string[];
}

/** One domain's paired set: accuracies, mean rewards and B − A in mean reward with its tests. */
export interface DomainComparison {
  pairs: number;
  a_correct: number;
  b_correct: number;
  a_mean_reward: number | null;
  b_mean_reward: number | null;
  /** B − A mean reward, its task-clustered bootstrap 95% interval and the Wilcoxon signed-rank p */
  reward_diff: number | null;
  reward_diff_ci_low: number | null;
  reward_diff_ci_high: number | null;
  reward_wilcoxon_p: number;
}

export interface RunIdentity {
  env: string;
  split: string;
}

const pairKey = (r: EpisodeRecord) => `${r.task_id}\u0000${r.epoch}`;

export function compareRecords(a: EpisodeRecord[], b: EpisodeRecord[], opts: { seed?: number; resamples?: number; runs?: [RunIdentity, RunIdentity] } = {}): Comparison {
  const seed = opts.seed ?? 12345;
  const resamples = opts.resamples ?? 10_000;
  const mapA = new Map(a.map((r) => [pairKey(r), r]));
  const mapB = new Map(b.map((r) => [pairKey(r), r]));
  const graded = (r: EpisodeRecord) => r.outcome === 'correct' || r.outcome === 'wrong';
  const pairs: Array<{ cluster: string; a: number; b: number; ra: number; rb: number; domain: string }> = [];
  let excluded = 0;
  let onlyA = 0;
  for (const [k, ra] of mapA) {
    const rb = mapB.get(k);
    if (!rb) {
      onlyA++;
      continue;
    }
    if (!graded(ra) || !graded(rb)) {
      excluded++;
      continue;
    }
    pairs.push({ cluster: ra.task_id, a: ra.outcome === 'correct' ? 1 : 0, b: rb.outcome === 'correct' ? 1 : 0, ra: ra.reward ?? 0, rb: rb.reward ?? 0, domain: ra.domain ?? '(none)' });
  }
  const onlyB = [...mapB.keys()].filter((k) => !mapA.has(k)).length;
  const n = pairs.length;
  const aC = pairs.reduce((s, p) => s + p.a, 0);
  const bC = pairs.reduce((s, p) => s + p.b, 0);
  const aOnly = pairs.filter((p) => p.a === 1 && p.b === 0).length;
  const bOnly = pairs.filter((p) => p.a === 0 && p.b === 1).length;
  const boot = n > 0 ? pairedBootstrap(pairs, { seed, resamples }) : null;
  const ciA = wilson(aC, n);
  const ciB = wilson(bC, n);
  const by_domain: Comparison['by_domain'] = {};
  const domainPairs = new Map<string, typeof pairs>();
  for (const p of pairs) {
    const list = domainPairs.get(p.domain);
    if (list) list.push(p);
    else domainPairs.set(p.domain, [p]);
  }
  for (const [domain, ps] of domainPairs) {
    const m = ps.length;
    const db = pairedBootstrap(ps.map((p) => ({ cluster: p.cluster, a: p.ra, b: p.rb })), { seed, resamples });
    by_domain[domain] = {
      pairs: m,
      a_correct: ps.reduce((s, p) => s + p.a, 0),
      b_correct: ps.reduce((s, p) => s + p.b, 0),
      a_mean_reward: ps.reduce((s, p) => s + p.ra, 0) / m,
      b_mean_reward: ps.reduce((s, p) => s + p.rb, 0) / m,
      reward_diff: db.diff,
      reward_diff_ci_low: db.low,
      reward_diff_ci_high: db.high,
      reward_wilcoxon_p: wilcoxonSignedRank(ps.map((p) => p.rb - p.ra)).p,
    };
  }
  const rewardBoot = n > 0 ? pairedBootstrap(pairs.map((p) => ({ cluster: p.cluster, a: p.ra, b: p.rb })), { seed, resamples }) : null;
  const higher = pairs.filter((p) => p.rb > p.ra).length;
  const lower = pairs.filter((p) => p.rb < p.ra).length;
  const warnings: string[] = [];
  const [ia, ib] = opts.runs ?? [];
  if (ia && ib && ia.env !== ib.env) warnings.push(`the runs are of different environments (A: ${ia.env}, B: ${ib.env}); episodes pair only where task ids happen to match`);
  if (ia && ib && ia.split !== ib.split) warnings.push(`the runs use different splits (A: ${ia.split}, B: ${ib.split})`);
  if (onlyA + onlyB > 0 && n > 0) warnings.push('the runs cover different task sets; only the episodes present in both are compared');
  if (n === 0) warnings.push(mapA.size && mapB.size ? 'no episode was graded in both runs: nothing to compare' : 'a run has no finished episodes');
  return {
    pairs: n,
    excluded_not_graded: excluded,
    only_in_a: onlyA,
    only_in_b: onlyB,
    a_correct: aC,
    b_correct: bC,
    a_accuracy: n ? aC / n : null,
    b_accuracy: n ? bC / n : null,
    a_ci: [ciA.low, ciA.high],
    b_ci: [ciB.low, ciB.high],
    diff: boot ? boot.diff : null,
    diff_ci_low: boot ? boot.low : null,
    diff_ci_high: boot ? boot.high : null,
    a_only_correct: aOnly,
    b_only_correct: bOnly,
    mcnemar_p: mcnemarExact(aOnly, bOnly),
    bootstrap: { seed, resamples },
    by_domain,
    reward: {
      a_mean: n ? pairs.reduce((s, p) => s + p.ra, 0) / n : null,
      b_mean: n ? pairs.reduce((s, p) => s + p.rb, 0) / n : null,
      diff: rewardBoot ? rewardBoot.diff : null,
      diff_ci_low: rewardBoot ? rewardBoot.low : null,
      diff_ci_high: rewardBoot ? rewardBoot.high : null,
      b_higher: higher,
      b_lower: lower,
      sign_test_p: mcnemarExact(higher, lower),
      wilcoxon_p: wilcoxonSignedRank(pairs.map((p) => p.rb - p.ra)).p,
    },
    warnings,
  };
}
