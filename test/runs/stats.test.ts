import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRecords } from '../../src/runs/compare.js';
import { binomial, mcnemarExact, normalUpperTail, pairedBootstrap, passAtK, passHatK, quantileSorted, wilcoxonSignedRank, wilson } from '../../src/runs/stats.js';
import { accuracyOf, passKOf } from '../../src/runs/summary.js';
import type { EpisodeRecord, Outcome } from '../../src/runs/types.js';

const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('Wilson 95% interval matches hand-computed values', () => {
  // 8/10: centre (0.8 + 1.92/10)/(1 + 3.8415/10) = 0.71674, half-width 0.22658
  const w = wilson(8, 10);
  close(w.low, 0.4902);
  close(w.high, 0.9433);
  // 0/10: upper bound z²/(n + z²) = 3.8415/13.8415
  const z = wilson(0, 10);
  assert.equal(z.low, 0);
  close(z.high, 0.27753);
  // 50/100 is symmetric around 0.5
  const h = wilson(50, 100);
  close(h.low, 0.40383);
  close(h.high, 0.59617);
  assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
});

test('unbiased pass@k and pass^k match the combinatorial formulas', () => {
  close(passAtK(5, 2, 2), 1 - binomial(3, 2) / binomial(5, 2)); // 0.7
  close(passAtK(5, 2, 2), 0.7, 1e-12);
  close(passHatK(5, 2, 2), 0.1, 1e-12); // C(2,2)/C(5,2)
  close(passAtK(10, 3, 1), 0.3, 1e-12);
  close(passHatK(10, 3, 1), 0.3, 1e-12);
  assert.equal(passAtK(4, 0, 3), 0);
  assert.equal(passAtK(4, 2, 3), 1); // n − c < k: every 3-subset holds a correct one
  assert.equal(passHatK(4, 2, 3), 0);
  close(passAtK(20, 5, 4), 1 - binomial(15, 4) / binomial(20, 4), 1e-12);
  assert.throws(() => passAtK(2, 1, 3), /at least 3 samples/);
});

test('pass@k over a run averages tasks and skips errored epochs', () => {
  const recs = [
    rec(0, 1, 'correct'), rec(0, 2, 'wrong'), rec(0, 3, 'correct'),
    rec(1, 1, 'wrong'), rec(1, 2, 'wrong'), rec(1, 3, 'error'),
  ];
  const [k1, k2] = passKOf(recs, [1, 2]);
  close(k1.pass_at_k!, (2 / 3 + 0) / 2, 1e-12);
  assert.equal(k2.tasks, 2);
  close(k2.pass_at_k!, (1 - 0 / 3 + 0) / 2, 1e-12); // task 0: 1 − C(1,2)/C(3,2) = 1; task 1 (n=2, c=0) = 0
  close(k2.pass_hat_k!, (1 / 3 + 0) / 2, 1e-12); // task 0: C(2,2)/C(3,2)
});

test('exact McNemar p-values', () => {
  close(mcnemarExact(1, 9), (2 * (1 + 10)) / 1024, 1e-15); // 0.021484375
  close(mcnemarExact(0, 6), 2 / 64, 1e-15);
  assert.equal(mcnemarExact(5, 5), 1);
  assert.equal(mcnemarExact(0, 0), 1);
  // 10 vs 25: 2·P(X ≤ 10), X ~ Bin(35, ½) = 2·Σ C(35,i)/2^35 for i ≤ 10 = 0.0166738
  close(mcnemarExact(10, 25), 0.0166738478, 1e-9);
  // large n does not underflow
  assert.ok(mcnemarExact(400, 600) > 0 && mcnemarExact(400, 600) < 1e-9);
});

test('paired bootstrap: exact on degenerate data, deterministic per seed', () => {
  const same = Array.from({ length: 30 }, (_, i) => ({ cluster: String(i), a: 0, b: 1 }));
  assert.deepEqual(pairedBootstrap(same, { seed: 1, resamples: 500 }), { diff: 1, low: 1, high: 1, resamples: 500 });
  // Two clusters with differences 0 and 1: resampled means are 0, ½, 1 with probability ¼, ½, ¼,
  // so the 2.5% and 97.5% percentiles are 0 and 1.
  const two = [{ cluster: 'x', a: 1, b: 1 }, { cluster: 'y', a: 0, b: 1 }];
  const r = pairedBootstrap(two, { seed: 7, resamples: 4000 });
  assert.equal(r.diff, 0.5);
  assert.equal(r.low, 0);
  assert.equal(r.high, 1);
  const mixed = Array.from({ length: 60 }, (_, i) => ({ cluster: String(i % 20), a: i % 3 === 0 ? 1 : 0, b: i % 2 === 0 ? 1 : 0 }));
  const r1 = pairedBootstrap(mixed, { seed: 42, resamples: 2000 });
  const r2 = pairedBootstrap(mixed, { seed: 42, resamples: 2000 });
  assert.deepEqual(r1, r2);
  assert.ok(r1.low <= r1.diff && r1.diff <= r1.high);
  assert.equal(quantileSorted([0, 10], 0.25), 2.5);
});

test('accuracy excludes errors and ungraded from the denominator', () => {
  const a = accuracyOf([rec(0, 1, 'correct'), rec(1, 1, 'wrong'), rec(2, 1, 'error'), rec(3, 1, 'ungraded'), rec(4, 1, 'correct')]);
  assert.equal(a.episodes, 5);
  assert.equal(a.errors, 1);
  assert.equal(a.ungraded, 1);
  close(a.accuracy!, 2 / 3, 1e-12);
  const w = wilson(2, 3);
  assert.equal(a.ci_low, w.low);
  close(a.mean_reward!, 2 / 3, 1e-12);
});

test('compare pairs by (task, epoch), drops ungraded/error pairs, counts discordance', () => {
  const A = [rec(0, 1, 'correct'), rec(1, 1, 'correct'), rec(2, 1, 'wrong'), rec(3, 1, 'wrong'), rec(4, 1, 'error'), rec(5, 1, 'correct')];
  const B = [rec(0, 1, 'correct'), rec(1, 1, 'wrong'), rec(2, 1, 'correct'), rec(3, 1, 'correct'), rec(4, 1, 'correct'), rec(6, 1, 'correct')];
  const c = compareRecords(A, B, { seed: 3, resamples: 1000 });
  assert.equal(c.pairs, 4);
  assert.equal(c.excluded_not_graded, 1);
  assert.equal(c.only_in_a, 1);
  assert.equal(c.only_in_b, 1);
  assert.equal(c.a_only_correct, 1);
  assert.equal(c.b_only_correct, 2);
  assert.equal(c.diff, 0.25);
  assert.equal(c.mcnemar_p, 1); // 2·P(X ≤ 1 | n=3) = 2·4/8
});

test('Wilcoxon signed-rank: exact small samples and the tie-corrected normal approximation', () => {
  // Hollander & Wolfe's depression scores (R: wilcox.test(x, y, paired = TRUE): V = 40, p = 0.03906)
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const r = wilcoxonSignedRank(x.map((v, i) => v - y[i]));
  assert.equal(r.n, 9);
  assert.equal(r.w_plus, 40);
  assert.ok(Math.abs(r.p - 0.0390625) < 1e-9, String(r.p));
  assert.equal(wilcoxonSignedRank([0, 0, 0]).p, 1);
  assert.ok(Math.abs(normalUpperTail(1.959964) - 0.025) < 1e-6);
  // 40 tied +0.5 gains, 10 tied -0.5 losses: z = (|W+ - 637.5| - 0.5) / sd with the tie term
  const tied = wilcoxonSignedRank([...Array(40).fill(0.5), ...Array(10).fill(-0.5)]);
  const sd = Math.sqrt((50 * 51 * 101) / 24 - (50 ** 3 - 50) / 48);
  assert.equal(tied.w_plus, 40 * 25.5);
  assert.ok(Math.abs(tied.p - 2 * normalUpperTail((40 * 25.5 - 637.5 - 0.5) / sd)) < 1e-12);
});

test('compare by reward: partial credit that pass/fail cannot see, per domain, and warnings for mismatched runs', () => {
  const partial = (task: number, reward: number, domain: string): EpisodeRecord => ({ ...rec(task, 1, 'wrong'), reward, domain });
  const A = Array.from({ length: 30 }, (_, i) => partial(i, 0.25, i % 2 ? 'x' : 'y'));
  const B = Array.from({ length: 30 }, (_, i) => partial(i, 0.75, i % 2 ? 'x' : 'y'));
  const c = compareRecords(A, B, { seed: 1, resamples: 500, runs: [{ env: 'e', split: 'test' }, { env: 'e', split: 'test' }] });
  assert.equal(c.diff, 0, 'accuracy sees no difference');
  assert.equal(c.reward.a_mean, 0.25);
  assert.equal(c.reward.diff, 0.5);
  assert.equal(c.reward.diff_ci_low, 0.5);
  assert.equal(c.reward.b_higher, 30);
  assert.ok(c.reward.wilcoxon_p < 1e-5 && c.reward.sign_test_p < 1e-5);
  assert.equal(c.by_domain.x.b_mean_reward, 0.75);
  assert.equal(c.by_domain.x.reward_diff, 0.5);
  assert.equal(c.by_domain.x.reward_diff_ci_low, 0.5);
  assert.ok(c.by_domain.x.reward_wilcoxon_p < 1e-3, String(c.by_domain.x.reward_wilcoxon_p));
  // a domain where B gains on some tasks and loses on others: an interval across zero, no significance
  const mixedA = Array.from({ length: 20 }, (_, i) => partial(i, 0.5, 'z'));
  const mixedB = Array.from({ length: 20 }, (_, i) => partial(i, i % 2 ? 0.75 : 0.25, 'z'));
  const z = compareRecords(mixedA, mixedB, { seed: 1, resamples: 500 }).by_domain.z;
  assert.equal(z.reward_diff, 0);
  assert.ok(z.reward_diff_ci_low! < 0 && z.reward_diff_ci_high! > 0, JSON.stringify(z));
  assert.ok(z.reward_wilcoxon_p > 0.99, String(z.reward_wilcoxon_p));
  assert.deepEqual(c.warnings, []);
  const mixed = compareRecords(A, B.slice(0, 20), { runs: [{ env: 'e', split: 'test' }, { env: 'f', split: 'train' }] });
  assert.match(mixed.warnings.join('\n'), /different environments \(A: e, B: f\)/);
  assert.match(mixed.warnings.join('\n'), /different splits/);
  assert.match(mixed.warnings.join('\n'), /different task sets/);
  assert.match(compareRecords(A, [], {}).warnings[0], /no finished episodes/);
});

function rec(task: number, epoch: number, outcome: Outcome): EpisodeRecord {
  return {
    type: 'episode', key: `${task}#${epoch}`, run_id: 'r', task_index: task, task_id: `t${task}`, epoch, attempt: 1, split: 'test',
    domain: null, outcome, reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null, end_reason: 'finished', detail: null,
    task: {}, turns: 1, tool_calls: 1, invalid_calls: 0, model_calls: 0,
    usage: { agent: { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 }, judge: { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 } },
    started_at: '', ended_at: '', duration_ms: 0, final_metadata: null, transcript: [],
  };
}
