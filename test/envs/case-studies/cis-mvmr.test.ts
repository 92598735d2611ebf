// Case 3 (cis-mvmr): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cisMvmr } from '../../../src/envs/case-studies/cis-mvmr/index.js';
import { checkReproducible, checkRubric, checkSchema, checkServed, checkTruthHidden } from './case-checks.js';

const SEEDS = [0, 1, 2, 3, 4];

for (const seed of SEEDS) {
  test(`cis-mvmr seed ${seed}: reference passes every field, every naive analysis misses one`, async () => {
    await checkServed(cisMvmr, seed);
  });
}

test('cis-mvmr: files are byte-reproducible per seed and differ across seeds', () => {
  checkReproducible(cisMvmr, 7);
});

test('cis-mvmr: truth values never appear in the files', () => {
  for (const seed of [0, 1]) {
    const inst = cisMvmr.simulate(seed, 0);
    checkTruthHidden(cisMvmr, inst.files, inst.truth);
  }
});

test('cis-mvmr: answer schema is strict about keys and types', () => {
  const inst = cisMvmr.simulate(0, 0);
  checkSchema(cisMvmr, { ...inst.truth });
  assert.equal(cisMvmr.prompt({ ...inst, bounds: cisMvmr.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('cis-mvmr: rubric items are well formed', () => {
  checkRubric(cisMvmr);
});
