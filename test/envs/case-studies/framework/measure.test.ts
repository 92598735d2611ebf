import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselineTruths, bestConstant, modeOf, priorDraw, testSeeds, trainConstant, trainSeeds } from '../../../../src/envs/case-studies/framework/baselines.js';
import { acceptInstance, generate, simulateInstance } from '../../../../src/envs/case-studies/framework/generate.js';
import { gradeAnswer, gradeResponse, responseText } from '../../../../src/envs/case-studies/framework/grade.js';
import { gradeFixed, measureCase, passRate, quantile, summarise, summaryLine } from '../../../../src/envs/case-studies/framework/measure.js';
import type { CaseStudy } from '../../../../src/envs/case-studies/types.js';
import { exampleLinear } from '../fixtures/example-linear.js';

test('accept rule: first sub-seed whose data it approves, no analysis runs, rejections recorded', async () => {
  let analysed = 0;
  const cs: CaseStudy = {
    ...exampleLinear,
    reference: () => {
      analysed++;
      throw new Error('must not run at open');
    },
    // reject sub-seeds 0 and 1 by a data property only
    accept: (inst) => (inst.subSeed < 2 ? `sub-seed ${inst.subSeed} underpowered` : null),
  };
  const inst = await generate(cs, 4);
  assert.equal(inst.rule, 'accept');
  assert.equal(inst.subSeed, 2);
  assert.equal(inst.attempts, 3);
  assert.deepEqual(inst.rejections.map((r) => r.reason), ['sub-seed 0 underpowered', 'sub-seed 1 underpowered']);
  assert.equal(analysed, 0);
  assert.deepEqual(inst.files, simulateInstance(cs, 4, 2).files);
  // a case without accept keeps the legacy rule
  assert.equal((await generate(exampleLinear, 4)).rule, 'legacy');
  // a rule that returns nonsense or throws is reported as a bug, not as a rejection
  await assert.rejects(generate({ ...cs, accept: () => 42 as unknown as null }, 1), /must return null or a non-empty reason/);
  await assert.rejects(generate({ ...cs, accept: () => { throw new Error('boom'); } }, 1), /accept\(\) threw: boom/);
  assert.throws(() => acceptInstance(exampleLinear, simulateInstance(exampleLinear, 0, 0)), /no accept rule/);
});

test('gradeResponse is the submit path: strict, repaired with penalty, binary default, consistency hook', () => {
  const inst = simulateInstance(exampleLinear, 0, 0);
  const good = { slope: inst.truth.slope, n_used: inst.truth.n_used };
  const ok = gradeAnswer(exampleLinear, inst.bounds, good);
  assert.equal(ok.grade.pass, true);
  assert.equal(ok.grade.reward, 1);
  assert.equal(ok.grade.consistency.length, 1);
  const half = gradeAnswer(exampleLinear, inst.bounds, { ...good, slope: 99 });
  assert.equal(half.grade.reward, 0, 'binary by default');
  assert.ok(Math.abs(gradeAnswer(exampleLinear, inst.bounds, { ...good, slope: 99 }, { reward: 'fraction' }).grade.reward - 2 / 3) < 1e-12);
  const fenced = gradeResponse(exampleLinear, inst.bounds, '```\n' + responseText(exampleLinear, good) + '\n```', { reward: 'fraction' });
  assert.equal(fenced.parsed.status, 'repaired');
  assert.ok(Math.abs(fenced.grade.reward - 0.9) < 1e-12);
  // the consistency hook counts: n_used beyond the table fails even when inside its bounds
  const wide = { ...inst.bounds, n_used: [0, 1e6] as [number, number] };
  assert.equal(gradeAnswer(exampleLinear, wide, { ...good, n_used: 500 }).grade.pass, false);
  // non-finite numbers are abstentions, not crashes
  assert.equal(gradeAnswer(exampleLinear, inst.bounds, { ...good, slope: NaN }).grade.fields[0].outcome, 'abstained');
  const v = gradeFixed(exampleLinear, inst.bounds, { ...good, slope: 99 });
  assert.deepEqual(v.failed, ['slope']);
  assert.ok(Math.abs(v.fractionReward - 2 / 3) < 1e-12);
});

test('baselines: median for floats, mode for codes, prior draws from the truths, seeds of the splits', async () => {
  const truths = [
    { slope: 1, n_used: 3 },
    { slope: 5, n_used: 3 },
    { slope: 2, n_used: 4 },
    { slope: 9, n_used: 4 },
    { slope: 3, n_used: 3 },
  ];
  assert.deepEqual(bestConstant(exampleLinear, truths), { slope: 3, n_used: 3 });
  assert.deepEqual(modeOf([2, 1, 2, 1]), { value: 1, share: 0.5 });
  const draws = Array.from({ length: 200 }, (_, s) => priorDraw(exampleLinear, truths, s));
  assert.ok(draws.every((d) => truths.some((t) => t.slope === d.slope) && truths.some((t) => t.n_used === d.n_used)));
  assert.ok(new Set(draws.map((d) => d.slope)).size === 5, 'every truth value is drawn');
  assert.deepEqual(priorDraw(exampleLinear, truths, 7), priorDraw(exampleLinear, truths, 7));
  assert.deepEqual(trainSeeds(2), [0, 1]);
  assert.deepEqual(testSeeds(2), [1_000_000_000, 1_000_000_001]);
  const c = await trainConstant(exampleLinear, 6);
  assert.equal(c.n_used, 190);
  assert.equal(await trainConstant(exampleLinear, 6), c);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  // baseline truths: served ones under accept(), sub-seed 0 under the legacy rule (no analyses)
  const picky: typeof exampleLinear = { ...exampleLinear, accept: (i) => (i.subSeed === 0 ? 'rejected' : null) };
  assert.deepEqual(await baselineTruths(picky, [3]), [simulateInstance(picky, 3, 1).truth]);
  const throwing: typeof exampleLinear = { ...exampleLinear, reference: () => { throw new Error('not at baseline time'); } };
  assert.deepEqual(await baselineTruths(throwing, [3]), [simulateInstance(exampleLinear, 3, 0).truth]);
});

test('measureCase: trap matrix, alternatives, baselines and truth spread through the grading path', async () => {
  const cs: CaseStudy = {
    ...exampleLinear,
    accept: () => null,
    alternatives: [{ name: 'same_as_reference', choice: 'identical', analyse: exampleLinear.reference }],
    metadataGuesses: [{ name: 'row_count', analyse: () => ({ slope: 1, n_used: 200 }) }],
  };
  const m = await measureCase(cs, { testSeeds: testSeeds(12), trainSeeds: trainSeeds(12), timeOpen: (seed) => generate(cs, seed), timeOpenSeeds: 2 });
  const row = (name: string) => m.rows.find((r) => r.name === name)!;
  assert.equal(m.rule, 'accept');
  assert.equal(m.served, 12);
  assert.equal(m.rejected, 0);
  assert.equal(passRate(row('reference')), 1);
  assert.equal(passRate(row('all_rows')), 0);
  assert.equal(passRate(row('counts_all_rows')), 0);
  assert.equal(passRate(row('same_as_reference')), 1);
  assert.equal(passRate(row('row_count')), 0);
  // n_used is always 190: the constant gets it, the slope (spread ~0.29, ±0.15) mostly not
  assert.equal(row('best constant').fieldMisses.n_used ?? 0, 0);
  const slope = m.fields.find((f) => f.key === 'slope')!;
  assert.ok(slope.truthSd > 0.15 && slope.truthSd < 0.5, String(slope.truthSd));
  assert.ok(Math.abs(slope.halfWidth - 0.15) < 1e-9);
  // constant half-width: the per-instance RMS is the pooled RMSE over that half-width
  assert.ok(Math.abs(slope.refRmsePerHalfWidth - slope.refRmse / 0.15) < 1e-9);
  assert.equal(m.fields.find((f) => f.key === 'n_used')!.modeShare, 1, 'a point mass is reported');
  assert.equal(row("another instance's reference answer").n, 12);
  assert.equal(m.openMs.length, 12);
  assert.equal(m.openViaWorkerMs.length, 2);
  const s = summarise(m);
  assert.equal(s.worstMistake!.pass, 0);
  assert.match(summaryLine(s), /example-linear \(accept rule, 12 served\): reference pass 100.0%/);
});
