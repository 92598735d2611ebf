import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { compareChromosomes, isPrimaryChromosome, lengthRank, nuclearPrimary, parseChromSizes, rankByLength } from '../../src/genome/chrom-sizes.js';
import { CytoBandIndex, formatBand, parseCytoBands } from '../../src/genome/cytoband.js';
import { parsePosition } from '../../src/genome/coords.js';
import { hg38 } from './hg38-fixtures.js';

test('real cytoBand: 1-based boundary rule (chr1:2,300,000 -> 1p36.33, 2,300,001 -> 1p36.32)', async (t) => {
  const path = hg38(t, 'cytoBand.txt');
  if (!path) return;
  const index = new CytoBandIndex(parseCytoBands(await readFile(path, 'utf8'), path));
  const at = (text: string) => {
    const { chrom, pos0 } = parsePosition(text);
    const b = index.bandAt(chrom, pos0);
    return b && formatBand(b);
  };
  assert.equal(at('chr1:2,300,000'), '1p36.33');
  assert.equal(at('chr1:2,300,001'), '1p36.32');
  assert.equal(at('chr1:1'), '1p36.33');
  assert.equal(at('chr8:127,736,231'), '8q24.21'); // MYC
  assert.equal(at('chr17:7,668,421'), '17p13.1'); // TP53
  assert.equal(at('chr7:55,019,017'), '7p11.2'); // EGFR
  assert.equal(at('chr1:248,956,422'), '1q44'); // last base of chr1
  assert.equal(index.bandAt('chr1', 248_956_422), undefined); // one past the end
  assert.equal(index.bandAt('chrNope', 5), undefined);
  assert.equal(index.bandAt('chrM', 100)?.name, '');
  // band -> range, exact and by prefix; the acen rows make up the centromere
  assert.deepEqual(index.bandRange('chr1', 'p36.33'), { chrom: 'chr1', start: 0, end: 2_300_000 });
  assert.deepEqual(index.bandRange('chr8', '8q24.21'), { chrom: 'chr8', start: 126_300_000, end: 130_400_000 });
  const q24 = index.bandRange('chr8', 'q24')!;
  assert.ok(q24.start <= 126_300_000 && q24.end >= 130_400_000 && q24.end <= 145_138_636);
  assert.deepEqual(index.bandRange('chr8', 'q24'), index.bandRange('chr8', 'chr8q24'));
  const p36 = index.bandRange('chr1', 'p36')!;
  assert.equal(p36.start, 0);
  assert.equal(index.bandAt('chr1', p36.end)?.name.startsWith('p35'), true);
  assert.equal(index.bandRange('chr1', 'p99'), undefined);
  assert.equal(index.bandRange('chr1', 'p36.'), undefined);
  const acen = index.bands('chr1').filter((b) => b.stain === 'acen');
  assert.deepEqual([acen[0].start, acen[acen.length - 1].end], [121_700_000, 125_100_000]);
  const primaryNamed = index.bands().filter((b) => isPrimaryChromosome(b.chrom) && b.chrom !== 'chrM');
  assert.equal(primaryNamed.length, 862);
});

test('cytoBand parse errors and overlaps are reported with a line', () => {
  assert.throws(() => parseCytoBands('chr1\t0\tx\tp1\tgneg\n', 'cb.txt'), /cb\.txt:1:/);
  assert.throws(() => new CytoBandIndex(parseCytoBands('chr1\t0\t10\tp2\tgneg\nchr1\t5\t20\tp1\tgneg\n')), /overlapping/);
  // UCSC's unnamed chrM row, with and without its empty name column
  assert.deepEqual(parseCytoBands('chrM\t0\t16569\t\tgneg\n')[0], { chrom: 'chrM', start: 0, end: 16569, name: '', stain: 'gneg' });
  assert.deepEqual(parseCytoBands('chrM\t0\t16569\tgneg\t\n')[0], { chrom: 'chrM', start: 0, end: 16569, name: '', stain: 'gneg' });
});

test('real chrom.sizes: lengths, natural order and rankings', async (t) => {
  const path = hg38(t, 'hg38.chrom.sizes');
  if (!path) return;
  const sizes = parseChromSizes(await readFile(path, 'utf8'), path);
  assert.equal(sizes.size, 455);
  assert.equal(sizes.get('chr1'), 248_956_422);
  const nuclear = nuclearPrimary(sizes);
  assert.equal(nuclear.length, 24);
  assert.equal(nuclear.reduce((a, c) => a + sizes.get(c)!, 0), 3_088_269_832);
  assert.equal(lengthRank(sizes, 'chrX'), 8);
  assert.equal(rankByLength(sizes, nuclear)[7], 'chrX');
  assert.ok(lengthRank(sizes, 'chr11')! < lengthRank(sizes, 'chr10')!); // chr11 is longer
  assert.ok(lengthRank(sizes, 'chr20')! < lengthRank(sizes, 'chr19')!);
  assert.equal(rankByLength(sizes, nuclear).at(-1), 'chr21');
  assert.equal(lengthRank(sizes, 'chrM'), undefined);
  assert.equal(sizes.get('chr1')! - sizes.get('chr2')!, 6_762_893);
});

test('natural chromosome order and chrom.sizes errors', () => {
  const names = ['chrUn_KI270302v1', 'chrM', 'chr10', 'chrY', 'chr2', 'chr1_KI270706v1_random', 'chrX', 'chr1'];
  assert.deepEqual([...names].sort(compareChromosomes), ['chr1', 'chr2', 'chr10', 'chrX', 'chrY', 'chrM', 'chr1_KI270706v1_random', 'chrUn_KI270302v1']);
  assert.equal(isPrimaryChromosome('chr23'), false);
  assert.equal(isPrimaryChromosome('chrM'), true);
  assert.throws(() => parseChromSizes('chr1\t12a\n', 'x.sizes'), /x\.sizes:1/);
  assert.throws(() => parseChromSizes('chr1\t1\nchr1\t2\n'), /duplicate/);
});
