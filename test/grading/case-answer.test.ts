import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { jsonObjectsIn, parseAnswer } from '../../src/grading/json-answer.js';
import { approxEqual, gradeCase } from '../../src/grading/tolerance.js';

const schema = Type.Object({
  therapy_class_code: Type.Integer(),
  benefit_rd_pp: Type.Number(),
  net_clinical_utility_pp: Type.Number(),
}, { additionalProperties: false });

const bounds = { therapy_class_code: [1, 1], benefit_rd_pp: [8, 12], net_clinical_utility_pp: [2, 6] } as Record<string, [number, number]>;
const good = { answer: { therapy_class_code: 1, benefit_rd_pp: 10.2, net_clinical_utility_pp: 4.1 }, reasoning: 'AIPW with propensity overlap checks' };

test('a strict answer parses and passes', () => {
  const p = parseAnswer(JSON.stringify(good), schema);
  assert.equal(p.status, 'strict');
  assert.deepEqual(p.formatErrors, []);
  assert.equal(p.reasoning, good.reasoning);
  const g = gradeCase(p, bounds);
  assert.equal(g.pass, true);
  assert.equal(g.reward, 1);
});

test('fenced JSON is repaired with a format penalty', () => {
  const p = parseAnswer('```json\n' + JSON.stringify(good, null, 2) + '\n```', schema);
  assert.equal(p.status, 'repaired');
  assert.match(p.formatErrors[0], /not a single JSON value/);
  const g = gradeCase(p, bounds);
  assert.equal(g.pass, true);
  assert.ok(Math.abs(g.reward - 0.9) < 1e-12);
  assert.equal(gradeCase(p, bounds, { formatPenalty: 0.5 }).reward, 0.5);
});

test('prose around one object is repaired; two different objects are ambiguous', () => {
  const p = parseAnswer(`Here is my answer: ${JSON.stringify(good)} Hope it helps {not json}`, schema);
  assert.equal(p.status, 'repaired');
  assert.equal(p.values.benefit_rd_pp, 10.2);
  const twice = parseAnswer(`draft ${JSON.stringify(good)} final ${JSON.stringify({ ...good, answer: { ...good.answer, benefit_rd_pp: 1 } })}`, schema);
  assert.equal(twice.status, 'invalid');
  const same = parseAnswer(`${JSON.stringify(good)}\n${JSON.stringify(good)}`, schema);
  assert.equal(same.status, 'repaired');
});

test('missing key is an abstention on that field only', () => {
  const { net_clinical_utility_pp: _, ...partial } = good.answer;
  const p = parseAnswer(JSON.stringify({ answer: partial, reasoning: 'x' }), schema);
  assert.equal(p.status, 'repaired');
  assert.ok(p.formatErrors.some((e) => /missing key net_clinical_utility_pp/.test(e)));
  const g = gradeCase(p, bounds);
  assert.equal(g.pass, false);
  assert.equal(g.answered, 2);
  assert.equal(g.fields.find((f) => f.key === 'net_clinical_utility_pp')!.outcome, 'abstained');
  assert.ok(Math.abs(g.reward - (2 / 3) * 0.9) < 1e-12);
  assert.equal(gradeCase(p, bounds, { reward: 'binary' }).reward, 0);
});

test('NaN and Infinity are not JSON: the field abstains, the rest is graded', () => {
  const text = '{"answer": {"therapy_class_code": 1, "benefit_rd_pp": NaN, "net_clinical_utility_pp": 4.0}, "reasoning": "r"}';
  const p = parseAnswer(text, schema);
  assert.equal(p.status, 'repaired');
  assert.equal(p.values.benefit_rd_pp, null);
  assert.match(p.fieldErrors.benefit_rd_pp, /non-finite/);
  assert.equal(p.values.net_clinical_utility_pp, 4);
  const inf = parseAnswer(text.replace('NaN', '-Infinity'), schema);
  assert.equal(inf.values.benefit_rd_pp, null);
});

test('string numbers fail strict parsing and are accepted by repair; words are not', () => {
  const p = parseAnswer(JSON.stringify({ ...good, answer: { ...good.answer, benefit_rd_pp: '10.5' } }), schema);
  assert.equal(p.status, 'repaired');
  assert.equal(p.values.benefit_rd_pp, 10.5);
  const w = parseAnswer(JSON.stringify({ ...good, answer: { ...good.answer, benefit_rd_pp: 'about ten' } }), schema);
  assert.equal(w.values.benefit_rd_pp, null);
});

test('int fields: 1.0 is a format error (usable after repair), 0.5 is not an integer', () => {
  const text = '{"answer": {"therapy_class_code": 1.0, "benefit_rd_pp": 10, "net_clinical_utility_pp": 4}, "reasoning": "r"}';
  const p = parseAnswer(text, schema);
  assert.equal(p.status, 'repaired');
  assert.ok(p.formatErrors.some((e) => /therapy_class_code must be an integer/.test(e)));
  assert.equal(p.values.therapy_class_code, 1);
  // float fields accept integer literals
  assert.equal(p.values.benefit_rd_pp, 10);
  const half = parseAnswer(text.replace('1.0', '0.5'), schema);
  assert.equal(half.values.therapy_class_code, null);
  assert.match(half.fieldErrors.therapy_class_code, /not an integer/);
});

test('extra keys, wrong top-level shape, and empty input', () => {
  const extra = parseAnswer(JSON.stringify({ ...good, confidence: 0.9 }), schema);
  assert.equal(extra.status, 'repaired');
  assert.ok(extra.formatErrors.some((e) => /unexpected top-level keys: confidence/.test(e)));
  assert.equal(parseAnswer('[1,2,3]', schema).status, 'invalid');
  assert.equal(parseAnswer('', schema).status, 'invalid');
  assert.equal(parseAnswer('I think the benefit is about 10 pp.', schema).status, 'invalid');
  const bare = parseAnswer(JSON.stringify(good.answer), schema);
  assert.equal(bare.status, 'repaired');
  assert.equal(bare.reasoning, null);
  const g = gradeCase(parseAnswer('nothing', schema), bounds);
  assert.equal(g.pass, false);
  assert.equal(g.reward, 0);
  assert.equal(g.answered, 0);
});

test('bounds are closed intervals; out-of-range fails', () => {
  const p = parseAnswer(JSON.stringify({ ...good, answer: { therapy_class_code: 0, benefit_rd_pp: 8, net_clinical_utility_pp: 6.0001 } }), schema);
  const g = gradeCase(p, bounds);
  assert.deepEqual(g.fields.map((f) => f.outcome), ['out_of_range', 'pass', 'out_of_range']);
  assert.throws(() => gradeCase(p, { x: [2, 1] }), /not an interval/);
});

test('consistency hook counts like extra fields and can fail a numerically right answer', () => {
  const hook = (v: Record<string, number | null>) => [
    approxEqual('ncu_formula', v.net_clinical_utility_pp, v.benefit_rd_pp === null ? null : v.benefit_rd_pp - 0.35 * 17, 0.5, 'NCU = RD − 0.35·tox'),
    { id: 'code_sign', ok: v.therapy_class_code === (v.net_clinical_utility_pp !== null && v.net_clinical_utility_pp > 0 ? 1 : 0), detail: 'code follows NCU sign' },
  ];
  const p = parseAnswer(JSON.stringify(good), schema); // 10.2 − 5.95 = 4.25 vs 4.1: ok
  const g = gradeCase(p, bounds, { consistency: hook });
  assert.equal(g.pass, true);
  assert.equal(g.totalItems, 5);
  const bad = parseAnswer(JSON.stringify({ ...good, answer: { ...good.answer, net_clinical_utility_pp: 5.9 } }), schema);
  const gb = gradeCase(bad, bounds, { consistency: hook });
  assert.equal(gb.fields.every((f) => f.pass), true);
  assert.equal(gb.pass, false);
  assert.equal(gb.reward, 4 / 5);
  const crash = gradeCase(p, bounds, { consistency: () => { throw new Error('boom'); } });
  assert.equal(crash.pass, false);
  assert.match(crash.consistency[0].detail, /boom/);
});

test('jsonObjectsIn ignores braces inside strings', () => {
  assert.deepEqual(jsonObjectsIn('a {"x": "}{"} b {"y": {"z": 1}}'), ['{"x": "}{"}', '{"y": {"z": 1}}']);
});
