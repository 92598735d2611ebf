// Case 1 (oncology-txr1): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oncologyTxr1 } from '../../../src/envs/case-studies/oncology-txr1/index.js';
import { checkReproducible, checkRubric, checkSchema, checkServed, checkTruthHidden } from './case-checks.js';

const SEEDS = [0, 1, 2, 3, 4];

for (const seed of SEEDS) {
  test(`oncology-txr1 seed ${seed}: reference passes every field, every naive analysis misses one`, async () => {
    await checkServed(oncologyTxr1, seed);
  });
}

test('oncology-txr1: files are byte-reproducible per seed and differ across seeds', () => {
  checkReproducible(oncologyTxr1, 7, ['dlr1_allele_table.tsv.gz']);
});

test('oncology-txr1: truth values never appear in the files', () => {
  for (const seed of [0, 1]) {
    const inst = oncologyTxr1.simulate(seed, 0);
    checkTruthHidden(oncologyTxr1, inst.files, inst.truth);
  }
});

test('oncology-txr1: answer schema is strict about keys and types', () => {
  const inst = oncologyTxr1.simulate(0, 0);
  checkSchema(oncologyTxr1, { ...inst.truth });
  assert.equal(oncologyTxr1.prompt({ ...inst, bounds: oncologyTxr1.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('oncology-txr1: rubric items are well formed', () => {
  checkRubric(oncologyTxr1);
});
