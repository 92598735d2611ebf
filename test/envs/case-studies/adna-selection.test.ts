// Case 10 (adna-selection): served instances, reproducible bytes, hidden truth, strict schema, rubric,
// and the Wright–Fisher HMM itself (transition rows, MLE near a known s, a flat likelihood under drift).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adnaSelection } from '../../../src/envs/case-studies/adna-selection/index.js';
import { BandedTransition, FrequencyGrid, fitSelection, logLikelihood, locusModel, selectedFrequency, type DerivedSample } from '../../../src/envs/case-studies/adna-selection/model.js';
import { locusSamples, REFERENCE_OPTIONS } from '../../../src/envs/case-studies/adna-selection/analysis.js';
import { loadAdna } from '../../../src/envs/case-studies/adna-selection/io.js';
import { damageRaisesDerived, simulateAdna, wrightFisher } from '../../../src/envs/case-studies/adna-selection/simulator.js';
import { Rng } from '../../../src/envs/case-studies/framework/prng.js';
import { binomial } from '../../../src/envs/case-studies/framework/samplers.js';
import { filesMap } from '../../../src/envs/case-studies/framework/generate.js';
import type { CaseInstance } from '../../../src/envs/case-studies/types.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(adnaSelection);

test('adna-selection: answer schema is strict about keys and types', () => {
  const inst = adnaSelection.simulate(0, 0);
  checkSchema(adnaSelection, { ...inst.truth });
  const prompt = adnaSelection.prompt({ ...inst, bounds: adnaSelection.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer": {"selected_locus": "A" | "B", "s": <float>}'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
});

test('adna-selection: rubric items are well formed', () => {
  checkRubric(adnaSelection);
});

test('adna-selection: loci.tsv names neither locus: both alt = ancestral with damage raising the derived allele', () => {
  let selectedA = 0;
  for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
    const sim = simulateAdna(seed, 0);
    const { selected, alleles, s } = sim.latent;
    for (const [L, al] of Object.entries(alleles)) {
      assert.equal(al.alt, al.ancestral, `seed ${seed} locus ${L}`);
      assert.ok(damageRaisesDerived(al), `seed ${seed} locus ${L}`);
    }
    assert.equal(sim.truth.selected_locus, selected === 'A' ? 0 : 1);
    const other = selected === 'A' ? 'B' : 'A';
    assert.ok(Math.abs(s[other]) <= 0.5 * s[selected] + 1e-12, `seed ${seed}: other locus s ${s[other]} vs ${s[selected]}`);
    if (selected === 'A') selectedA++;
  }
  assert.ok(selectedA > 0 && selectedA < 8, 'the selected locus is drawn, not fixed');
});

test('adna-selection: accept() rejects a sweep outside the sampled window and realised slopes too close to rank', () => {
  const inst = adnaSelection.simulate(0, 0);
  const L = inst.truth.selected_locus === 0 ? 'A' : 'B';
  const other = L === 'A' ? 'B' : 'A';
  const withWindow = (w: [number, number], slopes = { [L]: 0.05, [other]: 0.02 }): CaseInstance => ({ ...inst, bounds: adnaSelection.bounds(inst.truth), meta: { ...inst.meta, frequencyWindow: { A: [0.5, 0.5], B: [0.5, 0.5], [L]: w }, realisedSlope: slopes } });
  assert.equal(adnaSelection.accept!(withWindow([0.05, 0.9])), null);
  assert.match(String(adnaSelection.accept!(withWindow([0.6, 0.99]))), /does not pass 0\.5/);
  assert.match(String(adnaSelection.accept!(withWindow([0.01, 0.3]))), /does not pass 0\.5/);
  assert.match(String(adnaSelection.accept!(withWindow([0.05, 0.9], { [L]: 0.05, [other]: 0.045 }))), /slopes too close/);
});

test('adna-selection: derived-scale samples flip alt counts and assign the damage direction from the alleles', () => {
  const sim = simulateAdna(3, 0);
  const data = loadAdna(filesMap(sim));
  const L = sim.latent.selected;
  const rec = data.loci[L];
  const smp = locusSamples(rec, REFERENCE_OPTIONS);
  // alt is ancestral here, so derived reads = total − alt, and damage (C→T or G→A) raises the derived reads
  assert.equal(smp[0].derivedReads, rec.totalReads[0] - rec.altReads[0]);
  assert.ok(Math.abs(smp[0].errAncToDer - (2 * rec.seqError[0] - 0.01)) < 1e-12);
  assert.equal(smp[0].errDerToAnc, 0.01);
  const alt = locusSamples(rec, { ...REFERENCE_OPTIONS, scale: 'alt' });
  assert.equal(alt[0].derivedReads, rec.altReads[0]);
  assert.equal(alt[0].errDerToAnc, smp[0].errAncToDer); // same damage, seen from the other allele
  assert.throws(() => loadAdna(new Map([...filesMap(sim)].filter(([p]) => p !== 'loci.tsv.gz'))), /missing file loci\.tsv\.gz/);
});

test('adna-selection HMM: transition rows are distributions that keep the selected mean', () => {
  const grid = new FrequencyGrid(101);
  const T = new BandedTransition(grid, 0.05, 2000);
  for (let i = 0; i < grid.size; i++) {
    let sum = 0, mean = 0;
    for (let k = 0; k < T.len[i]; k++) {
      const v = T.values[T.start[i] + k];
      assert.ok(v >= 0);
      sum += v;
      mean += v * grid.x[T.lo[i] + k];
    }
    assert.ok(Math.abs(sum - 1) < 1e-12, `row ${i} sums to ${sum}`);
    const x = grid.x[i];
    // away from the absorbing ends the interpolated binning keeps E[x'] exactly
    if (x > 0.05 && x < 0.95) assert.ok(Math.abs(mean - selectedFrequency(x, 0.05)) < 1e-9, `row ${i}: mean ${mean}`);
  }
  assert.equal(T.len[0], 1);
  assert.equal(T.values[T.start[0]], 1); // loss absorbs
});

/** Reads every 6 generations from one simulated trajectory (constant N, 1% miscalls each way). */
function simulatedSamples(seed: number, s: number, x0: number, n: number): DerivedSample[] {
  const rng = Rng.from('adna-selection-test', seed);
  const traj = wrightFisher(rng, s, x0, () => n, 180);
  const out: DerivedSample[] = [];
  for (let g = 6; g <= 180; g += 6) {
    const p = traj[g] * 0.99 + (1 - traj[g]) * 0.01;
    out.push({ generation: g, derivedReads: binomial(rng, 300, p), totalReads: 300, errAncToDer: 0.01, errDerToAnc: 0.01 });
  }
  return out;
}

test('adna-selection HMM: the likelihood peaks near the true s of a simulated sweep', () => {
  const model = locusModel(simulatedSamples(11, 0.04, 0.02, 20_000), () => 20_000);
  const fit = fitSelection(model);
  assert.ok(Math.abs(fit.s - 0.04) < 0.006, `ŝ = ${fit.s}`);
  assert.ok(fit.logLik - logLikelihood(model, 0) > 20, 'neutrality not rejected');
  assert.ok(logLikelihood(model, fit.s - 0.02) < fit.logLik && logLikelihood(model, fit.s + 0.02) < fit.logLik);
});

test('adna-selection HMM: with s = 0 the trajectory is explained by drift alone', () => {
  const model = locusModel(simulatedSamples(5, 0, 0.5, 5_000), () => 5_000);
  const fit = fitSelection(model);
  assert.ok(Math.abs(fit.s) < 0.01, `ŝ = ${fit.s}`);
  // likelihood-ratio statistic for s = 0 below the 1% χ²₁ point
  assert.ok(2 * (fit.logLik - logLikelihood(model, 0)) < 6.63);
});
