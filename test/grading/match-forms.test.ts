// What people write, table by table: each row is one submitted form for one expected value and
// whether the grader must accept it (reward 1), reject it as wrong (incorrect) or refuse to read
// it (malformed). Units that change the value are applied, never dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeAnswer, type AnswerKey, type FieldSpec } from '../../src/grading/match.js';

type Outcome = 'ok' | 'wrong' | 'malformed';
const one = (spec: FieldSpec, expected: string): AnswerKey => ({ answer: { [spec.key]: expected }, fields: [spec] });

const span = one({ key: 'span_bp', type: 'exact', unit: 'bp' }, '2176');
const bigSpan = one({ key: 'span_bp', type: 'exact', unit: 'bp' }, '2176000');
const mbSpan = one({ key: 'length_bp', type: 'exact', unit: 'bp' }, '390000');
const exonCount = one({ key: 'exon_count', type: 'exact', unit: 'count' }, '12');
const rank = one({ key: 'rank', type: 'exact', unit: 'count' }, '3');
const gc = one({ key: 'gc_content', type: 'numeric', tolerance: 0.02, unit: 'fraction' }, '0.39');
const intronic = one({ key: 'intronic_percent', type: 'numeric', tolerance: 1, unit: 'percent' }, '39.00');
const band = one({ key: 'cytoband', type: 'exact' }, '3p12.1');
const chrom = one({ key: 'longer_chromosome', type: 'exact' }, 'chr3');
const chromX = one({ key: 'chrom', type: 'exact' }, 'chrX');
const seq = one({ key: 'reference_sequence', type: 'sequence' }, 'GATCACAGGTCTATCACCCT');
// no declared unit: inferred from the key
const legacyGc = one({ key: 'gc_content', type: 'numeric', tolerance: 0.02 }, '0.44');
const legacySpan = one({ key: 'span_bp', type: 'exact' }, '7518');

const TABLE: [string, AnswerKey, unknown, Outcome][] = [
  // lengths in bp: units applied
  ['plain', span, '2176', 'ok'],
  ['bp suffix', span, '2176 bp', 'ok'],
  ['glued bp', span, '2176bp', 'ok'],
  ['base pairs', span, '2,176 base pairs', 'ok'],
  ['bases', span, '2176 bases', 'ok'],
  ['nt', span, '2176 nt', 'ok'],
  ['comma group', span, '2,176', 'ok'],
  ['space group', span, '2 176', 'ok'],
  ['thin-space group', span, '2\u2009176 bp', 'ok'],
  ['no-break-space group', span, '2\u00a0176', 'ok'],
  ['kb exact', span, '2.176 kb', 'ok'],
  ['kbp exact', span, '2.176 kbp', 'ok'],
  ['kilobases', span, '2.176 kilobases', 'ok'],
  ['trailing .0', span, '2176.0', 'ok'],
  ['JSON number', span, 2176, 'ok'],
  ['sentence', span, 'The span is 2,176 bp.', 'ok'],
  ['approx', span, '~2176 bp', 'ok'],
  ['exponent', span, '2.176e3', 'ok'],
  ['kb not applied would be 2176', span, '2176 kb', 'wrong'],
  ['Mb applied', span, '2176 Mb', 'wrong'],
  ['rounded kb', span, '2.2 kb', 'wrong'],
  ['off by one', span, '2177', 'wrong'],
  ['thousands k', span, '2.176k', 'malformed'],
  ['k word', span, '2.176 thousand', 'malformed'],
  ['x10^3', span, '2.176 x 10^3', 'malformed'],
  ['percent on bp', span, '2176%', 'malformed'],
  ['two numbers', span, '2176 or 2177', 'malformed'],
  ['bad comma group', span, '21,76', 'malformed'],
  ['bad space group', span, '2 17 6', 'malformed'],
  ['glued letters', span, '2176xyz', 'malformed'],
  ['no number', span, 'about two thousand', 'malformed'],
  ['2176 kb is 2,176,000', bigSpan, '2176 kb', 'ok'],
  ['2.176 Mb is 2,176,000', bigSpan, '2.176 Mb', 'ok'],
  ['2176000 spaced', bigSpan, '2 176 000', 'ok'],
  ['2176 bare for 2,176,000', bigSpan, '2176', 'wrong'],
  ['2176 Mb for 2,176,000', bigSpan, '2176 Mb', 'wrong'],
  ['0.39 Mb', mbSpan, '0.39 Mb', 'ok'],
  ['.39 Mb', mbSpan, '.39 Mb', 'ok'],
  ['390 kb', mbSpan, '390 kb', 'ok'],
  ['0.39 megabases', mbSpan, '0.39 megabases', 'ok'],
  ['0.39 bare', mbSpan, '0.39', 'wrong'],
  ['0.39 Gb', mbSpan, '0.39 Gb', 'wrong'],
  // counts and ranks: words for small integers
  ['count digits', exonCount, '12', 'ok'],
  ['count word', exonCount, 'twelve', 'ok'],
  ['count word sentence', exonCount, 'It has twelve exons.', 'ok'],
  ['count capital word', exonCount, 'Twelve', 'ok'],
  ['count with noun', exonCount, '12 exons', 'ok'],
  ['count wrong word', exonCount, 'eleven', 'wrong'],
  ['count two words', exonCount, 'eleven or twelve', 'malformed'],
  ['count percent', exonCount, '12%', 'malformed'],
  ['count 12.5', exonCount, '12.5', 'wrong'],
  ['rank ordinal word', rank, 'third', 'ok'],
  ['rank 3rd', rank, '3rd', 'ok'],
  ['rank word', rank, 'three', 'ok'],
  ['rank fourth', rank, 'fourth', 'wrong'],
  ['compound word', one({ key: 'exon_count', type: 'exact', unit: 'count' }, '21'), 'twenty-one', 'ok'],
  ['compound word spaced', one({ key: 'exon_count', type: 'exact', unit: 'count' }, '21'), 'twenty one', 'ok'],
  // fractions: % and percent read as /100; a bare 39 is not 0.39
  ['fraction', gc, '0.39', 'ok'],
  ['leading dot', gc, '.39', 'ok'],
  ['within tolerance', gc, '0.405', 'ok'],
  ['percent sign', gc, '39%', 'ok'],
  ['percent spaced', gc, '39 %', 'ok'],
  ['percent word', gc, '39 percent', 'ok'],
  ['per cent', gc, '39.2 per cent', 'ok'],
  ['bare 39 on a fraction', gc, '39', 'wrong'],
  ['outside tolerance', gc, '0.42', 'wrong'],
  ['percent outside', gc, '42%', 'wrong'],
  ['kb on a fraction', gc, '0.39 kb', 'malformed'],
  ['fraction and percent', gc, '0.39 (39%)', 'malformed'],
  ['legacy fraction key, percent', legacyGc, '44.36%', 'ok'],
  ['legacy fraction key, bare', legacyGc, '0.4436', 'ok'],
  // percentages: %, percent and a bare number are all percent
  ['percent bare', intronic, '39', 'ok'],
  ['percent sign on percent', intronic, '39.4%', 'ok'],
  ['percent word on percent', intronic, '38.5 percent', 'ok'],
  ['percent as fraction stays a fraction', intronic, '0.39', 'wrong'],
  ['percent far', intronic, '41%', 'wrong'],
  ['bp on a percent', intronic, '39 bp', 'malformed'],
  ['legacy bp key, kb', legacySpan, '7.518 kb', 'ok'],
  ['legacy bp key, Mb', legacySpan, '7518 Mb', 'wrong'],
  // bands and chromosomes
  ['band plain', band, '3p12.1', 'ok'],
  ['band chr', band, 'chr3p12.1', 'ok'],
  ['band chromosome', band, 'chromosome 3p12.1', 'ok'],
  ['band Chromosome spaced', band, 'Chromosome 3 p12.1', 'ok'],
  ['band colon', band, 'chr3:p12.1', 'ok'],
  ['band full stop', band, '3p12.1.', 'ok'],
  ['band less precise', band, '3p12', 'wrong'],
  ['band neighbour', band, '3p12.2', 'wrong'],
  ['band other arm', band, '3q12.1', 'wrong'],
  ['band other chromosome', band, '13p12.1', 'wrong'],
  ['chrom chr3', chrom, 'chr3', 'ok'],
  ['chrom 3', chrom, '3', 'ok'],
  ['chrom chromosome 3', chrom, 'chromosome 3', 'ok'],
  ['chrom Chr3', chrom, 'Chr3', 'ok'],
  ['chrom JSON number', chrom, 3, 'ok'],
  ['chrom 13', chrom, 'chromosome 13', 'wrong'],
  ['chrom chr30', chrom, 'chr30', 'wrong'],
  ['chrom X', chromX, 'X', 'ok'],
  ['chrom chromosome X', chromX, 'chromosome X', 'ok'],
  ['chrom Y for X', chromX, 'chrY', 'wrong'],
  // sequences
  ['seq plain', seq, 'GATCACAGGTCTATCACCCT', 'ok'],
  ['seq lowercase spaced', seq, 'gatcacaggt ctatcaccct', 'ok'],
  ['seq 5-3 marks', seq, "5'-GATCACAGGTCTATCACCCT-3'", 'ok'],
  ['seq prime marks spaced', seq, '5\u2032 GATCACAGGTCTATCACCCT 3\u2032', 'ok'],
  ['seq FASTA', seq, '>chrM:1-20\nGATCACAGGT\nCTATCACCCT\n', 'ok'],
  ['seq numbered', seq, '1 gatcacaggt ctatcaccct', 'ok'],
  ['seq fenced', seq, '```\n>x\nGATCACAGGTCTATCACCCT\n```', 'ok'],
  ['seq wrong base', seq, "5'-GATCACAGGTCTATCACCCA-3'", 'wrong'],
  ['seq short', seq, '>chrM\nGATCACAGGTCTATCACCC', 'wrong'],
  ['seq reverse complement', seq, 'AGGGTGATAGACCTGTGATC', 'wrong'],
  ['seq RNA', seq, 'GAUCACAGGUCUAUCACCCU', 'malformed'],
  ['seq prose', seq, 'The sequence is GATCACAGGTCTATCACCCT', 'malformed'],
];

test(`${TABLE.length} written forms are accepted, rejected or refused as they should be`, () => {
  assert.ok(TABLE.length >= 80);
  const failures: string[] = [];
  for (const [name, key, submitted, want] of TABLE) {
    const r = gradeAnswer(key, submitted);
    const got: Outcome = r.reward === 1 ? 'ok' : r.verdict === 'malformed' ? 'malformed' : 'wrong';
    if (got !== want) failures.push(`${name}: ${JSON.stringify(submitted)} -> ${got} (${r.reason}), expected ${want}`);
  }
  assert.deepEqual(failures, []);
});

test('no accepted length, rewritten in Mb or Gb, is accepted', () => {
  let checked = 0;
  for (const [name, key, submitted, want] of TABLE) {
    if (want !== 'ok' || typeof submitted !== 'string' || key.fields[0].unit !== 'bp') continue;
    const bare = submitted.replace(/\s*(bp|bases|base pairs|nt|kbp?|kilobases|Mb|megabases)\b/g, '');
    if (!/^[~\d.,\s\u00a0\u2009e]+$/.test(bare) || /kb|mb|mega|kilo/i.test(submitted)) continue;
    for (const unit of ['Mb', 'Gb']) {
      assert.notEqual(gradeAnswer(key, `${bare} ${unit}`).reward, 1, `${name} with ${unit}`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} rewritten forms`);
});
