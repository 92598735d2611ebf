import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Annotation } from '../../src/genome/annotation.js';
import { exonLengths, exonsInTranscriptOrder, GenePredParseError, parseGenePred } from '../../src/genome/genepred.js';
import { parseGff3 } from '../../src/genome/gff.js';
import { UnknownGeneError, type Transcript } from '../../src/genome/types.js';
import { hg38 } from './hg38-fixtures.js';

test('real MYC refGene row (bin + genePredExt): spans, exons, frames', async (t) => {
  const path = hg38(t, 'refGene_MYC.txt');
  if (!path) return;
  const [tx] = parseGenePred(await readFile(path, 'utf8'), path);
  assert.equal(tx.name, 'NM_001354870.1');
  assert.equal(tx.gene, 'MYC');
  assert.equal(tx.chrom, 'chr8');
  assert.equal(tx.strand, '+');
  assert.equal(tx.txEnd - tx.txStart, 7_518); // NCBI gene span: this transcript starts at the gene start
  assert.deepEqual(exonLengths(tx), [1190, 769, 2556]);
  assert.deepEqual(tx.exonFrames, [0, 0, 1]);
  assert.deepEqual([tx.cdsStart, tx.cdsEnd, tx.cdsStartStat, tx.cdsEndStat], [127_736_593, 127_740_958, 'cmpl', 'cmpl']);
});

test('real MUC1 refGene row parses on the minus strand', async (t) => {
  const path = hg38(t, 'refGene_MUC1.txt');
  if (!path) return;
  const [tx] = parseGenePred(await readFile(path, 'utf8'), path);
  assert.equal(tx.gene, 'MUC1');
  assert.equal(tx.strand, '-');
  assert.equal(tx.exonStarts.length, tx.exonEnds.length);
  const ordered = exonsInTranscriptOrder(tx);
  assert.equal(ordered[0].end, tx.txEnd); // exon 1 of a minus-strand gene is the rightmost block
});

test('real MYC knownGene rows (no bin, space separated, header line, no symbol)', async (t) => {
  const path = hg38(t, 'knownGene_MYC.genePred');
  if (!path) return;
  const rows = parseGenePred(await readFile(path, 'utf8'), path);
  assert.equal(rows.length, 7);
  assert.ok(rows.every((r) => r.gene === '' && r.chrom === 'chr8' && r.name.startsWith('uc')));
  assert.deepEqual(exonLengths(rows[0]), [1190, 772, 80]);
  assert.equal(Math.max(...rows.map((r) => r.txEnd)), 127_741_434); // the older UCSC model ends early (genome.md §1)
});

test('real NCBI GFF3 for MYC: MANE NM_002467.6 exons 393/772/2556, gene span 7,518', async (t) => {
  const path = hg38(t, 'NCBI_hg38_MYC.gff');
  if (!path) return;
  const { transcripts, genes } = parseGff3(await readFile(path, 'utf8'), {}, path);
  const mane = transcripts.find((x) => x.name === 'NM_002467.6')!;
  assert.equal(mane.chrom, 'chr8'); // NC_000008.11
  assert.equal(mane.gene, 'MYC');
  assert.equal(mane.select, true);
  assert.deepEqual(exonLengths(mane), [393, 772, 2556]);
  assert.deepEqual([mane.txStart, mane.txEnd], [127_736_230, 127_742_951]); // 1-based 127,736,231-127,742,951
  const v2 = transcripts.find((x) => x.name === 'NM_001354870.1')!;
  assert.equal(v2.select, false);
  // the GFF and the refGene row describe the same transcript identically, frames included
  assert.deepEqual(exonLengths(v2), [1190, 769, 2556]);
  assert.deepEqual([v2.cdsStart, v2.cdsEnd], [127_736_593, 127_740_958]);
  assert.deepEqual(v2.exonFrames, [0, 0, 1]);
  const [gene] = genes;
  assert.equal(gene.symbol, 'MYC');
  assert.equal(gene.end - gene.start, 7_518);
  assert.deepEqual([gene.start + 1, gene.end], [127_735_434, 127_742_951]);
  // collapsed gene span over the transcripts agrees with NCBI's gene feature here
  const ann = new Annotation(transcripts);
  const myc = ann.gene('myc');
  assert.equal(myc.end - myc.start, 7_518);
  assert.equal(myc.select?.name, 'NM_002467.6');
  assert.equal(myc.proteinCoding, true);
});

test('real MYT1L BED12 blocks match the documented MANE exons (25, 7,144 bp, last exon 2,895)', async (t) => {
  const path = hg38(t, 'MYT1L_MANE.bed');
  if (!path) return;
  const f = (await readFile(path, 'utf8')).split('\n')[0].split('\t');
  const sizes = f[10].split(',').filter(Boolean).map(Number);
  const tx: Transcript = {
    name: f[3], chrom: f[0], strand: f[5] as '-', txStart: +f[1], txEnd: +f[2], cdsStart: +f[6], cdsEnd: +f[7],
    exonStarts: f[11].split(',').filter(Boolean).map((s) => +f[1] + Number(s)),
    exonEnds: f[11].split(',').filter(Boolean).map((s, i) => +f[1] + Number(s) + sizes[i]),
    exonFrames: [], gene: 'MYT1L', score: 0, cdsStartStat: '', cdsEndStat: '', select: true,
  };
  const ordered = exonsInTranscriptOrder(tx).map((e) => e.end - e.start);
  assert.equal(ordered.length, 25);
  assert.equal(ordered.reduce((a, b) => a + b, 0), 7_144);
  assert.equal(ordered[0], 309);
  assert.equal(ordered[24], 2_895);
  const intronic = (100 * (tx.txEnd - tx.txStart - 7_144)) / (tx.txEnd - tx.txStart);
  assert.equal(intronic.toFixed(2), '98.68');
});

const row = (name: string, gene: string, chrom: string, strand: '+' | '-', start: number, end: number, cds = true) =>
  [name, chrom, strand, start, end, cds ? start + 10 : end, cds ? end - 10 : end, 2, `${start},${end - 50},`, `${start + 50},${end},`, 0, gene, 'cmpl', 'cmpl', '0,1,'].join('\t');

test('genePred variants: with bin, without, genePredExt, refFlat, trailing commas, CRLF, errors', () => {
  const ext = row('NM_1.1', 'AAA', 'chr1', '+', 1000, 2000);
  const rows = parseGenePred(['# header', `585\t${ext}`, ext.split('\t').slice(0, 10).join('\t'), `AAA\t${ext.split('\t').slice(0, 10).join('\t')}`, `${ext}\r`, ''].join('\n'));
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.txStart === 1000 && r.exonStarts.length === 2 && r.exonEnds[1] === 2000));
  assert.deepEqual(rows.map((r) => r.gene), ['AAA', '', 'AAA', 'AAA']);
  assert.deepEqual(rows[0].exonFrames, [0, 1]);
  assert.deepEqual(rows[1].exonFrames, []);
  for (const bad of [
    ext.replace('\t+\t', '\t*\t'),
    ext.replace('\t2\t', '\t3\t'),
    ext.replace('1000,1950,', '1000,900,'),
    ext.replace('1050,2000,', '1050,2500,'),
    ext.split('\t').slice(0, 8).join('\t'),
    ext.replace('\t1000\t', '\tx\t'),
  ]) {
    assert.throws(() => parseGenePred(`#h\n${bad}\n`, 'bad.txt'), (e: unknown) => e instanceof GenePredParseError && /bad\.txt:2:/.test((e as Error).message));
  }
});

test('annotation: Select marking, primary filter, multi-locus exclusion, lookups', () => {
  const text = [
    row('NM_10.1', 'ONE', 'chr2', '+', 5000, 9000),
    row('NM_11.2', 'ONE', 'chr2', '+', 4000, 8000),
    row('NR_12.1', 'ONE', 'chr2', '+', 4500, 8500, false),
    row('NM_20.1', 'PAR', 'chrX', '+', 100, 900),
    row('NM_20.1', 'PAR', 'chrY', '+', 100, 900),
    row('NM_30.1', 'FAR', 'chr3', '-', 100, 900),
    row('NM_31.1', 'FAR', 'chr3', '-', 2_000_000, 2_000_900),
    row('NM_40.1', 'ALT', 'chr6_GL000250v2_alt', '+', 100, 900),
    row('NM_41.1', 'Two', 'chr1', '-', 100, 900),
    row('NM_42.1', 'TWO', 'chr10', '-', 100, 900),
  ].join('\n');
  const select = parseGenePred(row('NM_10.1', 'ONE', 'chr2', '+', 5000, 9000));
  const ann = new Annotation(parseGenePred(text), { select });
  const one = ann.gene('ONE');
  assert.deepEqual([one.chrom, one.start, one.end, one.strand], ['chr2', 4000, 9000, '+']);
  assert.equal(one.select?.name, 'NM_10.1');
  assert.equal(one.transcripts.length, 3);
  assert.equal(one.proteinCoding, false); // NR_ transcript without CDS
  assert.equal(ann.transcript('NM_11')?.name, 'NM_11.2');
  assert.equal(ann.transcript('NM_11.1'), undefined);
  assert.equal(ann.transcript('NM_40.1'), undefined); // alt contig filtered out
  assert.equal(ann.transcriptPlacements('NM_20.1').length, 2);
  assert.throws(() => ann.gene('PAR'), (e: unknown) => e instanceof UnknownGeneError && /multi-locus.*chrX and chrY/.test((e as Error).message));
  assert.throws(() => ann.gene('FAR'), /two clusters on chr3/);
  assert.throws(() => ann.gene('two'), /ambiguous by case/);
  assert.equal(ann.gene('Two').chrom, 'chr1');
  assert.throws(() => ann.gene('NOPE'), UnknownGeneError);
  assert.deepEqual(ann.genes().map((g) => g.symbol), ['Two', 'ONE', 'TWO']); // chr1, chr2, chr10
  assert.deepEqual([...ann.multiLocusGenes().keys()].sort(), ['FAR', 'PAR']);
  assert.equal(ann.transcripts().length, 9);
});
