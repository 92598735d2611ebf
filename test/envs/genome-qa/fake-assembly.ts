// A small in-memory AssemblyApi with known truth, for unit tests of the generator, mirror and
// agents. Sequences are seeded pseudo-random with soft-masked stretches and N gaps; genes have
// Select transcripts on both strands; every chromosome but chrM has bands.

import type { AssemblyApi, CytoBand, Gene, Interval, Transcript } from '../../../src/genome/types.js';
import { UnknownGeneError, CoordinateError } from '../../../src/genome/types.js';

function rand(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeSpec {
  chroms: Record<string, number>;
  /** N runs [chrom, start0, end0] */
  gaps?: [string, number, number][];
  /** forced sequence at [chrom, start0, bases] */
  inserts?: [string, number, string][];
  genes?: Transcript[];
  bands?: CytoBand[];
  name?: string;
  synthetic?: boolean;
  /** chromosomes whose sequence is readable only up to this many bases */
  partial?: Record<string, number>;
  extraSizes?: Record<string, number>;
}

const PRIMARY = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM'];

export function tx(init: Partial<Transcript> & Pick<Transcript, 'name' | 'chrom' | 'strand' | 'gene'> & { exons: [number, number][] }): Transcript {
  const starts = init.exons.map((e) => e[0]);
  const ends = init.exons.map((e) => e[1]);
  return {
    name: init.name,
    chrom: init.chrom,
    strand: init.strand,
    txStart: starts[0],
    txEnd: ends[ends.length - 1],
    cdsStart: init.cdsStart ?? starts[0],
    cdsEnd: init.cdsEnd ?? ends[ends.length - 1],
    exonStarts: starts,
    exonEnds: ends,
    exonFrames: init.exonFrames ?? starts.map(() => 0),
    gene: init.gene,
    score: 0,
    cdsStartStat: 'cmpl',
    cdsEndStat: 'cmpl',
    select: init.select ?? false,
  };
}

export function fakeAssembly(spec: FakeSpec): AssemblyApi {
  const r = rand(12345);
  const seqs = new Map<string, string>();
  for (const [chrom, size] of Object.entries(spec.chroms)) {
    const readable = spec.partial?.[chrom] ?? size;
    const chars: string[] = new Array(readable);
    let lower = false;
    for (let i = 0; i < readable; i++) {
      if (r() < 0.002) lower = !lower;
      const b = 'ACGT'[Math.floor(r() * 4)];
      chars[i] = lower ? b.toLowerCase() : b;
    }
    for (const [c, s, e] of spec.gaps ?? []) if (c === chrom) for (let i = s; i < e && i < readable; i++) chars[i] = 'N';
    for (const [c, s, bases] of spec.inserts ?? []) if (c === chrom) for (let i = 0; i < bases.length; i++) chars[s + i] = bases[i];
    seqs.set(chrom, chars.join(''));
  }
  const sizes = new Map<string, number>(Object.entries({ ...spec.chroms, ...(spec.extraSizes ?? {}) }));
  const transcripts = (spec.genes ?? []).filter((t) => PRIMARY.includes(t.chrom));
  const bySymbol = new Map<string, Transcript[]>();
  for (const t of transcripts) {
    if (!bySymbol.has(t.gene)) bySymbol.set(t.gene, []);
    bySymbol.get(t.gene)!.push(t);
  }
  const genes: Gene[] = [];
  for (const [symbol, txs] of bySymbol) {
    if (new Set(txs.map((t) => t.chrom)).size > 1) continue;
    genes.push({
      symbol,
      chrom: txs[0].chrom,
      strand: txs[0].strand,
      start: Math.min(...txs.map((t) => t.txStart)),
      end: Math.max(...txs.map((t) => t.txEnd)),
      transcripts: txs,
      select: txs.find((t) => t.select) ?? null,
      proteinCoding: txs.every((t) => t.cdsStart < t.cdsEnd),
    });
  }
  const order = (c: string) => PRIMARY.indexOf(c);
  genes.sort((a, b) => order(a.chrom) - order(b.chrom) || a.start - b.start);
  const bands = spec.bands ?? [];
  const read = async (chrom: string, start: number, end: number, opts?: { softMask?: boolean }) => {
    const s = seqs.get(chrom);
    if (s === undefined) throw new CoordinateError(`no sequence ${chrom}`);
    if (start < 0 || end > s.length || start > end) throw new CoordinateError(`${chrom}:${start}-${end} outside 0-${s.length}`);
    const out = s.slice(start, end);
    return opts?.softMask === false ? out.toUpperCase() : out;
  };
  return {
    name: spec.name ?? 'fake',
    dir: '/nonexistent/fake',
    manifest: { name: spec.name ?? 'fake', description: 'in-memory test assembly', synthetic: spec.synthetic ?? true, createdAt: '2026-01-01T00:00:00Z', files: {} },
    sequence: {
      names: () => [...seqs.keys()],
      size: (c) => seqs.get(c)?.length,
      read,
      async *scan(chrom, opts) {
        const s = seqs.get(chrom)!;
        const size = opts?.chunkSize ?? 65536;
        for (let i = opts?.start ?? 0; i < (opts?.end ?? s.length); i += size) yield { start: i, seq: await read(chrom, i, Math.min(i + size, opts?.end ?? s.length), opts) };
      },
      close: async () => {},
    },
    chromSizes: () => sizes,
    primaryChromosomes: () => PRIMARY.filter((c) => sizes.has(c)),
    read,
    transcripts: () => transcripts,
    transcript: (acc) => transcripts.find((t) => t.name === acc),
    gene(symbol) {
      const g = genes.find((x) => x.symbol === symbol) ?? genes.find((x) => x.symbol.toLowerCase() === symbol.toLowerCase());
      if (!g) throw new UnknownGeneError(`unknown gene ${symbol}`);
      return g;
    },
    genes: () => genes,
    bandAt: (chrom, pos0) => bands.find((b) => b.chrom === chrom && b.start <= pos0 && pos0 < b.end),
    bandRange(chrom, name): Interval | undefined {
      const hits = bands.filter((b) => b.chrom === chrom && b.name.startsWith(name));
      if (hits.length === 0) return undefined;
      return { chrom, start: Math.min(...hits.map((b) => b.start)), end: Math.max(...hits.map((b) => b.end)) };
    },
    bands: (chrom) => (chrom ? bands.filter((b) => b.chrom === chrom) : bands),
    close: async () => {},
  };
}

/** Evenly spaced bands p2, p1.2, p1.1, q1.1, q1.2, q2 ... over a chromosome. */
export function evenBands(chrom: string, size: number, n: number): CytoBand[] {
  const out: CytoBand[] = [];
  const half = Math.floor(n / 2);
  const step = Math.floor(size / n);
  for (let i = 0; i < n; i++) {
    const arm = i < half ? 'p' : 'q';
    const k = i < half ? half - i : i - half + 1;
    out.push({ chrom, start: i * step, end: i === n - 1 ? size : (i + 1) * step, name: `${arm}${k}1.${(k % 3) + 1}`, stain: i === half - 1 || i === half ? 'acen' : i % 2 ? 'gpos50' : 'gneg' });
  }
  return out;
}

/** Genes placed along a chromosome: multi-exon, alternating strand, one Select each. */
export function laidOutGenes(chrom: string, size: number, count: number, prefix: string): Transcript[] {
  const out: Transcript[] = [];
  const slot = Math.floor(size / (count + 1));
  for (let g = 0; g < count; g++) {
    const base = slot * g + 2000;
    const nEx = 2 + (g % 5);
    const exons: [number, number][] = [];
    let p = base;
    for (let e = 0; e < nEx; e++) {
      const len = 80 + ((g * 37 + e * 53) % 400);
      exons.push([p, p + len]);
      p += len + 300 + ((g * 71 + e * 29) % 1500);
    }
    const strand = g % 2 ? '-' : '+';
    const sym = `${prefix}${g + 1}`;
    out.push(tx({ name: `NM_${prefix.length}${String(g).padStart(5, '0')}${chrom.length}.1`.replace(/NM_/, `NM_${chrom.replace('chr', '')}`), chrom, strand, gene: sym, exons, select: true }));
    if (g % 3 === 0) {
      // an alternative transcript that skips exon 2 (same extent, so extent readings agree)
      out.push(tx({ name: `NM_9${chrom.replace('chr', '')}${String(g).padStart(4, '0')}.2`, chrom, strand, gene: sym, exons: exons.filter((_, i) => i !== 1 || nEx < 3) }));
    }
  }
  return out;
}

/** The standard fake used across genome-QA tests. */
export function standardFake(): AssemblyApi {
  const chroms = { chr1: 300_000, chr2: 250_000, chr3: 250_000, chrX: 200_000, chrY: 80_000, chrM: 16_569 };
  return fakeAssembly({
    name: 'fake',
    chroms,
    gaps: [
      ['chr1', 0, 10_000],
      ['chr2', 120_000, 121_000],
      ['chrM', 3106, 3107],
    ],
    inserts: [
      ['chrM', 0, 'GATCACAGGTCTATCACCCT'],
      ['chr3', 5000, 'GAATTCAAGCTTGAATTCGGATCC'],
    ],
    genes: [
      ...laidOutGenes('chr1', 300_000, 10, 'ALPHA'),
      ...laidOutGenes('chr2', 250_000, 8, 'BETA'),
      ...laidOutGenes('chr3', 250_000, 8, 'GAMMA'),
      ...laidOutGenes('chrX', 200_000, 6, 'XI'),
    ],
    bands: [
      ...evenBands('chr1', 300_000, 10),
      ...evenBands('chr2', 250_000, 8),
      ...evenBands('chr3', 250_000, 8),
      ...evenBands('chrX', 200_000, 6),
      ...evenBands('chrY', 80_000, 4),
      { chrom: 'chrM', start: 0, end: 16_569, name: '', stain: 'gneg' },
    ],
  });
}
