// Case 8 (mpp-qtl): served instances, reproducible bytes, hidden truth, strict schema, rubric, and
// the founder HMM itself (a hand-built mosaic recovered, transitions, grid posteriors), the
// orientation check against the simulator's latent swaps, and clear errors on bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mppQtl } from '../../../src/envs/case-studies/mpp-qtl/index.js';
import { runFounderHmm, stayProbability, type ChromosomeMap } from '../../../src/envs/case-studies/mpp-qtl/hmm.js';
import { checkOrientation } from '../../../src/envs/case-studies/mpp-qtl/analysis.js';
import { loadMpp } from '../../../src/envs/case-studies/mpp-qtl/io.js';
import { simulateMppQtl } from '../../../src/envs/case-studies/mpp-qtl/simulator.js';
import { filesMap, generate } from '../../../src/envs/case-studies/framework/generate.js';
import { answerToWire, parseAnswer } from '../../../src/grading/json-answer.js';
import { gradeCase } from '../../../src/grading/tolerance.js';
import { readNpz } from '../../../src/envs/case-studies/framework/npy.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(mppQtl);

test('mpp-qtl: answer schema is strict about keys and types; prompt names files and format', () => {
  const inst = mppQtl.simulate(0, 0);
  checkSchema(mppQtl, { ...inst.truth });
  const prompt = mppQtl.prompt({ ...inst, bounds: mppQtl.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer": {"high_founder": "F1", "qtl_pos_cM": <float>}'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
});

test('mpp-qtl: rubric items are well formed', () => {
  checkRubric(mppQtl);
});

test('mpp-qtl: files have the specified shapes; markers are shuffled out of map order', () => {
  const inst = mppQtl.simulate(3, 0);
  assert.deepEqual(inst.files.map((f) => f.path), ['markers.tsv.gz', 'founders.tsv.gz', 'ril_genotypes.npz', 'phenotypes.tsv.gz']);
  const npz = readNpz(inst.files[2].data);
  assert.equal(npz.genotypes.dtype, 'int8');
  assert.equal(npz.genotypes.shape[0], 500);
  const d = loadMpp(filesMap(inst));
  const values = new Set(d.genotypes);
  assert.deepEqual([...values].sort(), [-1, 0, 1, 2]);
  let inOrder = 0;
  for (let j = 1; j < d.nMarker; j++) if (d.chr[j] === d.chr[j - 1] && d.pos[j] > d.pos[j - 1]) inOrder++;
  assert.ok(inOrder < d.nMarker * 0.7, `markers look sorted (${inOrder} ascending neighbours)`);
  assert.deepEqual([...new Set(d.batch)].sort(), [1, 2, 3, 4]);
});

test('founder HMM: P(same founder) is 1 at distance 0 and tends to 1/8', () => {
  assert.equal(stayProbability(0.07, 0), 1);
  assert.ok(Math.abs(stayProbability(0.07, 1e4) - 1 / 8) < 1e-12);
  assert.ok(Math.abs(stayProbability(0.07, 10) - (1 / 8 + (7 / 8) * Math.exp((-8 / 7) * 0.7))) < 1e-15);
});

test('founder HMM recovers a known mosaic on a small hand-built example', () => {
  // 36 markers 1 cM apart; at marker m founder f carries allele 1 when bit (m mod 3) of f is set,
  // so every run of three markers spells the founder's number in binary.
  const nM = 36;
  const alleles = new Uint8Array(nM * 8);
  for (let m = 0; m < nM; m++) for (let f = 0; f < 8; f++) alleles[m * 8 + f] = (f >> m % 3) & 1;
  const map: ChromosomeMap = { pos: Float64Array.from({ length: nM }, (_, m) => m), alleles };
  const truth = Array.from({ length: nM }, (_, m) => (m < 12 ? 2 : m < 24 ? 5 : 0)); // F3, then F6, then F1
  const geno = Int8Array.from(truth, (f, m) => alleles[m * 8 + f]);
  geno[5] = 1 - geno[5]; // one genotyping error
  geno[17] = -1; // one missing call
  geno[30] = 2; // one heterozygous call
  const { posteriors } = runFounderHmm(map, geno, 1, { rate: 0.07, error: 0.01 }, 'markers');
  for (let m = 0; m < nM; m++) {
    const p = posteriors.probs.subarray(m * 8, m * 8 + 8);
    let best = 0;
    for (let f = 1; f < 8; f++) if (p[f] > p[best]) best = f;
    assert.equal(best, truth[m], `marker ${m}: founder F${best + 1}, expected F${truth[m] + 1}`);
    const mid = m % 12 >= 3 && m % 12 <= 8;
    // mid-segment calls are confident, slightly less so right next to the erroneous call
    const floor = Math.abs(m - 5) <= 2 ? 0.8 : 0.95;
    if (mid) assert.ok(p[truth[m]] > floor, `marker ${m}: posterior ${p[truth[m]]} for the true founder`);
  }
  // grid posteriors: at a marker they equal the marker posterior; between markers they stay in (0, 1) and sum to 1
  const grid = Float64Array.from([6, 6.5, 30.25]);
  const g = runFounderHmm(map, geno, 1, { rate: 0.07, error: 0.01 }, grid).posteriors.probs;
  for (let f = 0; f < 8; f++) assert.ok(Math.abs(g[f] - posteriors.probs[6 * 8 + f]) < 1e-6);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(g.subarray(k * 8, k * 8 + 8).reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.ok(g[8 + 2] > 0.9 && g[8 + 2] > posteriors.probs[6 * 8 + 2], 'between markers 6 and 7 the founder is still F3, more surely away from the error');
  // the leave-one-out check flags the erroneous call most; away from it, calls fit their neighbours
  const c = runFounderHmm(map, geno, 1, { rate: 0.07, error: 0.01 }, new Float64Array(0), true).check!;
  assert.ok(c.mismatch[5] > 0.9);
  for (let m = 0; m < nM; m++) if (m !== 5) assert.ok(c.mismatch[m] < c.mismatch[5], `marker ${m}: mismatch ${c.mismatch[m]}`);
  assert.equal(c.informative[17], 0);
  for (let m = 12; m < nM; m++) if (c.informative[m] && m % 12 >= 3 && m % 12 <= 8) assert.ok(c.mismatch[m] < 0.1, `marker ${m}: mismatch ${c.mismatch[m]}`);
});

test('mpp-qtl design: no founder-private alleles, reversed coding genome-wide (not clustered at the QTL), balanced truths', () => {
  let nearFlipped = 0, near = 0, farFlipped = 0, far = 0;
  const founders = new Array<number>(8).fill(0);
  for (let seed = 0; seed < 16; seed++) {
    const sim = simulateMppQtl(seed, 0);
    const d = loadMpp(filesMap(sim));
    const flipped = new Set(sim.latent.flippedIds);
    founders[sim.truth.high_founder]++;
    for (let j = 0; j < d.nMarker; j++) {
      let k = 0;
      for (let f = 0; f < 8; f++) k += d.founderAlleles[j * 8 + f];
      assert.ok(k >= 2 && k <= 4, `marker ${d.markerIds[j]}: ${k} founders carry allele 1`);
      if (d.chr[j] !== 1) continue;
      const isNear = Math.abs(d.pos[j] - sim.truth.qtl_pos_cM) <= 5;
      const isFlipped = flipped.has(d.markerIds[j]) ? 1 : 0;
      if (isNear) [near, nearFlipped] = [near + 1, nearFlipped + isFlipped];
      else [far, farFlipped] = [far + 1, farFlipped + isFlipped];
    }
  }
  // the share of reversed markers near the QTL is the genome-wide share (binomial noise only)
  const pNear = nearFlipped / near, pFar = farFlipped / far;
  assert.ok(Math.abs(pNear - pFar) < 4 * Math.sqrt(pFar * (1 - pFar) / near), `reversed near the QTL ${pNear.toFixed(2)} vs elsewhere ${pFar.toFixed(2)}`);
  assert.ok(Math.max(...founders) <= 6, `high founder counts over 16 seeds: ${founders}`);
});

test('mpp-qtl accept(): decides on data properties only, with the reason named', () => {
  const inst = mppQtl.simulate(2, 0);
  const base = { ...inst, bounds: mppQtl.bounds(inst.truth) };
  const ok = { qtlLod: 20, founderGapZ: 5, minDistinguishingMarkers: 4, nuisanceLodUnadjusted: 25, qtlLodUnadjusted: 8 };
  assert.equal(mppQtl.accept!({ ...base, meta: { ...inst.meta, ...ok } }), null);
  assert.match(mppQtl.accept!({ ...base, meta: { ...inst.meta, ...ok, qtlLod: 6 } })!, /QTL LOD/);
  assert.match(mppQtl.accept!({ ...base, meta: { ...inst.meta, ...ok, founderGapZ: 1 } })!, /runner-up/);
  assert.match(mppQtl.accept!({ ...base, meta: { ...inst.meta, ...ok, minDistinguishingMarkers: 1 } })!, /tell the high founder/);
  assert.match(mppQtl.accept!({ ...base, meta: { ...inst.meta, ...ok, nuisanceLodUnadjusted: 9 } })!, /nuisance/);
  for (const k of Object.keys(ok)) assert.equal(typeof inst.meta[k], 'number', `meta lacks ${k}`);
});

test('orientation check finds exactly the markers whose coding the simulator swapped', () => {
  for (const seed of [0, 5]) {
    const sim = simulateMppQtl(seed, 0);
    const d = loadMpp(filesMap(sim));
    const o = checkOrientation(d);
    const found = d.markerIds.filter((_, j) => o.flip[j] === 1).sort();
    assert.deepEqual(found, [...sim.latent.flippedIds].sort());
    assert.ok(o.byHmm >= 0 && o.maxMismatchAfter < 0.5);
  }
});

test('mpp-qtl: missing files and unknown ids give clear errors', () => {
  const files = new Map(filesMap(mppQtl.simulate(0, 0)));
  const noPheno = new Map(files);
  noPheno.delete('phenotypes.tsv.gz');
  assert.throws(() => loadMpp(noPheno), /missing file phenotypes\.tsv\.gz/);
  const swapped = new Map(files);
  swapped.set('markers.tsv.gz', files.get('founders.tsv.gz')!);
  assert.throws(() => loadMpp(swapped), /markers\.tsv\.gz has no column chr/);
});

test('mpp-qtl: the reference answer written as an agent would ("F3", not 2) grades as a pass; a naive one fails', async () => {
  const inst = await generate(mppQtl, 11);
  const files = filesMap(inst);
  const wire = answerToWire(mppQtl.answerSchema, await mppQtl.reference(files));
  assert.match(String(wire.high_founder), /^F[1-8]$/);
  const ok = parseAnswer(JSON.stringify({ answer: wire, reasoning: 'founder HMM, batch-adjusted Haley-Knott scan' }), mppQtl.answerSchema);
  assert.equal(ok.status, 'strict');
  assert.equal(gradeCase(ok, inst.bounds).pass, true);
  const naive = answerToWire(mppQtl.answerSchema, await mppQtl.naive[0].analyse(files));
  assert.equal(gradeCase(parseAnswer(JSON.stringify({ answer: naive, reasoning: '' }), mppQtl.answerSchema), inst.bounds).pass, false);
});
