// Case 3 (cis-mvmr): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cisMvmr } from '../../../src/envs/case-studies/cis-mvmr/index.js';
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
