// Case 1 (oncology-txr1): served instances, reproducible bytes, hidden truth, strict schema, the drug
// scenarios (the code must vary across seeds) and the outcome-driven re-biopsy trap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oncologyTxr1 } from '../../../src/envs/case-studies/oncology-txr1/index.js';
import { drawTruth, NCU_MARGIN_PP, simulateTxr } from '../../../src/envs/case-studies/oncology-txr1/simulator.js';
import { NCU_TOX_WEIGHT } from '../../../src/envs/case-studies/oncology-txr1/model.js';
import { readTable } from '../../../src/envs/case-studies/framework/files.js';
import { tableRecords } from '../../../src/envs/case-studies/framework/tsv.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(oncologyTxr1, { constantPaths: ['dlr1_allele_table.tsv.gz'] });

test('oncology-txr1: answer schema is strict about keys and types', () => {
  const inst = oncologyTxr1.simulate(0, 0);
  checkSchema(oncologyTxr1, { ...inst.truth });
  assert.equal(oncologyTxr1.prompt({ ...inst, bounds: oncologyTxr1.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('oncology-txr1: rubric items are well formed', () => {
  checkRubric(oncologyTxr1);
});

test('oncology-txr1: the therapy code is not constant across seeds, and every truth clears the margin', () => {
  const codes: number[] = [];
  for (let seed = 0; seed < 20; seed++) {
    const { truth } = drawTruth(seed, 0);
    const ncu = truth.net_clinical_utility_pp;
    assert.ok(Math.abs(ncu) >= NCU_MARGIN_PP, `seed ${seed}: |NCU| = ${Math.abs(ncu)} < ${NCU_MARGIN_PP}`);
    assert.ok(Math.abs(ncu - (truth.benefit_rd_pp - NCU_TOX_WEIGHT * truth.toxicity_dropout_risk_pp)) < 1e-9);
    assert.equal(truth.therapy_class_code, ncu > 0 ? 1 : 0);
    codes.push(truth.therapy_class_code);
  }
  const zeros = codes.filter((c) => c === 0).length;
  // About 38% of seeds are code 0 by design; 3..17 of 20 is far outside chance for that share.
  assert.ok(zeros >= 3 && zeros <= 17, `code 0 on ${zeros} of 20 seeds: ${codes.join('')}`);
});

test('oncology-txr1: a strong, tolerable drug is worth it; a weak drug with a toxic regimen is not', () => {
  const good = drawTruth(0, 0, { delta: 2.2, toxShift: 0 }).truth;
  const bad = drawTruth(0, 0, { delta: 1.1, toxShift: 2.4 }).truth;
  assert.equal(good.therapy_class_code, 1);
  assert.equal(bad.therapy_class_code, 0);
  // Same patients: a more toxic regimen raises the toxicity risk and lowers the benefit (toxicity stops).
  assert.ok(bad.toxicity_dropout_risk_pp > good.toxicity_dropout_risk_pp + 30);
  assert.ok(bad.benefit_rd_pp < good.benefit_rd_pp);
});

test('oncology-txr1: post-time-zero re-biopsies follow treatment failure (the acquired-SV trap selects on outcome)', () => {
  const sim = simulateTxr(0, 0, { delta: 1.5, toxShift: 1.5 });
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
  assert.ok(withRebiopsy.length > 300, `only ${withRebiopsy.length} re-biopsied patients`);
  assert.ok(toxShare(withRebiopsy) > 3 * toxShare(without), `toxicity stops: ${toxShare(withRebiopsy)} with a re-biopsy vs ${toxShare(without)} without`);
});
