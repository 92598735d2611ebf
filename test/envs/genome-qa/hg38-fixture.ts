// Builds a tiny real-hg38 assembly directory from ../shared/data/hg38 (chrM, chr2:1-2,333,275,
// cytoBand, MYC/MUC1/MYT1L gene rows) and opens it with openAssembly. The directory's
// chrom.sizes must match its sequence, so it lists only chrM and the chr2 window; the returned
// view then reports the real hg38.chrom.sizes (455 sequences), as a full hg38 would, while
// sequence reads stay limited to what the fixtures hold.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAssembly } from '../../../src/genome/assembly.js';
import type { AssemblyApi } from '../../../src/genome/types.js';
import { ucscBin } from '../../../src/mirror/ucsc.js';

export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/hg38');

export function fixturesPresent(): boolean {
  return existsSync(join(FIXTURE_DIR, 'chrM.fa')) && existsSync(join(FIXTURE_DIR, 'chr2_1-2333275.fa.gz'));
}

/** Skip loudly, or fail under CI=true, when the fixtures are missing. */
export function fixtureSkipReason(): string | false {
  if (fixturesPresent()) return false;
  const msg = `hg38 fixtures not found at ${FIXTURE_DIR}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (CI=true: missing fixtures are a failure)`);
  console.warn(`WARNING: ${msg}; skipping real-data genome-qa tests`);
  return msg;
}

function fastaRecords(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  let parts: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('>')) {
      if (name) out.set(name, parts.join(''));
      name = line.slice(1).trim().split(/\s+/)[0];
      parts = [];
    } else parts.push(line.trim());
  }
  if (name) out.set(name, parts.join(''));
  return out;
}

function genePredLine(t: { name: string; chrom: string; strand: string; txStart: number; txEnd: number; cdsStart: number; cdsEnd: number; starts: number[]; ends: number[]; gene: string }): string {
  const list = (xs: number[]) => xs.map((x) => `${x},`).join('');
  return [ucscBin(t.txStart, t.txEnd), t.name, t.chrom, t.strand, t.txStart, t.txEnd, t.cdsStart, t.cdsEnd, t.starts.length, list(t.starts), list(t.ends), 0, t.gene, 'cmpl', 'cmpl', list(t.starts.map(() => -1))].join('\t');
}

/** NM_002467.6 (MYC, MANE) from the NCBI GFF3: 1-based exons/CDS -> genePred. */
function mycManeFromGff(): string {
  const rows = readFileSync(join(FIXTURE_DIR, 'NCBI_hg38_MYC.gff'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  const mine = rows.filter((r) => /Parent=rna-NM_002467\.6/.test(r[8] ?? ''));
  const exons = mine.filter((r) => r[2] === 'exon').map((r) => [Number(r[3]) - 1, Number(r[4])] as [number, number]).sort((a, b) => a[0] - b[0]);
  const cds = mine.filter((r) => r[2] === 'CDS');
  return genePredLine({
    name: 'NM_002467.6', chrom: 'chr8', strand: '+', txStart: exons[0][0], txEnd: exons[exons.length - 1][1],
    cdsStart: Math.min(...cds.map((r) => Number(r[3]) - 1)), cdsEnd: Math.max(...cds.map((r) => Number(r[4]))),
    starts: exons.map((e) => e[0]), ends: exons.map((e) => e[1]), gene: 'MYC',
  });
}

/** MYT1L MANE (ENST00000647738.2) from BED12 -> genePred. */
function myt1lFromBed(): string {
  const f = readFileSync(join(FIXTURE_DIR, 'MYT1L_MANE.bed'), 'utf8').split('\n')[0].split('\t');
  const start = Number(f[1]);
  const sizes = f[10].split(',').filter(Boolean).map(Number);
  const rel = f[11].split(',').filter(Boolean).map(Number);
  const starts = rel.map((r) => start + r);
  return genePredLine({ name: f[3], chrom: f[0], strand: f[5], txStart: start, txEnd: Number(f[2]), cdsStart: Number(f[6]), cdsEnd: Number(f[7]), starts, ends: starts.map((s, i) => s + sizes[i]), gene: 'MYT1L' });
}

/** Writes the directory into `parent`/hg38 and opens it with the real-size view. */
export async function openHg38Fixture(parent: string): Promise<AssemblyApi> {
  const dir = join(parent, 'hg38');
  mkdirSync(dir, { recursive: true });
  const chrM = fastaRecords(readFileSync(join(FIXTURE_DIR, 'chrM.fa'), 'utf8')).get('chrM')!;
  const chr2 = fastaRecords(gunzipSync(readFileSync(join(FIXTURE_DIR, 'chr2_1-2333275.fa.gz'))).toString('latin1')).get('chr2')!;
  const wrap = (s: string) => s.match(/.{1,60}/g)!.join('\n');
  writeFileSync(join(dir, 'hg38.fa'), `>chrM\n${wrap(chrM)}\n>chr2\n${wrap(chr2)}\n`);
  writeFileSync(join(dir, 'hg38.chrom.sizes'), `chrM\t${chrM.length}\nchr2\t${chr2.length}\n`);
  writeFileSync(join(dir, 'cytoBand.txt'), readFileSync(join(FIXTURE_DIR, 'cytoBand.txt')));
  const refGene = (f: string) => readFileSync(join(FIXTURE_DIR, f), 'utf8').trim();
  const myc = mycManeFromGff();
  const myt1l = myt1lFromBed();
  writeFileSync(join(dir, 'ncbiRefSeq.txt'), [refGene('refGene_MYC.txt'), myc, refGene('refGene_MUC1.txt'), myt1l].join('\n') + '\n');
  writeFileSync(join(dir, 'ncbiRefSeqSelect.txt'), [myc, myt1l].join('\n') + '\n');
  writeFileSync(join(dir, 'assembly.json'), JSON.stringify({ name: 'hg38', description: 'UCSC hg38 (GRCh38) fixture pieces: chrM, chr2:1-2,333,275', synthetic: false, createdAt: '2026-11-23T00:00:00Z', files: {}, source: { annotationRelease: 'RefSeq 109.20210514 (fixture rows)' } }, null, 2));
  const asm = await openAssembly(dir);
  const realSizes = new Map<string, number>();
  for (const line of readFileSync(join(FIXTURE_DIR, 'hg38.chrom.sizes'), 'utf8').split('\n')) {
    const [c, n] = line.split('\t');
    if (c && n) realSizes.set(c, Number(n));
  }
  const primary = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM'].filter((c) => realSizes.has(c));
  return Object.assign(Object.create(Object.getPrototypeOf(asm)), asm, {
    chromSizes: () => new Map(realSizes),
    primaryChromosomes: () => primary,
  }) as AssemblyApi;
}
