import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRange, formatPosition, formatRegion, fromOneBased, parsePosition, parseRegion, toOneBased } from '../../src/genome/coords.js';
import { complement, reverseComplement } from '../../src/genome/revcomp.js';
import { CoordinateError } from '../../src/genome/types.js';

test('1-based inclusive text becomes 0-based half-open and back', () => {
  assert.deepEqual(parseRegion('chr8:127,736,231-127,742,951'), { chrom: 'chr8', start: 127_736_230, end: 127_742_951 });
  assert.deepEqual(parseRegion('chr1:2300000'), { chrom: 'chr1', start: 2_299_999, end: 2_300_000 });
  assert.deepEqual(parseRegion('  chrM:1-20 '), { chrom: 'chrM', start: 0, end: 20 });
  assert.deepEqual(parseRegion('HLA-A*01:01:01:01:5-9'), { chrom: 'HLA-A*01:01:01:01', start: 4, end: 9 });
  assert.deepEqual(parsePosition('chr1:2,300,001'), { chrom: 'chr1', pos0: 2_300_000 });
  assert.equal(formatRegion({ chrom: 'chr8', start: 127_736_230, end: 127_742_951 }), 'chr8:127,736,231-127,742,951');
  assert.equal(formatRegion({ chrom: 'chrM', start: 0, end: 20 }, { commas: false }), 'chrM:1-20');
  assert.equal(formatPosition('chr1', 2_299_999), 'chr1:2,300,000');
  assert.deepEqual(fromOneBased(1, 20), { start: 0, end: 20 });
  assert.deepEqual(toOneBased(0, 20), { start1: 1, end1: 20 });
  // length is the same both ways
  const iv = parseRegion('chr2:1,789,113-2,331,275');
  assert.equal(iv.end - iv.start, 2_331_275 - 1_789_113 + 1);
});

test('bad coordinate text is refused with CoordinateError', () => {
  for (const bad of ['chr1', ':5-6', 'chr1:0-5', 'chr1:6-5', 'chr1:1,00-200', 'chr1:-5', 'chr1:5-', 'chr1:1.5-3', 'chr 1:5-6', 'chr1:5-6-7', 'chr1:abc', 'chr1:99999999999999999999']) {
    assert.throws(() => parseRegion(bad), CoordinateError, bad);
  }
  assert.throws(() => parsePosition('chr1:5-6'), CoordinateError);
  assert.throws(() => checkRange(5, 4), CoordinateError);
  assert.throws(() => checkRange(0, 11, 10, 'chrQ'), /runs past the end of the sequence \(10 bp\)/);
  assert.throws(() => fromOneBased(0, 3), CoordinateError);
  checkRange(10, 10, 10);
});

test('reverse complement: IUPAC pairs, case kept, bad symbols refused', () => {
  assert.equal(reverseComplement('GATCACAGGTCTATCACCCT'), 'AGGGTGATAGACCTGTGATC');
  assert.equal(reverseComplement('acgtNn'), 'nNacgt');
  assert.equal(reverseComplement('RYKMSWBDHVN'), 'NBDHVWSKMRY');
  assert.equal(reverseComplement(reverseComplement('AcGtRyKmSwBdHvNn-')), 'AcGtRyKmSwBdHvNn-');
  assert.equal(complement('ACGU'), 'TGCA');
  assert.equal(reverseComplement(''), '');
  assert.throws(() => reverseComplement('ACXT'), /"X" at offset 2/);
  assert.throws(() => reverseComplement('AC\u00e9'), /IUPAC/);
});
