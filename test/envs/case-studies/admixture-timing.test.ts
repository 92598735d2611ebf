// Case 9 (admixture-timing): served instances, reproducible bytes, hidden truth, strict schema,
// rubric; unit tests of the CTMC likelihood, the pulse-time MLE and each QC repair.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIXTURE_TOLERANCE, admixtureAccept, admixtureTiming, tRelativeTolerance } from '../../../src/envs/case-studies/admixture-timing/index.js';
import { ANC_A, ANC_B, countSwitches, ctmcLogLik, fitPulseTime, flipChromosome, switchRateEstimate, type Haplotype, type Tract } from '../../../src/envs/case-studies/admixture-timing/model.js';
import { cleanHaplotypes, dropAndFill, fixInversions, isFlaggedMicro, REFERENCE_PIPELINE, repairReciprocalSwitches, type PipelineOptions } from '../../../src/envs/case-studies/admixture-timing/reference.js';
import { DESIGN, simulateAdmixture, simulateChromosome } from '../../../src/envs/case-studies/admixture-timing/simulator.js';
import { Rng } from '../../../src/envs/case-studies/framework/prng.js';
import { gzip, readText } from '../../../src/envs/case-studies/framework/gzip.js';
import { loadAdmixture } from '../../../src/envs/case-studies/admixture-timing/io.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(admixtureTiming);

test('admixture-timing: answer schema is strict about keys and types', () => {
  const inst = admixtureTiming.simulate(0, 0);
  checkSchema(admixtureTiming, { ...inst.truth });
  const prompt = admixtureTiming.prompt({ ...inst, bounds: admixtureTiming.bounds(inst.truth) });
  assert.ok(prompt.includes('{"answer"'));
  for (const f of inst.files) assert.ok(prompt.includes(f.path), `prompt does not name ${f.path}`);
});

test('admixture-timing: rubric items are well formed; parent-order consistency check', () => {
  checkRubric(admixtureTiming);
  const [ok] = admixtureTiming.consistency!({ parent1_A_fraction: 0.2, parent1_t: 8, parent2_A_fraction: 0.7, parent2_t: 9 });
  const [bad] = admixtureTiming.consistency!({ parent1_A_fraction: 0.7, parent1_t: 8, parent2_A_fraction: 0.2, parent2_t: 9 });
  assert.equal(ok.ok, true);
  assert.equal(bad.ok, false);
});

const tract = (start: number, end: number, anc: 0 | 1, posterior = 0.985, lowComplexity = 0.05): Tract => ({ start, end, anc, posterior, lowComplexity });

test('CTMC log-likelihood matches a hand computation (switch, censored ends, one gap)', () => {
  // chromosome: A [0, 0.3) | B [0.3, 0.5) | gap [0.5, 0.6) | B [0.6, 1.0)
  const hap: Haplotype = [[tract(0, 0.3, ANC_A), tract(0.3, 0.5, ANC_B), tract(0.6, 1.0, ANC_B)]];
  const t = 10, m = 0.25;
  const qA = t * (1 - m), qB = t * m;
  const expected = Math.log(m) - qA * 0.3 + Math.log(qA) - qB * 0.2 + Math.log(1 - m + m * Math.exp(-t * 0.1)) - qB * 0.4;
  assert.ok(Math.abs(ctmcLogLik(hap, t, m) - expected) < 1e-12);
  // closed form: 1 switch, L = 0.9, L_A = 0.3, L_B = 0.6 → t̂ = 0.9 / (2·0.3·0.6) = 2.5
  assert.ok(Math.abs(switchRateEstimate(hap) - 2.5) < 1e-12);
});

test('pulse-time MLE recovers a known t on simulated single-pulse tracts', () => {
  for (const [t, m] of [[6, 0.2], [10, 0.65], [14, 0.5]] as const) {
    const rng = Rng.from('admixture-timing-test', t);
    // 300 chromosomes of 1 M, each called on [0.02, 0.97] with one gap: ~1,000+ switches.
    const hap: Haplotype = [];
    for (let c = 0; c < 300; c++)
      hap.push(simulateChromosome(rng.split(c), { name: `c${c}`, lengthMorgan: 1, calledStart: 0.02, calledEnd: 0.97, gaps: [[0.5, 0.53]] }, t, m));
    const fit = fitPulseTime(hap);
    assert.ok(Math.abs(fit.t - t) / t < 0.08, `t = ${t}, m = ${m}: MLE ${fit.t}`);
    assert.ok(Math.abs(fit.m - m) < 0.04, `m = ${m}: fraction ${fit.m}`);
    // the likelihood really peaks there
    assert.ok(ctmcLogLik(hap, fit.t, fit.m) > ctmcLogLik(hap, fit.t * 1.1, fit.m));
    assert.ok(ctmcLogLik(hap, fit.t, fit.m) > ctmcLogLik(hap, fit.t * 0.9, fit.m));
  }
});

test('micro-tract filter needs all three flags and fills only between agreeing flanks', () => {
  const micro = (s: number, e: number, anc: 0 | 1) => tract(s, e, anc, 0.7, 0.8);
  const hap: Haplotype = [[
    tract(0, 0.4, ANC_A), micro(0.4, 0.42, ANC_B), tract(0.42, 0.9, ANC_A), // filled: one A tract
    tract(0.9, 0.93, ANC_B, 0.7, 0.1), // short, low posterior, but not low-complexity: kept
    tract(0.93, 1.2, ANC_A), micro(1.2, 1.23, ANC_A), tract(1.23, 1.5, ANC_B), // flanks disagree: uncalled
  ]];
  const { hap: out, dropped, filled } = dropAndFill(hap, isFlaggedMicro);
  assert.equal(dropped, 2);
  assert.equal(filled, 1);
  assert.deepEqual(out[0].map((t) => [t.start, t.end, t.anc]), [[0, 0.9, ANC_A], [0.9, 0.93, ANC_B], [0.93, 1.2, ANC_A], [1.23, 1.5, ANC_B]]);
});

test('reciprocal switch repair restores both haplotypes only for coincident complementary breakpoints', () => {
  const h1: Haplotype = [[tract(0, 0.5, ANC_A), tract(0.5, 0.6, ANC_B), tract(0.6, 1, ANC_A)]];
  const h2: Haplotype = [[tract(0, 0.50004, ANC_B), tract(0.50004, 0.59997, ANC_A), tract(0.59997, 1, ANC_B)]];
  const { haps, repaired } = repairReciprocalSwitches(h1, h2);
  assert.equal(repaired, 1);
  assert.deepEqual(haps[0][0].map((t) => [t.start, t.end, t.anc]), [[0, 1, ANC_A]]);
  assert.deepEqual(haps[1][0].map((t) => [t.start, t.end, t.anc]), [[0, 1, ANC_B]]);
  // breakpoints 0.001 M apart are two real switches, not a phase error
  const h2far: Haplotype = [[tract(0, 0.501, ANC_B), tract(0.501, 0.6, ANC_A), tract(0.6, 1, ANC_B)]];
  assert.equal(repairReciprocalSwitches(h1, h2far).repaired, 0);
});

test('inversion detection flips the planted chromosome and nothing else', () => {
  const sim = simulateAdmixture(3, 0);
  const clean = sim.latent.clean;
  const inv = sim.latent.invertedChromosome;
  const inverted = [flipChromosome(clean[0], inv), flipChromosome(clean[1], inv)] as [Haplotype, Haplotype];
  assert.deepEqual(fixInversions(inverted).flipped, [inv]);
  assert.deepEqual(fixInversions(clean).flipped, []);
  assert.deepEqual(fixInversions(inverted, 'z-score').flipped, [inv]);
  assert.deepEqual(fixInversions(clean, 'z-score').flipped, []);
});

test('single-flag and length-only micro filters drop real short tracts that the combined flag keeps', () => {
  const hap: Haplotype = [[
    tract(0, 0.3, ANC_A), tract(0.3, 0.33, ANC_B, 0.7, 0.1), tract(0.33, 0.6, ANC_A), // real, low posterior only
    tract(0.6, 0.63, ANC_B, 0.985, 0.8), tract(0.63, 0.9, ANC_A), // real, low complexity only
    tract(0.9, 0.93, ANC_B), tract(0.93, 1.2, ANC_A), // real, short, no flag
  ]];
  assert.equal(dropAndFill(hap, isFlaggedMicro).dropped, 0);
  const sim = simulateAdmixture(5, 0);
  const files = new Map(sim.files.map((f) => [f.path, f.data]));
  const data = loadAdmixture(files);
  const switches = (o: Partial<PipelineOptions>) => countSwitches(cleanHaplotypes(data, { ...REFERENCE_PIPELINE, ...o })[0]);
  const ref = switches({});
  assert.equal(ref, countSwitches(sim.latent.clean[0]), 'the reference QC restores the clean switch count of h1');
  for (const microFilter of ['posterior', 'low-complexity', 'length'] as const) assert.ok(switches({ microFilter }) < 0.85 * ref, `${microFilter}-only filter keeps too many real switches`);
  assert.ok(switches({ microFilter: 'none' }) > 1.15 * ref);
  assert.ok(switches({ reciprocalRepair: false }) > 1.1 * ref);
});

test('serving rule: parents must be separable and the inversion identifiable, judged on the data only', () => {
  const inst = { ...admixtureTiming.simulate(0, 0), bounds: {} };
  assert.equal(admixtureAccept(inst), null);
  assert.match(admixtureAccept({ ...inst, meta: { ...inst.meta, inversionEvidence: 2 } })!, /evidence/);
  assert.match(admixtureAccept({ ...inst, truth: { ...inst.truth, parent2_A_fraction: inst.truth.parent1_A_fraction + 0.01 } })!, /apart/);
});

test('malformed inputs give clear errors', () => {
  const inst = admixtureTiming.simulate(0, 0);
  const files = new Map(inst.files.map((f) => [f.path, f.data]));
  const tracts = readText(files.get('tracts.tsv.gz')!);
  const edit = (text: string) => new Map([...files, ['tracts.tsv.gz', gzip(text)]]);
  assert.throws(() => loadAdmixture(new Map([...files].filter(([p]) => p !== 'chromosomes.tsv.gz'))), /missing input file chromosomes\.tsv\.gz/);
  assert.throws(() => loadAdmixture(edit(tracts.replace('\th1\t', '\th3\t'))), /hap must be h1 or h2/);
  assert.throws(() => loadAdmixture(edit(tracts.replace(/\tA\t/, '\tC\t'))), /anc must be A or B/);
  assert.throws(() => loadAdmixture(edit(tracts.replace('chr1\t', 'chrX\t'))), /chromosome chrX is not in chromosomes/);
});

test('pulse times span recent to old admixture; the t window follows the expected switch count', () => {
  const ts = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((seed) => simulateAdmixture(seed, 0).latent.t);
  for (const t of ts) assert.ok(t >= DESIGN.tRange[0] && t <= DESIGN.tRange[1], `t ${t}`);
  assert.ok(Math.max(...ts) / Math.min(...ts) > 5, `pulse times ${ts.map((t) => t.toFixed(0))} are too alike`);
  // few junctions (recent pulse, lopsided fraction) → wide window; many (old pulse) → the floor
  assert.ok(tRelativeTolerance(15, 0.2) > 0.3);
  assert.ok(tRelativeTolerance(60, 0.4) < tRelativeTolerance(20, 0.4));
  assert.equal(tRelativeTolerance(400, 0.5), ADMIXTURE_TOLERANCE.tFloor);
  const truth = { parent1_A_fraction: 0.3, parent1_t: 20, parent2_A_fraction: 0.7, parent2_t: 300 };
  const b = admixtureTiming.bounds(truth);
  assert.ok(b.parent1_t[1] - b.parent1_t[0] > 2 * 0.2 * 20, 'a recent pulse gets a wide relative window');
  assert.ok(Math.abs((b.parent2_t[1] - b.parent2_t[0]) / 600 - ADMIXTURE_TOLERANCE.tFloor) < 1e-12, 'an old pulse gets the floor');
});

test('artifact counts follow the expected switches, so they move t by a similar share for recent and old pulses', () => {
  for (const seed of [0, 1, 2, 3]) {
    const sim = simulateAdmixture(seed, 0);
    const { m, t } = sim.latent;
    const called = Number(sim.meta.calledMorgan);
    const expected = [0, 1].map((p) => 2 * t[p] * m[p] * (1 - m[p]) * called);
    const share = sim.latent.micro.map((n, p) => n / expected[p]);
    for (const x of share) assert.ok(x > 0.15 && x < 0.35, `seed ${seed}: micro-tracts ${x.toFixed(2)} per expected switch`);
  }
});
