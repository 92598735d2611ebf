import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeAnswer, readNumber, type AnswerKey } from '../../src/grading/match.js';

const seqKey: AnswerKey = { answer: { reference_sequence: 'GATCACAGGTCTATCACCCT' }, fields: [{ key: 'reference_sequence', type: 'sequence' }] };
const gcKey: AnswerKey = { answer: { gc_content: '0.44' }, fields: [{ key: 'gc_content', type: 'numeric', tolerance: 0.02 }] };
const spanKey: AnswerKey = { answer: { span_bp: '7518' }, fields: [{ key: 'span_bp', type: 'exact' }] };
const bandKey: AnswerKey = { answer: { cytoband: '1p36.33' }, fields: [{ key: 'cytoband', type: 'exact' }] };
const compKey: AnswerKey = {
  answer: { A: '5124', C: '5181', G: '2169', T: '4094' },
  fields: ['A', 'C', 'G', 'T'].map((k) => ({ key: k, type: 'exact' as const })),
};

test('sequence: case- and whitespace-insensitive, but exact', () => {
  assert.equal(gradeAnswer(seqKey, { reference_sequence: 'gatcacaggt ctatcaccct' }).reward, 1);
  assert.equal(gradeAnswer(seqKey, 'GATCACAGGTCTATCACCC\nT').reward, 1);
  const short = gradeAnswer(seqKey, { reference_sequence: 'GATCACAGGTCTATCACCC' });
  assert.equal(short.verdict, 'incorrect');
  assert.match(short.reason, /reference_sequence/);
  assert.equal(gradeAnswer(seqKey, { reference_sequence: 'GATCACAGGTCTATCACCCA' }).reward, 0);
  assert.equal(gradeAnswer(seqKey, { reference_sequence: 'The sequence is GATC' }).verdict, 'malformed');
});

test('numeric: tolerance, percent sign, bare values and JSON strings', () => {
  assert.equal(gradeAnswer(gcKey, { gc_content: '0.4436' }).reward, 1);
  assert.equal(gradeAnswer(gcKey, { gc_content: 0.46 }).reward, 1);
  assert.equal(gradeAnswer(gcKey, { gc_content: '0.47' }).reward, 0);
  assert.equal(gradeAnswer(gcKey, '44.36%').reward, 1, 'a % sign on a fraction field is unambiguous');
  assert.equal(gradeAnswer(gcKey, '{"gc_content": "0.43"}').reward, 1);
  assert.equal(gradeAnswer(gcKey, { answer: { gc_content: '0.45' } }).reward, 1);
  assert.equal(gradeAnswer(gcKey, 'about 0.44').reward, 1);
  assert.equal(gradeAnswer(gcKey, 'between 0.40 and 0.48').verdict, 'malformed');
});

test('exact: numbers as numbers, separators only when well formed', () => {
  assert.equal(gradeAnswer(spanKey, { span_bp: '7,518' }).reward, 1);
  assert.equal(gradeAnswer(spanKey, { span_bp: 7518 }).reward, 1);
  assert.equal(gradeAnswer(spanKey, { span_bp: '7518 bp' }).reward, 1);
  assert.equal(gradeAnswer(spanKey, { span_bp: '7518.0' }).reward, 1);
  assert.equal(gradeAnswer(spanKey, { span_bp: '7519' }).reward, 0);
  assert.equal(gradeAnswer(spanKey, { span_bp: '75,18' }).verdict, 'malformed');
  assert.equal(gradeAnswer(spanKey, { span_bp: '7,518 or 7,519' }).verdict, 'malformed');
  assert.throws(() => readNumber('1,5', 'bp'));
});

test('exact labels: case, spaces and a chr prefix do not matter', () => {
  assert.equal(gradeAnswer(bandKey, { cytoband: 'chr1p36.33' }).reward, 1);
  assert.equal(gradeAnswer(bandKey, '1 p36.33').reward, 1);
  assert.equal(gradeAnswer(bandKey, { cytoband: '1p36.32' }).reward, 0);
  const chromKey: AnswerKey = { answer: { longer_chromosome: 'chr11' }, fields: [{ key: 'longer_chromosome', type: 'exact' }] };
  assert.equal(gradeAnswer(chromKey, 'chr11').reward, 1);
  assert.equal(gradeAnswer(chromKey, '11').reward, 1);
  assert.equal(gradeAnswer(chromKey, 'chr10').reward, 0);
});

test('multi-field answers: object, key: value text, missing fields', () => {
  assert.equal(gradeAnswer(compKey, { A: 5124, c: '5,181', G: '2169', T: '4094' }).reward, 1);
  assert.equal(gradeAnswer(compKey, 'A: 5124, C: 5181, G: 2169, T: 4094').reward, 1);
  const missing = gradeAnswer(compKey, { A: 5124, C: 5181, G: 2169 });
  assert.equal(missing.verdict, 'malformed');
  assert.match(missing.reason, /missing "T"/);
  assert.equal(gradeAnswer(compKey, '5124 5181 2169 4094').verdict, 'malformed');
  assert.equal(gradeAnswer(compKey, { A: 5124, C: 5181, G: 2169, T: 4095 }).reward, 0);
});

test('malformed submissions get reward 0 with a reason', () => {
  for (const bad of [null, [1, 2], '{not json', { other: 'x', more: 'y' }]) {
    const r = gradeAnswer(spanKey, bad);
    assert.equal(r.reward, 0);
    assert.equal(r.verdict, 'malformed', JSON.stringify(bad));
    assert.ok(r.reason.length > 0);
  }
});
