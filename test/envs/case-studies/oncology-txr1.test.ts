// Case 1 (oncology-txr1): on served instances the reference passes, every realistic mistake of the trap
// matrix fails, the best constant fails; reproducible bytes, hidden truth, strict schema; the drug
// scenarios (the code varies across seeds), the data-only serving rule and the decoy mechanisms the
// mistakes rely on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oncologyTxr1 } from '../../../src/envs/case-studies/oncology-txr1/index.js';
import { drawTruth, NCU_MARGIN_PP, simulateTxr } from '../../../src/envs/case-studies/oncology-txr1/simulator.js';
import { NCU_TOX_WEIGHT } from '../../../src/envs/case-studies/oncology-txr1/model.js';
import { loadTxr, REFERENCE_TARGETING, targetPopulation } from '../../../src/envs/case-studies/oncology-txr1/reference.js';
import { readTable } from '../../../src/envs/case-studies/framework/files.js';
import { tableRecords } from '../../../src/envs/case-studies/framework/tsv.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

const cs = oncologyTxr1;

// Test seeds 0–4: reference passes, every realistic mistake fails, the best constant (from 8 served
// train truths, to keep the file short) fails; byte reproducibility; no truth in the files.
standardCaseTests(cs, { constantPaths: ['dlr1_allele_table.tsv.gz'], constantTrainSeeds: 8 });

test('oncology-txr1: answer schema is strict; rubric well formed', () => {
  const inst = cs.simulate(0, 0);
  checkSchema(cs, { ...inst.truth });
  assert.equal(cs.prompt({ ...inst, bounds: cs.bounds(inst.truth) }).includes('{"answer"'), true);
  checkRubric(cs);
});

test('oncology-txr1: the code varies across seeds, every truth clears the margin, the truths spread wide', () => {
  const codes: number[] = [];
  const benefit: number[] = [];
  const toxicity: number[] = [];
  for (let seed = 0; seed < 20; seed++) {
    const { truth } = drawTruth(seed, 0);
    const ncu = truth.net_clinical_utility_pp;
    assert.ok(Math.abs(ncu) >= NCU_MARGIN_PP, `seed ${seed}: |NCU| = ${Math.abs(ncu)} < ${NCU_MARGIN_PP}`);
    assert.ok(Math.abs(ncu - (truth.benefit_rd_pp - NCU_TOX_WEIGHT * truth.toxicity_dropout_risk_pp)) < 1e-9);
    assert.equal(truth.therapy_class_code, ncu > 0 ? 1 : 0);
    codes.push(truth.therapy_class_code);
    benefit.push(truth.benefit_rd_pp);
    toxicity.push(truth.toxicity_dropout_risk_pp);
  }
  // A drug worse than the comparator on some seeds, a large benefit on others; tolerable to very toxic.
  assert.ok(Math.min(...benefit) < 0 && Math.max(...benefit) > 40, `benefit RD ${Math.min(...benefit).toFixed(1)}..${Math.max(...benefit).toFixed(1)} pp`);
  assert.ok(Math.min(...toxicity) < 40 && Math.max(...toxicity) > 80, `toxicity ${Math.min(...toxicity).toFixed(1)}..${Math.max(...toxicity).toFixed(1)}%`);
  const zeros = codes.filter((c) => c === 0).length;
  assert.ok(zeros >= 4 && zeros <= 16, `code 0 on ${zeros} of 20 seeds: ${codes.join('')}`);
});

test('oncology-txr1: the serving rule reads only a data check stored by the simulator', () => {
  const inst = { ...cs.simulate(0, 0), bounds: {} };
  assert.equal(cs.accept!(inst), null);
  assert.match(String(cs.accept!({ ...inst, meta: { ...inst.meta, data_check: 'target subgroup too small' } })), /too small/);
  assert.notEqual(cs.accept!({ ...inst, meta: {} }), null, 'a missing data check must not be accepted');
});

test('oncology-txr1: each decoy class survives exactly the filter that is skipped', () => {
  const sim = simulateTxr(3, 0);
  const files = new Map(sim.files.map((f) => [f.path, f.data]));
  const estimand = new Set(sim.latent.estimandIds);
  const called = (opts: Partial<typeof REFERENCE_TARGETING>) => targetPopulation(loadTxr(files, { ...REFERENCE_TARGETING, ...opts }), opts.eligibleOnly ?? true);
  const ref = called({});
  const refTp = ref.filter((r) => estimand.has(r.id)).length;
  assert.ok(refTp >= 0.93 * estimand.size && ref.length - refTp <= 0.03 * ref.length, `reference call: ${refTp} of ${estimand.size} targets, ${ref.length - refTp} false`);
  const extra = (opts: Partial<typeof REFERENCE_TARGETING>, cls: RegExp) => {
    const ids = called(opts).filter((r) => !estimand.has(r.id)).map((r) => sim.latent.decoys[r.id]);
    return { n: ids.length, share: ids.filter((d) => cls.test(d)).length / Math.max(1, ids.length) };
  };
  // Minimum extra patients (share of the reference call) and the decoy class they must belong to.
  for (const [opts, cls, min] of [
    [{ germlineFilter: false }, /del5/, 0.1],
    [{ expressionConfirm: false }, /pass/, 0.1],
    [{ requireSv: false }, /amp|del5/, 0.1],
    [{ eligibleOnly: false }, /inel/, 0.1],
    [{ sampleQc: false }, /lq/, 0.03],
  ] as const) {
    const e = extra(opts, cls);
    assert.ok(e.n >= min * ref.length && e.share >= 0.8, `${JSON.stringify(opts)}: ${e.n} extra patients, ${(100 * e.share).toFixed(0)}% of the expected decoy class`);
  }
});

test('oncology-txr1: post-time-zero re-biopsies follow treatment failure (the acquired-SV trap selects on outcome)', () => {
  const sim = simulateTxr(0, 0, { comparator: 0, delta: 2, deltaOther: -2, toxShift: 1.2 });
  const files = new Map(sim.files.map((f) => [f.path, f.data]));
  const registry = tableRecords(readTable(files, 'registry.tsv.gz'));
  const t0 = new Map(registry.map((r) => [r.patient_id, Number(r.time_zero_day)]));
  const rebiopsied = new Set(
    tableRecords(readTable(files, 'tumor_samples.tsv.gz'))
      .filter((s) => Number(s.collection_day) > t0.get(s.patient_id)!)
      .map((s) => s.patient_id),
  );
  const toxShare = (rows: typeof registry) => rows.filter((r) => r.tox_stop_8wk === '1').length / rows.length;
  const withRebiopsy = registry.filter((r) => rebiopsied.has(r.patient_id));
  const without = registry.filter((r) => !rebiopsied.has(r.patient_id));
  assert.ok(toxShare(withRebiopsy) > 3 * toxShare(without), `toxicity stops: ${toxShare(withRebiopsy)} with a re-biopsy vs ${toxShare(without)} without`);
});
