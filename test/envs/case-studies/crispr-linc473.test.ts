// Case 2 (crispr-linc473): served instances, reproducible bytes, hidden truth, strict schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crisprLinc473 } from '../../../src/envs/case-studies/crispr-linc473/index.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(crisprLinc473, { openGap: 'issue 20: crispr-linc473 is not reworked yet (grading reduces to three scenarios: its best constant passes about a third of instances)' });

test('crispr-linc473: answer schema is strict about keys and types', () => {
  const inst = crisprLinc473.simulate(0, 0);
  checkSchema(crisprLinc473, { ...inst.truth });
  assert.equal(crisprLinc473.prompt({ ...inst, bounds: crisprLinc473.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('crispr-linc473: rubric items are well formed', () => {
  checkRubric(crisprLinc473);
});
