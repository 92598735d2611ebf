// Case 6 (nested-sv-locusq): served instances, reproducible bytes, hidden truth, strict schema,
// rubric, and unit checks of the model pieces (weighted logistic, NB regression, depth calibration).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptLocusQ, nestedSvLocusQ, locusQConsistency } from '../../../src/envs/case-studies/nested-sv-locusq/index.js';
import { calibrateDepth, design, hardCopies, negativeBinomialRegression, posteriorCopies, weightedLogistic } from '../../../src/envs/case-studies/nested-sv-locusq/model.js';
import { simulateLocusQ } from '../../../src/envs/case-studies/nested-sv-locusq/simulator.js';
import { loadLocusQ } from '../../../src/envs/case-studies/nested-sv-locusq/io.js';
import { Rng } from '../../../src/envs/case-studies/framework/prng.js';
import { negativeBinomial, normal } from '../../../src/envs/case-studies/framework/samplers.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

// Test seeds 0-4 (served under the accept rule): reference passes, every realistic mistake fails,
// the best constant (8 served train truths) fails; reproducible bytes; truth never in the files.
standardCaseTests(nestedSvLocusQ, { constantTrainSeeds: 8 });

test('nested-sv-locusq: effects and batch scales vary per instance; code balanced; accept reads the panel design', () => {
  const sims = [0, 1, 2, 3].map((s) => simulateLocusQ(s, 0));
  const codes = sims.map((x) => x.truth.target_support_code);
  assert.ok(codes.includes(0) && codes.includes(1), `codes ${codes}`);
  const lor = sims.map((x) => x.latent.betaB);
  assert.ok(lor.some((b) => b > 0) && lor.some((b) => b < 0));
  for (const x of sims) {
    assert.ok(Math.abs(x.latent.betaB) >= 0.4 && Math.abs(x.latent.betaB) <= 2.1);
    assert.ok(Math.max(...x.latent.seqScale) - Math.min(...x.latent.seqScale) >= 0.2, 'batch scales must differ');
  }
  const inst = { ...nestedSvLocusQ.simulate(0, 0), bounds: {} };
  assert.equal(acceptLocusQ(inst), null);
  assert.match(acceptLocusQ({ ...inst, meta: { reliable_panel_per_batch: [90, 90, 3, 90, 90, 90] } })!, /SB3/);
});

test('nested-sv-locusq: answer schema is strict about keys and types', () => {
  const inst = nestedSvLocusQ.simulate(0, 0);
  checkSchema(nestedSvLocusQ, { ...inst.truth });
  assert.equal(nestedSvLocusQ.prompt({ ...inst, bounds: nestedSvLocusQ.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('nested-sv-locusq: rubric items are well formed', () => {
  checkRubric(nestedSvLocusQ);
});

test('nested-sv-locusq: the carrier count is exact and the files match the declared design', () => {
  const sim = simulateLocusQ(3, 0);
  const d = loadLocusQ(new Map(sim.files.map((f) => [f.path, f.data])));
  assert.equal(d.cohort.id.length, 24_000);
  assert.equal(d.panel.length, 925);
  assert.equal(new Set(d.panel.map((r) => r.sample)).size, 900);
  assert.equal(d.expression.length, 5000 * 3);
  // Independent recount straight from the rows.
  const carriers = new Set(d.panel.filter((r) => r.pass && r.concordant && r.copies > 0).map((r) => r.sample));
  assert.equal(sim.truth.n_calibrated_carriers, carriers.size);
  assert.equal(Number.isInteger(sim.truth.n_calibrated_carriers), true);
  assert.ok(d.panel.filter((r) => r.copies > 0).length > carriers.size, 'counting every row must overcount');
  // Segment B is nested: no reliable call has more copies than inverted haplotypes.
  for (const r of d.panel) assert.ok(r.copies <= 2 * r.outer, `${r.sample}: ${r.copies} copies on ${r.outer} inverted haplotypes`);
  // Weights reproduce the source population size.
  const total = d.cohort.weight.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 800_000) < 1e-6 * 800_000, `weights sum to ${total}`);
});

test('nested-sv-locusq: support code consistency follows the rule on the reported numbers', () => {
  assert.equal(locusQConsistency({ target_support_code: 1, expression_log_fc: 0.3, subhap_log_or: -0.4 })[0].ok, true);
  assert.equal(locusQConsistency({ target_support_code: 1, expression_log_fc: 0.3, subhap_log_or: 0.1 })[0].ok, false);
  assert.equal(locusQConsistency({ target_support_code: 0, expression_log_fc: -0.3, subhap_log_or: -0.4 })[0].ok, true);
  assert.equal(locusQConsistency({ target_support_code: 0, expression_log_fc: null, subhap_log_or: -0.4 })[0].ok, false);
});

test('weightedLogistic: recovers a known slope, and frequency weights equal replicated rows', () => {
  const rng = Rng.from('test', 'logistic');
  const n = 4000;
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = normal(rng);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-(-0.5 + 0.8 * x[i]))) ? 1 : 0;
  }
  const fit = weightedLogistic(design([x]), y);
  assert.ok(Math.abs(fit.coef[1] - 0.8) < 4 * fit.se[1], `slope ${fit.coef[1]} ± ${fit.se[1]}`);
  // Weight 2 on every row gives the same point estimate as duplicating the data.
  const w2 = weightedLogistic(design([x]), y, new Float64Array(n).fill(2));
  const dup = weightedLogistic(design([Float64Array.from([...x, ...x])]), Float64Array.from([...y, ...y]));
  assert.ok(Math.abs(w2.coef[1] - dup.coef[1]) < 1e-8);
  // Tiny hand-checkable case: one binary covariate, log-OR = log((3/1)/(1/3)) = log 9.
  const tiny = weightedLogistic(design([[0, 0, 0, 0, 1, 1, 1, 1]]), [1, 0, 0, 0, 1, 1, 1, 0]);
  assert.ok(Math.abs(tiny.coef[1] - Math.log(9)) < 1e-6, `tiny log-OR ${tiny.coef[1]}`);
  assert.throws(() => weightedLogistic(design([x, x]), y), /rank deficient/);
});

test('negativeBinomialRegression: recovers a log fold-change and the dispersion', () => {
  const rng = Rng.from('test', 'nb');
  const n = 3000;
  const x = new Float64Array(n), y = new Float64Array(n), off = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.below(3);
    off[i] = Math.log(rng.uniformRange(1e6, 3e6));
    y[i] = negativeBinomial(rng, Math.exp(off[i] - 8 + 0.3 * x[i]), 10);
  }
  const fit = negativeBinomialRegression(design([x]), y, off);
  assert.ok(Math.abs(fit.coef[1] - 0.3) < 4 * fit.se[1], `log-FC ${fit.coef[1]} ± ${fit.se[1]}`);
  assert.ok(fit.theta > 7 && fit.theta < 14, `theta ${fit.theta}`);
});

test('depth calibration: per-batch scale, posterior copies near the true states', () => {
  const batch = ['A', 'A', 'A', 'B', 'B', 'B'];
  const copies = [0, 1, 2, 0, 1, 2];
  const ratio = copies.map((c, i) => (batch[i] === 'A' ? 0.9 : 1.1) * (1 + 0.5 * c));
  const cal = calibrateDepth(batch, ratio, copies);
  assert.ok(Math.abs(cal.scale.get('A')! - 0.9) < 1e-12 && Math.abs(cal.scale.get('B')! - 1.1) < 1e-12);
  const calNoisy = { scale: cal.scale, sigma: 0.07 };
  // 1.35 in batch A is one copy (0.9 × 1.5); in batch B it is closer to 0 copies (1.1) than to 1 (1.65).
  assert.deepEqual([...hardCopies(calNoisy, ['A', 'B'], [1.35, 1.2])], [1, 0]);
  const post = posteriorCopies(calNoisy, ['A', 'B'], [1.35, 1.375], [0.2, 0.2, 0.2, 0.2, 0.2]);
  assert.ok(Math.abs(post[0] - 1) < 1e-6, `posterior ${post[0]}`);
  assert.ok(Math.abs(post[1] - 0.5) < 1e-6, `midpoint posterior ${post[1]}`); // 1.375 = midway between 1.1 and 1.65
});
