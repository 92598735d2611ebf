// Case 1 (oncology-txr1): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oncologyTxr1 } from '../../../src/envs/case-studies/oncology-txr1/index.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(oncologyTxr1, { constantPaths: ['dlr1_allele_table.tsv.gz'] });

test('oncology-txr1: answer schema is strict about keys and types', () => {
  const inst = oncologyTxr1.simulate(0, 0);
  checkSchema(oncologyTxr1, { ...inst.truth });
  assert.equal(oncologyTxr1.prompt({ ...inst, bounds: oncologyTxr1.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('oncology-txr1: rubric items are well formed', () => {
  checkRubric(oncologyTxr1);
});
