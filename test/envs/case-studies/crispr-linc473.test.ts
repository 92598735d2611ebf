// Case 2 (crispr-linc473): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crisprLinc473 } from '../../../src/envs/case-studies/crispr-linc473/index.js';
import { checkReproducible, checkRubric, checkSchema, checkServed, checkTruthHidden } from './case-checks.js';

const SEEDS = [0, 1, 2, 3, 4];

for (const seed of SEEDS) {
  test(`crispr-linc473 seed ${seed}: reference passes every field, every naive analysis misses one`, async () => {
    await checkServed(crisprLinc473, seed);
  });
}

test('crispr-linc473: files are byte-reproducible per seed and differ across seeds', () => {
  checkReproducible(crisprLinc473, 7);
});

test('crispr-linc473: truth values never appear in the files', () => {
  for (const seed of [0, 1]) {
    const inst = crisprLinc473.simulate(seed, 0);
    checkTruthHidden(crisprLinc473, inst.files, inst.truth);
  }
});

test('crispr-linc473: answer schema is strict about keys and types', () => {
  const inst = crisprLinc473.simulate(0, 0);
  checkSchema(crisprLinc473, { ...inst.truth });
  assert.equal(crisprLinc473.prompt({ ...inst, bounds: crisprLinc473.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('crispr-linc473: rubric items are well formed', () => {
  checkRubric(crisprLinc473);
});
