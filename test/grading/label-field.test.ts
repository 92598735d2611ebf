// Label (categorical) answer fields: the agent writes a string from a fixed list; grading sees
// its 0-based index, so the numeric [lo, hi] path grades it exactly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { answerToWire, labelField, parseAnswer, schemaFields } from '../../src/grading/json-answer.js';
import { gradeCase } from '../../src/grading/tolerance.js';

const founders = ['F1', 'F2', 'F3', 'F4'];
const schema = Type.Object({ high_founder: labelField(founders, 'founder'), pos: Type.Number() }, { additionalProperties: false });
const bounds = { high_founder: [2, 2], pos: [40, 48] } as Record<string, [number, number]>;

test('schemaFields reports the labels of a label field', () => {
  assert.deepEqual(schemaFields(schema), [{ key: 'high_founder', kind: 'label', labels: founders }, { key: 'pos', kind: 'number' }]);
  assert.ok(Value.Check(schema, { high_founder: 'F3', pos: 1 }));
  assert.ok(!Value.Check(schema, { high_founder: 'F9', pos: 1 }));
  assert.ok(!Value.Check(schema, { high_founder: 2, pos: 1 }));
});

test('a label parses to its index and grades exactly', () => {
  const p = parseAnswer(JSON.stringify({ answer: { high_founder: 'F3', pos: 44 }, reasoning: 'HMM' }), schema);
  assert.equal(p.status, 'strict');
  assert.equal(p.values.high_founder, 2);
  assert.equal(gradeCase(p, bounds).pass, true);
  const wrong = parseAnswer(JSON.stringify({ answer: { high_founder: 'F2', pos: 44 }, reasoning: 'HMM' }), schema);
  assert.equal(gradeCase(wrong, bounds).pass, false);
});

test('an unknown label or a number is a field error; case and blanks are only repaired', () => {
  const bad = parseAnswer(JSON.stringify({ answer: { high_founder: 'F9', pos: 44 }, reasoning: '' }), schema);
  assert.equal(bad.values.high_founder, null);
  assert.match(bad.fieldErrors.high_founder, /not an allowed label/);
  const num = parseAnswer(JSON.stringify({ answer: { high_founder: 2, pos: 44 }, reasoning: '' }), schema);
  assert.equal(num.values.high_founder, null);
  const loose = parseAnswer(JSON.stringify({ answer: { high_founder: ' f3', pos: 44 }, reasoning: '' }), schema);
  assert.equal(loose.status, 'repaired');
  assert.equal(loose.values.high_founder, 2);
});

test('answerToWire turns codes back into labels and rejects codes out of range', () => {
  assert.deepEqual(answerToWire(schema, { high_founder: 0, pos: 3 }), { high_founder: 'F1', pos: 3 });
  assert.throws(() => answerToWire(schema, { high_founder: 4, pos: 3 }), RangeError);
  assert.throws(() => labelField(['A'], 'x'));
});
