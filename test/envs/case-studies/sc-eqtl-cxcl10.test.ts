// Case 5 (sc-eqtl-cxcl10): served instances, reproducible bytes, hidden truth, strict schema, rubric,
// and unit checks of the model pieces on small hand-checkable inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzip, gzip } from '../../../src/envs/case-studies/framework/gzip.js';
import { scEqtlAccept, scEqtlCxcl10 } from '../../../src/envs/case-studies/sc-eqtl-cxcl10/index.js';
import { loadScData } from '../../../src/envs/case-studies/sc-eqtl-cxcl10/io.js';
import { ambientPerDroplet, fitDonorLogLinear, fitDonorNb, fitDonorPoissonLognormal, gaussianMixture2, laneContamination, markerFraction, soupProfiles } from '../../../src/envs/case-studies/sc-eqtl-cxcl10/model.js';
import { callCells, REFERENCE_PIPELINE } from '../../../src/envs/case-studies/sc-eqtl-cxcl10/reference.js';
import { G, GENES, gi, simulateScEqtl } from '../../../src/envs/case-studies/sc-eqtl-cxcl10/simulator.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(scEqtlCxcl10, { constantTrainSeeds: 12 });

test('sc-eqtl-cxcl10: answer schema is strict about keys and types', () => {
  const inst = scEqtlCxcl10.simulate(0, 0);
  checkSchema(scEqtlCxcl10, { ...inst.truth });
  const prompt = scEqtlCxcl10.prompt({ ...inst, bounds: scEqtlCxcl10.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer": {"beta_activated"'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
});

test('sc-eqtl-cxcl10: rubric items are well formed', () => {
  checkRubric(scEqtlCxcl10);
  assert.ok((scEqtlCxcl10.redFlags ?? []).some((r) => r.id === 'cells_as_replicates'));
});

test('sc-eqtl-cxcl10: file columns follow the task preview', () => {
  const inst = scEqtlCxcl10.simulate(3, 0);
  const header = (path: string) => new TextDecoder().decode(gunzip(inst.files.find((f) => f.path === path)!.data)).split('\n', 1)[0].split('\t');
  assert.deepEqual(header('cell_counts.tsv.gz').slice(0, 6), ['cell_id', 'donor', 'total_umi', 'HBB', 'IFI6', 'ISG15']);
  assert.equal(header('cell_counts.tsv.gz').at(-1), 'CXCL10');
  assert.deepEqual(header('donors.tsv.gz'), ['donor', 'lane', 'sex', 'age', 'rs_cxcl10_alt_dosage', 'effect_allele', 'other_allele']);
  assert.deepEqual(header('empty_droplets.tsv.gz').slice(0, 3), ['lane', 'barcode', 'total_umi']);
});

// ---- model pieces on tiny inputs ----

/** A three-file data set: two lanes, two donors, given cell and empty-droplet rows. */
function tinyFiles(cells: [string, number, Partial<Record<string, number>>][], empties: [string, number, Partial<Record<string, number>>][]) {
  const row = (counts: Partial<Record<string, number>>) => GENES.map((g) => counts[g] ?? 0).join('\t');
  const cellText = ['cell_id\tdonor\ttotal_umi\t' + GENES.join('\t'), ...cells.map(([d, n, c], i) => `${d}_C${i}\t${d}\t${n}\t${row(c)}`)].join('\n') + '\n';
  const emptyText = ['lane\tbarcode\ttotal_umi\t' + GENES.join('\t'), ...empties.map(([l, n, c], i) => `${l}\tE${i}\t${n}\t${row(c)}`)].join('\n') + '\n';
  const donorText = 'donor\tlane\tsex\tage\trs_cxcl10_alt_dosage\teffect_allele\tother_allele\nD01\tL01\tF\t40\t0\tT\tC\nD02\tL02\tM\t50\t2\tT\tC\n';
  return new Map([
    ['cell_counts.tsv.gz', gzip(cellText)],
    ['donors.tsv.gz', gzip(donorText)],
    ['empty_droplets.tsv.gz', gzip(emptyText)],
  ]);
}

test('soup, contamination and corrected marker fraction match a hand calculation', () => {
  // Lane L01 soup: HBB 10/100 = 0.1, IFI6 20/100 = 0.2. Cell of 1000 UMIs with 20 HBB → ρ = 20/(1000·0.1) = 0.2.
  const files = tinyFiles(
    [['D01', 1000, { HBB: 20, IFI6: 90 }], ['D02', 500, { HBB: 0, IFI6: 5 }]],
    [['L01', 60, { HBB: 6, IFI6: 12 }], ['L01', 40, { HBB: 4, IFI6: 8 }], ['L02', 100, { HBB: 5 }]],
  );
  const d = loadScData(files);
  const soup = soupProfiles(d.empties, 2);
  assert.ok(Math.abs(soup[0][gi('HBB')] - 0.1) < 1e-12 && Math.abs(soup[0][gi('IFI6')] - 0.2) < 1e-12);
  const rho = laneContamination(d.cells, soup);
  assert.ok(Math.abs(rho[0] - 0.2) < 1e-12, `rho ${rho[0]}`);
  assert.equal(rho[1], 0);
  // own IFI6 fraction: (90 − 0.2·1000·0.2) / (0.8·1000) = 50/800
  const f = markerFraction(d.cells, soup, Float64Array.from([rho[0], rho[1]]), ['IFI6']);
  assert.ok(Math.abs(f[0] - 50 / 800) < 1e-12, `fraction ${f[0]}`);
  // ambient UMIs per droplet: 20 HBB over 1 cell droplet × soup 0.1 = 200 (ρ = 200/1000 for this cell)
  const amb = ambientPerDroplet(d.cells, soup);
  assert.ok(Math.abs(amb[0] - 200) < 1e-9, `ambient ${amb[0]}`);
  assert.equal(G, GENES.length);
});

test('readers reject a cell whose donor is not in donors.tsv.gz', () => {
  const files = tinyFiles([['D09', 1000, {}]], [['L01', 100, { HBB: 1 }]]);
  assert.throws(() => loadScData(files), /donor D09 .* not in donors/);
});

test('two-component mixture separates two clear groups', () => {
  const x: number[] = [];
  for (let i = 0; i < 300; i++) x.push(((i % 17) - 8) * 0.01); // around 0
  for (let i = 0; i < 100; i++) x.push(1 + ((i % 13) - 6) * 0.01); // around 1
  const m = gaussianMixture2([x]);
  assert.ok(Math.abs(m.mean[0][0]) < 0.02 && Math.abs(m.mean[1][0] - 1) < 0.02, JSON.stringify(m.mean));
  assert.ok(Math.abs(m.weight[1] - 0.25) < 0.01);
  assert.ok(m.posterior.slice(0, 300).every((p) => p < 0.01) && m.posterior.slice(300).every((p) => p > 0.99));
});

test('donor NB model recovers a known per-allele effect with an ambient offset', () => {
  // y_d = ambient_d + exp(μ + β g_d)·S_d exactly (with a small deterministic donor wobble): β = 0.4.
  const D = 40, beta = 0.4, mu = Math.log(0.006);
  const g = Array.from({ length: D }, (_, d) => d % 3);
  const exposure = Float64Array.from({ length: D }, (_, d) => 40_000 + 1000 * (d % 7));
  const ambient = Float64Array.from({ length: D }, (_, d) => 20 + 5 * (d % 4));
  const wobble = (d: number) => [0.05, -0.05, 0.03, -0.03, 0][d % 5];
  const y = Float64Array.from({ length: D }, (_, d) => Math.round(ambient[d] + Math.exp(mu + beta * g[d] + wobble(d)) * exposure[d]));
  const fit = fitDonorNb({ y, ambient, exposure, cells: new Int32Array(D).fill(50) }, g);
  assert.ok(Math.abs(fit.beta - beta) < 0.02, `beta ${fit.beta}`);
  // ignoring the ambient offset inflates low-expression donors and shrinks the slope
  const naive = fitDonorNb({ y, ambient: new Float64Array(D), exposure, cells: new Int32Array(D).fill(50) }, g);
  assert.ok(naive.beta < fit.beta - 0.01, `naive ${naive.beta} vs ${fit.beta}`);
  const pln = fitDonorPoissonLognormal({ y, ambient, exposure, cells: new Int32Array(D).fill(50) }, g);
  assert.ok(Math.abs(pln.beta - beta) < 0.02, `Poisson-lognormal beta ${pln.beta}`);
  const ll = fitDonorLogLinear({ y, ambient, exposure, cells: new Int32Array(D).fill(50) }, g);
  assert.ok(Math.abs(ll.beta - beta) < 0.02, `log-linear beta ${ll.beta}`);
  // lane fixed effects: a lane offset that tracks dosage is absorbed, the within-lane slope stays
  const lane = Int32Array.from({ length: D }, (_, d) => d % 8);
  const yLane = Float64Array.from(y, (v, d) => Math.round(ambient[d] + (v - ambient[d]) * Math.exp(0.3 * (lane[d] % 2))));
  const fe = fitDonorLogLinear({ y: yLane, ambient, exposure, cells: new Int32Array(D).fill(50) }, g, lane);
  assert.ok(Math.abs(fe.beta - beta) < 0.03, `lane fixed-effect beta ${fe.beta}`);
});

test('planted trap: raw-marker calls mislabel small resting cells of dirty lanes, per-cell corrected calls do not', () => {
  const sim = simulateScEqtl(0, 0);
  const files = new Map(sim.files.map((f) => [f.path, f.data]));
  const data = loadScData(files);
  const truth = sim.latent.cells.activated;
  const corrected = callCells(data).activated;
  const raw = callCells(data, { ...REFERENCE_PIPELINE, correctMarkers: false }).activated;
  const laneFraction = callCells(data, { ...REFERENCE_PIPELINE, ambient: 'lane_fraction' }).activated;
  // resting cells of the three dirtiest lanes, called activated (lanes sort in simulator order)
  const dirty = new Set(sim.latent.laneRho.map((r, l) => [r, l]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, l]) => l));
  let resting = 0;
  const fp = { raw: 0, laneFraction: 0, corrected: 0 };
  for (let i = 0; i < truth.length; i++)
    if (dirty.has(data.cells.lane[i]) && !truth[i]) {
      resting++;
      fp.raw += raw[i];
      fp.laneFraction += laneFraction[i];
      fp.corrected += corrected[i];
    }
  assert.ok(fp.raw / resting > 0.08, `raw calls: ${fp.raw} of ${resting} resting cells called activated`);
  assert.ok(fp.laneFraction / resting > 0.08, `lane-fraction calls: ${fp.laneFraction} of ${resting} resting cells called activated`);
  assert.ok(fp.corrected / resting < 0.02, `corrected calls: ${fp.corrected} of ${resting} resting cells called activated`);
  const errorRate = (calls: Uint8Array) => calls.reduce((a, c, i) => a + (c !== truth[i] ? 1 : 0), 0) / calls.length;
  assert.ok(errorRate(corrected) < 0.03, `corrected calls error ${errorRate(corrected)}`);
  // dirty lanes carry more effect alleles than clean ones (the lane–genotype confounding)
  const lanes = sim.latent.laneRho.map((rho, l) => ({ rho, alt: sim.latent.genotype.reduce((a, g, d) => a + (sim.latent.donorLane[d] === l ? g : 0), 0) }));
  lanes.sort((a, b) => b.rho - a.rho);
  const altTop = lanes.slice(0, 4).reduce((a, l) => a + l.alt, 0), altBottom = lanes.slice(-4).reduce((a, l) => a + l.alt, 0);
  assert.ok(altTop > altBottom, `alt alleles in the 4 dirtiest lanes ${altTop} vs cleanest ${altBottom}`);
});

test('accept() rejects instances whose dosage slope is barely identifiable, on data properties only', () => {
  const inst = scEqtlCxcl10.simulate(0, 0);
  const served = { ...inst, bounds: scEqtlCxcl10.bounds(inst.truth) };
  const withMeta = (m: Record<string, unknown>) => ({ ...served, meta: { ...served.meta, ...m } });
  assert.equal(scEqtlAccept(withMeta({ genotypeCounts: [30, 25, 5], dosageSumSquares: 25, activatedCellsMin: 20 })), null);
  assert.match(scEqtlAccept(withMeta({ genotypeCounts: [35, 23, 2], dosageSumSquares: 25, activatedCellsMin: 20 }))!, /homozygous/);
  assert.match(scEqtlAccept(withMeta({ genotypeCounts: [30, 25, 5], dosageSumSquares: 12, activatedCellsMin: 20 }))!, /sum of squares/);
  assert.match(scEqtlAccept(withMeta({ genotypeCounts: [30, 25, 5], dosageSumSquares: 25, activatedCellsMin: 3 }))!, /activated cells/);
  // the simulator reports the properties accept() reads
  assert.equal((inst.meta.genotypeCounts as number[]).reduce((a, b) => a + b, 0), 60);
});
