import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzip, gzip, isGzip, readText } from '../../../../src/envs/case-studies/framework/gzip.js';
import { numberColumn, parseTsv, stringColumn, tableRecords, writeTsv, writeTsvColumns } from '../../../../src/envs/case-studies/framework/tsv.js';

test('writeTsv formats numbers round-trip, NA as empty, booleans as 0/1', () => {
  const text = writeTsv(['id', 'x', 'flag'], [['MTB0001', 0.006438668310706808, true], ['MTB0002', NaN, false], ['MTB0003', null, undefined]]);
  assert.equal(text, 'id\tx\tflag\nMTB0001\t0.006438668310706808\t1\nMTB0002\t\t0\nMTB0003\t\t\n');
  const t = parseTsv(text);
  assert.deepEqual(t.header, ['id', 'x', 'flag']);
  const x = numberColumn(t, 'x');
  assert.equal(x[0], 0.006438668310706808);
  assert.ok(Number.isNaN(x[1]) && Number.isNaN(x[2]));
  assert.deepEqual(stringColumn(t, 'id'), ['MTB0001', 'MTB0002', 'MTB0003']);
  assert.equal(tableRecords(t)[0].flag, '1');
});

test('writeTsv rejects tabs/newlines in cells and ragged rows; parseTsv rejects ragged lines', () => {
  assert.throws(() => writeTsv(['a'], [['x\ty']]), /tab or newline/);
  assert.throws(() => writeTsv(['a', 'b'], [[1]]), /1 cells/);
  assert.throws(() => parseTsv('a\tb\n1\n'), /line 2 has 1 fields/);
  assert.throws(() => parseTsv(''), /empty/);
  assert.throws(() => numberColumn(parseTsv('a\nfoo\n'), 'a'), /not a number/);
  assert.throws(() => numberColumn(parseTsv('a\n1\n'), 'b'), /no column b/);
});

test('column writer and CRLF input', () => {
  const text = writeTsvColumns({ a: [1, 2], b: ['u', 'v'] });
  assert.equal(text, 'a\tb\n1\tu\n2\tv\n');
  assert.throws(() => writeTsvColumns({ a: [1], b: [] }), /column b/);
  const t = parseTsv('a\tb\r\n1\t2\r\n');
  assert.deepEqual(t.rows, [['1', '2']]);
});

test('gzip is byte-reproducible with mtime 0 and round-trips', () => {
  const text = writeTsvColumns({ v: Array.from({ length: 500 }, (_, i) => i / 7) });
  const a = gzip(text);
  const b = gzip(text);
  assert.deepEqual(a, b);
  assert.ok(isGzip(a));
  // mtime field (bytes 4..7) is zero
  assert.deepEqual([...a.subarray(4, 8)], [0, 0, 0, 0]);
  assert.equal(readText(a), text);
  assert.equal(readText(new TextEncoder().encode('plain')), 'plain');
  assert.throws(() => gunzip(new Uint8Array([1, 2, 3])), /not gzip/);
});

test('gunzipCapped decompresses normally and stops a gzip bomb', async () => {
  const { gunzipCapped } = await import('../../../../src/envs/case-studies/framework/gzip.js');
  const text = 'x'.repeat(10_000);
  assert.equal(new TextDecoder().decode(gunzipCapped(gzip(text), 20_000)), text);
  const bomb = gzip(new Uint8Array(50_000_000));
  assert.ok(bomb.length < 100_000);
  assert.throws(() => gunzipCapped(bomb, 1_000_000), /exceeds 1000000 bytes/);
});
