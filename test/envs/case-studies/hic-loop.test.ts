// Case 7 (hic-loop): served instances, reproducible bytes, hidden truth, strict schema, rubric,
// plus the model pieces: ICE balancing, the distance expected, SV segment filling and the
// placement of the artifact layers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hicAccept, hicConsistency, hicLoop } from '../../../src/envs/case-studies/hic-loop/index.js';
import { distanceExpected, iceBalance, sinkhornBalance } from '../../../src/envs/case-studies/hic-loop/pipeline.js';
import { detectSvBins, fillGaps } from '../../../src/envs/case-studies/hic-loop/reference.js';
import { coarsen2, simulateHic, svBlock } from '../../../src/envs/case-studies/hic-loop/simulator.js';
import { loadHic } from '../../../src/envs/case-studies/hic-loop/io.js';
import { SAMPLES } from '../../../src/envs/case-studies/hic-loop/layout.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

const SEEDS = [0, 1, 2, 3, 4];

standardCaseTests(hicLoop);

test('hic-loop: answer schema is strict about keys and types; prompt names files and format', () => {
  const inst = hicLoop.simulate(0, 0);
  checkSchema(hicLoop, { ...inst.truth });
  const prompt = hicLoop.prompt({ ...inst, bounds: hicLoop.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer"'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
});

test('hic-loop: rubric items and red flags are well formed', () => {
  checkRubric(hicLoop);
  assert.ok((hicLoop.redFlags ?? []).length >= 1);
  for (const r of hicLoop.redFlags ?? []) for (const p of r.patterns ?? []) assert.doesNotThrow(() => new RegExp(p, 'i'));
  const flagged = (text: string) => (hicLoop.redFlags ?? []).some((r) => (r.patterns ?? []).some((p) => new RegExp(p, 'i').test(text)));
  assert.ok(flagged('I used the 40 kb matrix for the loop'));
  assert.ok(flagged('The loop strength was read from the 40kb matrix.'));
  assert.ok(!flagged('I did not use the 40 kb matrix; bins 8 and 17 are 20 kb ids.'));
  assert.ok(!flagged('Loop strength computed on the 20 kb matrix after masking.'));
});

test('hic-loop: consistency check wants delta = case − control', () => {
  assert.equal(hicConsistency({ case_loop_strength: 1.2, control_loop_strength: 0.5, delta_loop_strength: 0.7 })[0].ok, true);
  assert.equal(hicConsistency({ case_loop_strength: 1.2, control_loop_strength: 0.5, delta_loop_strength: 0.5 })[0].ok, false);
  assert.equal(hicConsistency({ case_loop_strength: 1.2, control_loop_strength: null, delta_loop_strength: 0.7 })[0].ok, false);
});

test('ICE: a small biased matrix balances to equal row sums and recovers the unbiased pattern', () => {
  // Circulant kernel K (every row sums to the same value) distorted by biases b_i·b_j.
  const n = 6;
  const kernel = [0, 4, 2, 1, 2, 4];
  const b = [0.5, 1, 2, 1.5, 0.8, 1.2];
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = b[i] * b[j] * kernel[(j - i + n) % n];
  const { balanced, valid } = iceBalance(m, n, new Uint8Array(n).fill(1), { ignoreDiags: 0 });
  assert.deepEqual([...valid], [1, 1, 1, 1, 1, 1]);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += balanced[i * n + j];
    assert.ok(Math.abs(s - 1) < 1e-9, `row ${i} sums to ${s}`);
    // K's rows sum to 13, so the balanced matrix is K / 13 exactly.
    for (let j = 0; j < n; j++) assert.ok(Math.abs(balanced[i * n + j] - kernel[(j - i + n) % n] / 13) < 1e-9);
  }
});

test('ICE: masked bins and ignored diagonals are zeroed; the remaining rows still sum to 1', () => {
  const n = 5;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = 1 + ((i * 7 + j * 7 + i * j) % 5);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[i * n + j] = m[j * n + i]; // symmetric
  const mask = Uint8Array.from([1, 1, 0, 1, 1]);
  const { balanced } = iceBalance(m, n, mask, { ignoreDiags: 1 });
  for (let i = 0; i < n; i++) {
    assert.equal(balanced[i * n + i], 0);
    assert.equal(balanced[2 * n + i], 0);
    assert.equal(balanced[i * n + 2], 0);
    if (i === 2) continue;
    let s = 0;
    for (let j = 0; j < n; j++) s += balanced[i * n + j];
    assert.ok(Math.abs(s - 1) < 1e-9, `row ${i} sums to ${s}`);
  }
  assert.throws(() => iceBalance(Float64Array.from([0, -1, -1, 0]), 2, [1, 1], { ignoreDiags: 1 }), /non-negative/);
});

test('ICE absorbs a row-multiplicative stripe (why the planted SV is a non-separable block)', () => {
  const n = 12;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (Math.abs(i - j) + 0.5) ** -1.05;
  const striped = Float64Array.from(m);
  for (let j = 0; j < n; j++) {
    striped[5 * n + j] *= 3;
    striped[j * n + 5] *= 3;
  }
  const all = new Uint8Array(n).fill(1);
  const a = iceBalance(m, n, all).balanced;
  const s = iceBalance(striped, n, all).balanced;
  for (let k = 0; k < n * n; k++) assert.ok(Math.abs(a[k] - s[k]) < 1e-9);
});

test('distance expected: mean over valid pairs at each distance', () => {
  const n = 4;
  const m = Float64Array.from([0, 1, 2, 3, 1, 0, 5, 6, 2, 5, 0, 7, 3, 6, 7, 0]);
  const e = distanceExpected(m, n, [1, 1, 1, 1], 1);
  assert.deepEqual([...e].slice(1), [(1 + 5 + 7) / 3, (2 + 6) / 2, 3]);
  const masked = distanceExpected(m, n, [1, 0, 1, 1], 1);
  assert.deepEqual([...masked].slice(1), [7, 2, 3]);
});

test('SV segment: short gaps between flagged bins are filled, distant bins are not joined', () => {
  assert.deepEqual(fillGaps([10, 11, 12, 13, 15, 16], 2), [10, 11, 12, 13, 14, 15, 16]);
  assert.deepEqual(fillGaps([3, 9], 2), [3, 9]);
  assert.deepEqual(fillGaps([], 2), []);
});

test('simulator: artifacts sit only on masked pixels; 40 kb = 2 × 2 sums of 20 kb', () => {
  const sim = simulateHic(3, 0);
  const { params, clean, observed, svBins } = sim.latent;
  const n = 80;
  const lowMap = new Set(params.lowMapBins);
  assert.ok(lowMap.size >= 6);
  for (const b of lowMap) assert.ok(params.mappability[b] < 0.5);
  const sv = svBlock(params.svStart);
  for (const s of SAMPLES) {
    let extra = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const d = observed[s.name][i * n + j] - clean[s.name][i * n + j];
        if (d === 0) continue;
        extra += d;
        const pileup = lowMap.has(i) || lowMap.has(j);
        const block = s.condition === 'case' && ((sv.rows.includes(i) && sv.cols.includes(j)) || (sv.rows.includes(j) && sv.cols.includes(i)));
        assert.ok(pileup || block, `${s.name}: artifact at unmasked pixel (${i}, ${j})`);
        if (block) assert.ok(svBins.includes(i) && svBins.includes(j));
      }
    assert.ok(extra > 0, `${s.name} has no artifacts`);
  }
  const files = new Map(sim.files.map((f) => [f.path, f.data]));
  const h20 = loadHic(files, '20kb');
  const h40 = loadHic(files, '40kb');
  assert.deepEqual([...h40.matrices.case_rep1], [...coarsen2(h20.matrices.case_rep1, n)]);
  assert.equal(h20.bins.start[8], 560_000);
});

test('low-mappability rows are depleted, not piled up: their coverage is a fraction of a typical row', () => {
  const sim = simulateHic(5, 0);
  const { params, observed } = sim.latent;
  const n = 80;
  const m = observed.control_rep1;
  const rowSum = (i: number, lo: number, hi: number) => {
    let s = 0;
    for (let j = 0; j < n; j++) if (Math.abs(i - j) >= lo && Math.abs(i - j) <= hi) s += m[i * n + j];
    return s;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const good = [...Array(n).keys()].filter((i) => params.mappability[i] >= 0.5);
  const typical = median(good.map((i) => rowSum(i, 2, n)));
  const typicalShort = median(good.map((i) => rowSum(i, 2, 4)));
  for (const i of params.lowMapBins) assert.ok(rowSum(i, 2, 4) < 0.4 * typicalShort, `bin ${i}: short-range ${rowSum(i, 2, 4)} vs typical ${typicalShort}`);
  assert.ok(median(params.lowMapBins.map((i) => rowSum(i, 2, n))) < 0.5 * typical);
  // and no single pixel of theirs stands out from the rest of the matrix at its distance
  for (const i of params.lowMapBins)
    for (let j = 0; j < n; j++) {
      const d = Math.abs(i - j);
      if (d < 2) continue;
      let max = 0;
      for (let k = 0; k + d < n; k++) if (!params.lowMapBins.includes(k) && !params.lowMapBins.includes(k + d)) max = Math.max(max, m[k * n + k + d]);
      assert.ok(m[i * n + j] <= 1.5 * max + 10, `pixel (${i}, ${j}) = ${m[i * n + j]} stands out (max elsewhere ${max})`);
    }
});

test('loop strengths are drawn per instance: case and control vary and delta takes both signs', () => {
  const truths = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => simulateHic(s, 0).truth);
  const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - xs.reduce((b, y) => b + y, 0) / xs.length) ** 2, 0) / xs.length);
  assert.ok(sd(truths.map((t) => t.case_loop_strength)) > 0.3);
  assert.ok(sd(truths.map((t) => t.control_loop_strength)) > 0.3);
  assert.ok(truths.some((t) => t.delta_loop_strength > 0) && truths.some((t) => t.delta_loop_strength < 0));
});

test('Sinkhorn square-root balancing reaches the same balanced matrix as ICE', () => {
  const sim = simulateHic(2, 0);
  const n = 80;
  const mask = Uint8Array.from(sim.latent.params.mappability, (m) => (m >= 0.5 ? 1 : 0));
  const a = iceBalance(sim.latent.clean.case_rep1, n, mask).balanced;
  const b = sinkhornBalance(sim.latent.clean.case_rep1, n, mask).balanced;
  for (let k = 0; k < n * n; k++) assert.ok(Math.abs(a[k] - b[k]) <= 1e-8 * Math.max(1e-6, a[k]) + 1e-14, `pixel ${k}: ${a[k]} vs ${b[k]}`);
});

test('distance expected: the median variant is the per-distance median', () => {
  const n = 4;
  const m = Float64Array.from([0, 1, 2, 3, 1, 0, 5, 6, 2, 5, 0, 7, 3, 6, 7, 0]);
  assert.deepEqual([...distanceExpected(m, n, [1, 1, 1, 1], 1, 'median')].slice(1), [5, (2 + 6) / 2, 3]);
});

test('serving rule: an SV too faint to detect is rejected, judged on the generating parameters', () => {
  const inst = { ...hicLoop.simulate(0, 0), bounds: {} };
  assert.equal(hicAccept(inst), null);
  assert.match(hicAccept({ ...inst, meta: { ...inst.meta, svEctopicMin: 10 } })!, /ectopic/);
});

test('SV scan recovers exactly the planted segment (seeds 0–4)', () => {
  for (const seed of SEEDS) {
    const sim = simulateHic(seed, 0);
    const data = loadHic(new Map(sim.files.map((f) => [f.path, f.data])), '20kb');
    const mask = Uint8Array.from(data.bins.mappability, (m) => (m >= 0.5 ? 1 : 0));
    assert.deepEqual(detectSvBins(data, mask), sim.latent.svBins, `seed ${seed}`);
  }
});
