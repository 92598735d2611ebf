import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importAssembly } from '../../src/genome/import.js';
import { openAssembly } from '../../src/genome/assembly.js';
import type { AssemblyManifest } from '../../src/genome/types.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/hg38');
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'genegym-import-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function fixtures(t: { skip: (m: string) => void }, ...files: string[]): string[] | null {
  const missing = files.map((f) => join(FIXTURES, f)).filter((p) => !existsSync(p));
  if (!missing.length) return files.map((f) => join(FIXTURES, f));
  const msg = `hg38 fixtures missing: ${missing.join(', ')}`;
  if (process.env.CI === 'true') assert.fail(`${msg} (required under CI=true)`);
  console.warn(`WARNING: skipping, ${msg}`);
  t.skip(msg);
  return null;
}

test('real chrM FASTA + hg38 chrom.sizes + cytoBand + MYC genes: an assembly the readers open', async (t) => {
  const f = fixtures(t, 'chrM.fa', 'hg38.chrom.sizes', 'cytoBand.txt', 'refGene_MYC.txt', 'chr8_128740000-128755000.fa');
  if (!f) return;
  const [chrM, sizes, cyto, myc] = f;
  const out = join(root, 'mito');
  const r = await importAssembly({ out, name: 'mito', fasta: [chrM], chromSizes: sizes, cytoBand: cyto, genes: [myc] });
  assert.deepEqual([...r.sizes], [['chrM', 16569]]);
  // rows on sequences the FASTA lacks are left out and said so
  assert.ok(r.notes.some((n) => /454 sequences not in the FASTA/.test(n)), r.notes.join('; '));
  assert.ok(r.notes.some((n) => /refGene_MYC.txt: 1 of 1 transcripts/.test(n)), r.notes.join('; '));
  // no gene table: its only row is on chr8
  assert.deepEqual((await readdir(out)).sort(), ['assembly.json', 'cytoBand.txt', 'mito.2bit', 'mito.chrom.sizes']);
  const m = JSON.parse(await readFile(join(out, 'assembly.json'), 'utf8')) as AssemblyManifest;
  assert.equal(m.name, 'mito');
  assert.equal(m.synthetic, false);
  assert.match(m.files.twoBit.sha256 ?? '', /^[0-9a-f]{64}$/);
  const a = await openAssembly(out);
  try {
    assert.equal(await a.read('chrM', 0, 20), 'GATCACAGGTCTATCACCCT');
    const seq = (await a.read('chrM', 0, 16569)).toUpperCase();
    const count = (c: string) => seq.split(c).length - 1;
    assert.deepEqual([count('A'), count('C'), count('G'), count('T'), count('N')], [5124, 5181, 2169, 4094, 1]);
    // the imported 2bit keeps the FASTA's case exactly
    const fasta = (await readFile(chrM, 'latin1')).split('\n').slice(1).join('').replace(/\s/g, '');
    assert.equal(await a.read('chrM', 0, 16569), fasta);
    assert.equal(a.bands('chrM').length, 1);
  } finally {
    await a.close();
  }
});

test('bgzipped chr2 FASTA plus a gzipped FASTA with the NCBI GFF3 of MYC (shifted onto a stand-in chr8)', async (t) => {
  const f = fixtures(t, 'chr2_1-2333275.fa.gz', 'chr8_128740000-128755000.fa', 'NCBI_hg38_MYC.gff');
  if (!f) return;
  const [chr2, , gff] = f;
  // the real GFF shifted 127.7 Mb down, so a small stand-in chr8 can hold MYC
  const shift = 127_700_000;
  const shifted = (await readFile(gff, 'utf8')).split('\n').map((line) => {
    if (line.startsWith('#') || !line) return line;
    const f = line.split('\t');
    if (Number(f[4]) <= shift) return null;
    f[3] = String(Math.max(1, Number(f[3]) - shift));
    f[4] = String(Number(f[4]) - shift);
    return f.join('\t');
  }).filter((l) => l !== null).join('\n');
  const gffPath = join(root, 'myc.gff3');
  await writeFile(gffPath, shifted);
  const chr8Path = join(root, 'chr8.fa.gz');
  const n = 50_000;
  const body = 'ACGT'.repeat(Math.ceil(n / 4)).slice(0, n).replace(/(.{80})/g, '$1\n');
  await writeFile(chr8Path, gzipSync(`>chr8 synthetic stand-in\n${body}\n`));
  const out = join(root, 'two');
  const r = await importAssembly({ out, name: 'two', fasta: [chr2, chr8Path], genes: [gffPath] });
  assert.equal(r.sizes.get('chr2'), 2_333_275);
  assert.equal(r.sizes.get('chr8'), n);
  const a = await openAssembly(out);
  try {
    assert.equal(await a.read('chr2', 0, 10_000), 'N'.repeat(10_000));
    const myc = a.gene('MYC');
    const mane = myc.transcripts.find((x) => x.name === 'NM_002467.6');
    assert.ok(mane, 'NM_002467.6 imported from the GFF3');
    assert.deepEqual(mane.exonEnds.map((e, i) => e - mane.exonStarts[i]), [393, 772, 2556]);
    assert.equal(mane.txStart, 127_736_230 - shift);
    // the GFF's MANE Select tag becomes the Select transcript (written to ncbiRefSeqSelect.txt)
    assert.equal(myc.select?.name, 'NM_002467.6');
  } finally {
    await a.close();
  }
  // chrom.sizes was computed: longest first
  assert.equal(await readFile(join(out, 'two.chrom.sizes'), 'utf8'), `chr2\t2333275\nchr8\t${n}\n`);
});

test('bad input fails clearly and leaves nothing behind', async () => {
  const bad = join(root, 'bad.fa');
  await writeFile(bad, '>s1\nACGT\nAC9T\n');
  const out = join(root, 'bad-out');
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [bad] }), /bad\.fa:3: "9" in sequence s1 is not a nucleotide letter/);
  assert.equal(existsSync(out), false);
  assert.deepEqual((await readdir(root)).filter((x) => x.includes('import-')), [], 'no temporary directories left');

  const dup = join(root, 'dup.fa');
  await writeFile(dup, '>s1\nACGT\n>s1\nAC\n');
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [dup] }), /sequence s1 appears twice/);

  const good = join(root, 'good.fa');
  await writeFile(good, '>s1 first\nACGTNNacgt\n>s2\nGG\n');
  const sizes = join(root, 'wrong.sizes');
  await writeFile(sizes, 's1\t9\ns2\t2\n');
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [good], chromSizes: sizes }), /disagrees with the FASTA \(a FASTA record longer than chrom.sizes says\): s1 \(FASTA 10, chrom.sizes 9\)/);
  const genes = join(root, 'genes.txt');
  await writeFile(genes, 'NM_1\ts2\t+\t0\t50\t0\t50\t1\t0,\t50,\t0\tG\tcmpl\tcmpl\t0,\n');
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [good], genes: [genes] }), /NM_1 ends at 50, past the end of s2 \(2 bp\)/);
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [join(root, 'nope.fa')] }), /nope\.fa does not exist/);

  // a good import, then a second one into the same place needs --force
  const r = await importAssembly({ out, name: 'x', fasta: [good] });
  assert.deepEqual([...r.sizes], [['s1', 10], ['s2', 2]]);
  await assert.rejects(importAssembly({ out, name: 'x', fasta: [good] }), /not empty \(use --force/);
  await importAssembly({ out, name: 'x', fasta: [good], force: true });
  const a = await openAssembly(out);
  try {
    assert.equal(await a.read('s1', 0, 10), 'ACGTNNacgt');
  } finally {
    await a.close();
  }
});

test('genePred rows written by import parse back to the same transcripts (real refGene and knownGene rows)', async (t) => {
  const f = fixtures(t, 'refGene_MYC.txt', 'refGene_MUC1.txt', 'knownGene_MYC.genePred');
  if (!f) return;
  const { parseGenePred } = await import('../../src/genome/genepred.js');
  const { formatGenePredRow } = await import('../../src/genome/demo/index.js');
  for (const p of f) {
    const rows = parseGenePred(await readFile(p, 'utf8'), p);
    assert.ok(rows.length >= 1);
    const back = parseGenePred(rows.map((r) => formatGenePredRow(r) + '\n').join(''), 'formatted');
    assert.deepEqual(back, rows, p);
  }
});
