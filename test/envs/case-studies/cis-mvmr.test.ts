// Case 3 (cis-mvmr): on served test instances the reference passes, every realistic mistake and the
// best constant fail; reproducible bytes, hidden truth, strict schema; the serving rule reads only
// the data's power; the factorised pleiotropy scan agrees with refitting every candidate.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cisMvmr } from '../../../src/envs/case-studies/cis-mvmr/index.js';
import { gls } from '../../../src/envs/case-studies/cis-mvmr/reference.js';
import { expectedInstruments } from '../../../src/envs/case-studies/cis-mvmr/simulator.js';
import { simulateInstance } from '../../../src/envs/case-studies/framework/generate.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(cisMvmr);

test('cis-mvmr: answer schema is strict about keys and types', () => {
  const inst = cisMvmr.simulate(0, 0);
  checkSchema(cisMvmr, { ...inst.truth });
  assert.equal(cisMvmr.prompt({ ...inst, bounds: cisMvmr.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('cis-mvmr: rubric items are well formed', () => {
  checkRubric(cisMvmr);
});

test('cis-mvmr: the serving rule counts expected instruments from the design, not from an analysis', () => {
  // Two independent SNPs with expected |z| 10 and 3, one perfect proxy of the first: one instrument.
  const R = [
    [1, 0, 1],
    [0, 1, 0],
    [1, 0, 1],
  ];
  assert.equal(expectedInstruments([0.1, 0.03, 0.1], [0, 0, 0], R, 10_000, 5.2), 1);
  assert.equal(expectedInstruments([0.1, 0.06, 0.1], [0, 0, 0], R, 10_000, 5.2), 2);
  const inst = simulateInstance(cisMvmr, 3, 0);
  assert.equal(cisMvmr.accept!(inst), null);
  assert.match(cisMvmr.accept!({ ...inst, meta: { ...inst.meta, replication_expected_instruments: 2 } }) ?? '', /expected to yield 2/);
});

test('cis-mvmr: GLS on a whitened factor matches the normal equations; θB is not a point mass', () => {
  // GLS against the closed form (X'Σ⁻¹X)⁻¹X'Σ⁻¹y for a diagonal Σ.
  const X = [[1, 0.2], [0.5, 1], [0.3, 0.4], [1, 1]];
  const y = [1.1, 0.9, 0.5, 2.2];
  const se = [1, 2, 1, 0.5];
  const I = X.map((_, i) => X.map((__, k) => (i === k ? 1 : 0)));
  const fit = gls(X, y, se, I, 0);
  const w = se.map((s) => 1 / s ** 2);
  const a = [0, 1].map((p) => [0, 1].map((q) => X.reduce((s, r, i) => s + w[i] * r[p] * r[q], 0)));
  const b = [0, 1].map((p) => X.reduce((s, r, i) => s + w[i] * r[p] * y[i], 0));
  const det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
  assert.ok(Math.abs(fit.coef[0] - (a[1][1] * b[0] - a[0][1] * b[1]) / det) < 1e-9);
  assert.ok(Math.abs(fit.coef[1] - (a[0][0] * b[1] - a[1][0] * b[0]) / det) < 1e-9);
  const thetaB = [0, 1, 2, 3, 4, 5].map((s) => cisMvmr.simulate(s, 0).truth.theta_PROTB);
  assert.ok(thetaB.every((t) => t !== 0));
  assert.ok(new Set(thetaB.map((t) => Math.sign(t))).size === 2, 'θB takes both signs');
});
