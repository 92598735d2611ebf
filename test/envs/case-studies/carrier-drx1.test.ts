// Case 4 (carrier-drx1): served instances, reproducible bytes, hidden truth, strict schema, rubric,
// plus unit checks of the model pieces (analytic SNV sensitivity, Rogan–Gladen, dosage calibration,
// founder collapse) on small hand-checkable inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptCarrier, carrierConsistency, carrierDrx1 } from '../../../src/envs/case-studies/carrier-drx1/index.js';
import { CF0_ANCESTRY_SPREAD, CF0_RANGE, TEMPLATE_PARAMS, carrierProbability, detectionRate, drawParams, snvCalled, snvSensitivity } from '../../../src/envs/case-studies/carrier-drx1/model.js';
import { Rng } from '../../../src/envs/case-studies/framework/prng.js';
import { REFERENCE_OPTIONS, callSamples, dosageModels, roganGladen } from '../../../src/envs/case-studies/carrier-drx1/reference.js';
import { loadCarrier } from '../../../src/envs/case-studies/carrier-drx1/io.js';
import { gzip } from '../../../src/envs/case-studies/framework/gzip.js';
import { filesMap } from '../../../src/envs/case-studies/framework/generate.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

// Test seeds 0-4: reference passes, every realistic mistake fails, the best constant (8 served
// train truths, enough for a median) fails; reproducible bytes; truth never in the files.
standardCaseTests(carrierDrx1, { constantPaths: ['target_metadata.tsv.gz'], constantTrainSeeds: 8 });

test('carrier-drx1: population parameters vary per instance; acceptance reads only the design', () => {
  const a = drawParams(Rng.from('carrier-drx1', 1, 0).split('params'));
  const b = drawParams(Rng.from('carrier-drx1', 2, 0).split('params'));
  assert.notEqual(a.pop.AFR.cf0, b.pop.AFR.cf0);
  assert.notEqual(a.pop.AFR.shares.silent, b.pop.AFR.shares.silent);
  for (const p of [a, b]) {
    assert.ok(p.pop.AFR.cf0 >= CF0_RANGE[0] * Math.exp(-CF0_ANCESTRY_SPREAD) && p.pop.AFR.cf0 <= CF0_RANGE[1] * Math.exp(CF0_ANCESTRY_SPREAD));
    assert.ok(Math.abs(p.partnerAncestry.reduce((s, x) => s + x, 0) - 1) < 1e-12);
  }
  const inst = { ...carrierDrx1.simulate(0, 0), bounds: {} };
  assert.equal(acceptCarrier({ ...inst, meta: { partnersTestedByAncestry: { AFR: 500, EUR: 500, EAS: 100, OTH: 100 } } }), null);
  assert.match(acceptCarrier({ ...inst, meta: { partnersTestedByAncestry: { AFR: 500, EUR: 500, EAS: 3, OTH: 100 } } })!, /EAS/);
});

test('carrier-drx1: answer schema is strict about keys and types; prompt names files and format', () => {
  const inst = carrierDrx1.simulate(0, 0);
  checkSchema(carrierDrx1, { ...inst.truth });
  const prompt = carrierDrx1.prompt({ ...inst, bounds: carrierDrx1.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer"'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
  for (const k of Object.keys(carrierDrx1.answerSchema.properties)) assert.ok(prompt.includes(k), `prompt lacks ${k}`);
});

test('carrier-drx1: rubric items are well formed', () => {
  checkRubric(carrierDrx1);
});

test('carrier-drx1: consistency check wants couple = residual × partner / 4', () => {
  assert.equal(carrierConsistency({ residual_carrier_risk_afr_negative: 0.01, partner_carrier_frequency_full_roster: 0.04, couple_reproductive_risk: 0.0001 })[0].ok, true);
  assert.equal(carrierConsistency({ residual_carrier_risk_afr_negative: 0.01, partner_carrier_frequency_full_roster: 0.04, couple_reproductive_risk: 0.0004 })[0].ok, false);
  assert.equal(carrierConsistency({ residual_carrier_risk_afr_negative: null, partner_carrier_frequency_full_roster: 0.04, couple_reproductive_risk: 0.0001 })[0].ok, false);
});

test('carrier-drx1 model: tier odds, SNV sensitivity and detection rates', () => {
  // Odds ×4 at tier 2: p0 = 1/45 → odds 1/44 → 4/44 → p = 4/48.
  assert.ok(Math.abs(carrierProbability(TEMPLATE_PARAMS, 'AFR', 2) - 4 / 48) < 1e-12);
  // With λ → small the call rule (≥ 4 alt reads) almost never fires; at 45 reads it almost always does.
  assert.ok(snvSensitivity(2) < 0.05);
  assert.ok(snvSensitivity(45) > 0.999);
  assert.equal(snvCalled(4, 20), true);
  assert.equal(snvCalled(4, 21), false); // 4/21 < 0.2
  assert.equal(snvCalled(3, 5), false);
  // Silent carriers dominate the AFR miss rate: DR ≈ 1 − 0.30; EUR ≈ 1 − 0.04.
  assert.ok(Math.abs(detectionRate(TEMPLATE_PARAMS, 'AFR') - 0.7) < 0.01);
  assert.ok(Math.abs(detectionRate(TEMPLATE_PARAMS, 'EUR') - 0.96) < 0.01);
});

test('carrier-drx1 reference: Rogan–Gladen inverts q = DR·p + FPR·(1 − p), clamped to [0, 1]', () => {
  const perf = { dr: 0.7, fpr: 0.01 };
  const p = 0.03;
  assert.ok(Math.abs(roganGladen(perf.dr * p + perf.fpr * (1 - p), perf) - p) < 1e-12);
  assert.equal(roganGladen(0.001, perf), 0);
});

/** A tiny hand-made instance: 2 AFR controls (CN 1 and CN 2), 3 screening samples. */
function tinyFiles(): ReadonlyMap<string, Uint8Array> {
  const tsv = (rows: string[][]) => gzip(rows.map((r) => r.join('\t')).join('\n') + '\n');
  const targets = [
    ['target_id', 'target_type', 'hgvs', 'founder_haplotype', 'paralog_specific', 'classification'],
    ['T01', 'CN_exon7', 'x', '', '1', 'copy_number'],
    ['T03', 'SNV', 'a', 'FH1', '1', 'pathogenic'],
    ['T04', 'INDEL', 'b', 'FH1', '1', 'pathogenic'],
    ['T06', 'SNV', 'c', '', '0', 'pathogenic'],
  ];
  const obs = [['sample_id', 'target_id', 'depth_ratio', 'alt_reads', 'total_reads', 'specific_alt_reads', 'specific_total_reads', 'qc_flag']];
  const sample = (id: string, depth: string, founder: boolean, pseudoAlt: number, qc = 'PASS') => {
    obs.push([id, 'T01', depth, '', '300', '', '', qc]);
    obs.push([id, 'T03', '', founder ? '20' : '0', '40', founder ? '20' : '0', '40', qc]);
    obs.push([id, 'T04', '', founder ? '19' : '0', '40', founder ? '19' : '0', '40', qc]);
    obs.push([id, 'T06', '', String(pseudoAlt), '80', '0', '25', qc]);
  };
  sample('C1', '0.44', false, 0);
  sample('C2', '0.86', false, 0);
  sample('S1', '0.70', false, 0); // above 0.75 × 0.87 ≈ 0.65: two copies after calibration, a deletion at the nominal 0.75
  sample('S2', '0.88', true, 0); // founder haplotype: three findings, one person
  sample('S3', '0.90', false, 20); // DRX1P variant: alt reads only in the all-read counts
  return new Map([
    ['target_metadata.tsv.gz', tsv(targets)],
    ['assay_observations.tsv.gz', tsv(obs)],
    ['cohort_roster.tsv.gz', tsv([['sample_id', 'collection', 'ancestry', 'family_history_tier'], ['S1', 'screening', 'AFR', '0'], ['S2', 'screening', 'AFR', '0'], ['S3', 'screening', 'AFR', '0']])],
    ['partner_roster.tsv.gz', tsv([['partner_id', 'ancestry', 'family_history_tier', 'tested', 'sample_id'], ['PR_1', 'AFR', '0', '0', '']])],
    ['calibration_controls.tsv.gz', tsv([['sample_id', 'ancestry', 'truth_configuration', 'truth_carrier', 'truth_method'], ['C1', 'AFR', '1+0', '1', 'm'], ['C2', 'AFR', '1+1', '0', 'm']])],
  ]);
}

test('carrier-drx1 reference: dosage calibration, founder collapse and paralog-specific reads on a tiny input', () => {
  const d = loadCarrier(tinyFiles());
  // Least squares through the origin: (0.5·0.44 + 1·0.86) / (0.25 + 1) = 0.864.
  assert.ok(Math.abs(dosageModels(d, 'ancestry').get('AFR')!.scale - 0.864) < 1e-12);
  const anc = new Map(['C1', 'C2', 'S1', 'S2', 'S3'].map((id) => [id, 'AFR']));
  const at = (calls: Float64Array, id: string) => calls[d.assay.index.get(id)!];
  const ref = callSamples(d, REFERENCE_OPTIONS, anc).calls;
  assert.deepEqual(['C1', 'C2', 'S1', 'S2', 'S3'].map((id) => at(ref, id)), [1, 0, 0, 1, 0]);
  assert.equal(at(callSamples(d, { ...REFERENCE_OPTIONS, dosage: 'nominal' }, anc).calls, 'S1'), 1);
  assert.equal(at(callSamples(d, { ...REFERENCE_OPTIONS, collapse: false }, anc).calls, 'S2'), 2);
  assert.equal(at(callSamples(d, { ...REFERENCE_OPTIONS, reads: 'total' }, anc).calls, 'S3'), 1);
});

test('carrier-drx1 io: bad input gets a clear error', () => {
  const files = new Map(tinyFiles());
  files.delete('partner_roster.tsv.gz');
  assert.throws(() => carrierDrx1.reference(files), /missing file partner_roster/);
  const bad = new Map(tinyFiles());
  bad.set('assay_observations.tsv.gz', gzip('sample_id\ttarget_id\tdepth_ratio\talt_reads\ttotal_reads\tspecific_alt_reads\tspecific_total_reads\tqc_flag\nC1\tT01\tabc\t\t1\t\t\tPASS\n'));
  assert.throws(() => carrierDrx1.reference(bad), /not a number/);
});

test('carrier-drx1: meta carries no answer values', () => {
  const inst = carrierDrx1.simulate(3, 0);
  const text = JSON.stringify(inst.meta);
  for (const v of Object.values(inst.truth)) assert.ok(!text.includes(String(v)));
  assert.ok(filesMap(inst).size === 5);
});
