// Writes a synthetic assembly directory in the exact UCSC layout: <name>.2bit, <name>.chrom.sizes,
// cytoBand.txt, ncbiRefSeq.txt, ncbiRefSeqSelect.txt, cpgIslandExt.txt, gap.txt, the same genes as
// NCBI-style GFF3 (genes.gff3) and assembly.json.
// Chromosomes are generated and written one chunk at a time, so a human-sized genome (3.1 Gb)
// builds in bounded memory.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TwoBitWriter } from '../twobit-writer.js';
import type { AssemblyFileRecord, AssemblyManifest, CytoBand, Transcript } from '../types.js';
import { formatGenePredRow, nameGenes, placeGenes, ucscBin, type GeneModel } from './genes.js';
import { formatGff3 } from './gff.js';
import { DEMO_PROFILE, HUMAN_PROFILE, demoChromosomes, humanChromosomes, layoutChromosome, type ChromLayout, type Gap, type Profile } from './layout.js';
import { chromosomeChunks, planIslands, planRepeats, repeatFamilies, type CpgIsland } from './sequence.js';

/** Bump whenever the output for a given seed changes, so cached demo assemblies are rebuilt. */
export const DEMO_GENERATOR_VERSION = 4;
export const DEFAULT_DEMO_SEED = 1;

export interface BuildDemoOptions {
  seed?: number;
  /**
   * 'demo' (default): ~8 Mb on chr1-5, chrX and chrM with ~300 genes. A number multiplies the demo
   * chromosome lengths (and so the gene count). 'human': hg38-sized chromosomes chr1-22, X, Y, M
   * (3.1 Gb) with ~20,000 genes, for benchmarks.
   */
  scale?: number | 'demo' | 'human';
  /** assembly name: file prefix and manifest name (default "demo") */
  name?: string;
  /** called after each chromosome is written */
  onProgress?: (info: { chrom: string; done: number; total: number; bases: number }) => void;
}

export interface DemoSummary {
  chromosomes: number;
  bases: number;
  nBases: number;
  maskedBases: number;
  genes: number;
  transcripts: number;
  genesPlus: number;
  genesMinus: number;
  overlappingGenes: number;
  nestedGenes: number;
  nonCodingGenes: number;
  cpgIslands: number;
  repeats: number;
  bands: number;
  gaps: number;
}

const TEXT = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '');

export async function buildDemoAssembly(dir: string, opts: BuildDemoOptions = {}): Promise<{ dir: string; manifest: AssemblyManifest; summary: DemoSummary }> {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`demo seed must be a non-negative integer, got ${seed}`);
  const name = opts.name ?? 'demo';
  const scale = opts.scale ?? 'demo';
  const human = scale === 'human';
  const factor = typeof scale === 'number' ? scale : 1;
  if (!(factor > 0 && factor <= 400)) throw new Error(`demo scale must be in (0, 400], got ${scale}`);
  const profile: Profile = human ? HUMAN_PROFILE : DEMO_PROFILE;
  const specs = human ? humanChromosomes() : demoChromosomes(seed, factor);
  await mkdir(dir, { recursive: true });

  const layouts = specs.map((s) => layoutChromosome(s, profile, seed));
  const families = repeatFamilies(seed);
  // genes for every chromosome first (small), so names follow genomic order genome-wide
  const genesByChrom = new Map<string, GeneModel[]>();
  for (const l of layouts) {
    const count = l.spec.centromere === 0 ? 0 : Math.max(3, Math.round((l.spec.length / 1e6) * profile.genesPerMb));
    const genes = count ? placeGenes(l, profile, seed, count) : [];
    genes.sort((a, b) => a.transcripts[0].txStart - b.transcripts[0].txStart);
    genesByChrom.set(l.spec.name, genes);
  }
  const allGenes = layouts.flatMap((l) => genesByChrom.get(l.spec.name)!);
  nameGenes(allGenes, seed);

  const summary: DemoSummary = {
    chromosomes: layouts.length, bases: 0, nBases: 0, maskedBases: 0, genes: allGenes.length,
    transcripts: 0, genesPlus: 0, genesMinus: 0, overlappingGenes: 0, nestedGenes: 0, nonCodingGenes: 0,
    cpgIslands: 0, repeats: 0, bands: 0, gaps: 0,
  };
  const islands: CpgIsland[] = [];
  const twoBitName = `${name}.2bit`;
  const writer = await TwoBitWriter.create(join(dir, twoBitName));
  try {
    for (const [i, l] of layouts.entries()) {
      const genes = genesByChrom.get(l.spec.name)!;
      const isl = planIslands(l, genes, seed);
      const reps = planRepeats(l, profile, families, genes, isl, seed);
      summary.repeats += reps.count;
      writer.beginSequence(l.spec.name);
      for (const chunk of chromosomeChunks(l, profile, genes, isl, reps, families, seed)) await writer.write(chunk);
      // exact: gaps never overlap, and repeats overlap neither each other nor gaps, islands or exons
      for (const g of l.gaps) summary.nBases += g.end - g.start;
      for (let r = 0; r < reps.count; r++) summary.maskedBases += reps.lengths[r];
      await writer.endSequence();
      islands.push(...isl);
      for (const g of genes) g.orf = []; // ORFs are in the sequence now; free them
      summary.bases += l.spec.length;
      opts.onProgress?.({ chrom: l.spec.name, done: i + 1, total: layouts.length, bases: summary.bases });
    }
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }

  const chromOrder = new Map(layouts.map((l, i) => [l.spec.name, i]));
  const transcripts: Transcript[] = allGenes.flatMap((g) => g.transcripts);
  transcripts.sort((a, b) => chromOrder.get(a.chrom)! - chromOrder.get(b.chrom)! || a.txStart - b.txStart || a.txEnd - b.txEnd || a.name.localeCompare(b.name));
  const bands: CytoBand[] = layouts.flatMap((l) => l.bands);
  for (const g of allGenes) {
    if (g.strand === '+') summary.genesPlus++;
    else summary.genesMinus++;
    if (g.placement === 'overlapping') summary.overlappingGenes++;
    if (g.placement === 'nested') summary.nestedGenes++;
    if (!g.coding) summary.nonCodingGenes++;
  }
  summary.transcripts = transcripts.length;
  summary.cpgIslands = islands.length;
  summary.bands = bands.length;

  const sizes = [...layouts].sort((a, b) => b.spec.length - a.spec.length || chromOrder.get(a.spec.name)! - chromOrder.get(b.spec.name)!);
  const files: Array<[string, string, string]> = [
    ['chromSizes', `${name}.chrom.sizes`, TEXT(sizes.map((l) => `${l.spec.name}\t${l.spec.length}`))],
    ['cytoBand', 'cytoBand.txt', TEXT(bands.map((b) => `${b.chrom}\t${b.start}\t${b.end}\t${b.name}\t${b.stain}`))],
    ['ncbiRefSeq', 'ncbiRefSeq.txt', TEXT(transcripts.map(formatGenePredRow))],
    ['ncbiRefSeqSelect', 'ncbiRefSeqSelect.txt', TEXT(transcripts.filter((t) => t.select).map(formatGenePredRow))],
    ['cpgIslandExt', 'cpgIslandExt.txt', TEXT(islands.map(formatCpgIsland))],
    ['gap', 'gap.txt', TEXT(layouts.flatMap((l) => formatGaps(l)))],
    ['gff3', 'genes.gff3', formatGff3(transcripts, new Map(layouts.map((l) => [l.spec.name, l.spec.length])), `genegym synthetic demo assembly (not a real genome), seed ${seed}`)],
  ];
  summary.gaps = layouts.reduce((n, l) => n + l.gaps.length, 0);
  for (const [, file, text] of files) await writeFile(join(dir, file), text);

  const records: Record<string, AssemblyFileRecord> = {};
  for (const [role, file] of [['twoBit', twoBitName], ...files.map(([r, f]) => [r, f])] as Array<[string, string]>) {
    const p = join(dir, file);
    records[role] = { path: file, bytes: (await stat(p)).size, sha256: await sha256File(p) };
  }
  const manifest: AssemblyManifest = {
    name,
    description: `genegym SYNTHETIC demo assembly (NOT a real genome): generated from seed ${seed} by genegym's demo builder v${DEMO_GENERATOR_VERSION}. ` +
      `Chromosome names (chr1...), gene symbols (DMG1...) and accessions (NM_9xxxxx) only imitate real ones.`,
    synthetic: true,
    createdAt: new Date().toISOString(),
    files: records,
    source: {
      generator: 'genegym-demo',
      generatorVersion: DEMO_GENERATOR_VERSION,
      seed,
      scale,
      summary,
    },
  };
  await writeFile(join(dir, 'assembly.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { dir, manifest, summary };
}

function formatCpgIsland(i: CpgIsland): string {
  const length = i.end - i.start;
  const perCpg = (200 * i.cpg) / length;
  const perGc = (100 * i.gc) / length;
  const obsExp = i.c && i.g ? (i.cpg * length) / (i.c * i.g) : 0;
  return [ucscBin(i.start, i.end), i.chrom, i.start, i.end, `CpG: ${i.cpg}`, length, i.cpg, i.gc, perCpg.toFixed(1), perGc.toFixed(1), obsExp.toFixed(2)].join('\t');
}

function formatGaps(l: ChromLayout): string[] {
  return l.gaps.map((g: Gap, k) => [ucscBin(g.start, g.end), l.spec.name, g.start, g.end, 2 * k + 1, 'N', g.end - g.start, g.type, g.bridged ? 'yes' : 'no'].join('\t'));
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
