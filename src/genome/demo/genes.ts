// Gene models of the synthetic demo genome: multi-exon genes on both strands, NM_/NR_-style
// accessions with versions, alternative transcripts (exon skipping, alternative TSS and polyA)
// with one Select transcript per gene, tail-to-tail overlapping genes and genes nested in
// introns. The Select transcript of a coding gene gets a real open reading frame (ATG ... stop,
// no in-frame stop) painted into the sequence, so CDS questions have sensible answers.

import type { Strand, Transcript } from '../types.js';
import type { ChromLayout, Profile } from './layout.js';
import { Rng } from './prng.js';

export interface GeneModel {
  /** assigned after all genes are placed (genomic order) */
  symbol: string;
  chrom: string;
  strand: Strand;
  coding: boolean;
  /** first entry is the Select transcript */
  transcripts: Transcript[];
  /** ORF of the Select transcript in genomic orientation, cut at exon boundaries */
  orf: Array<{ start: number; seq: string }>;
  /** kind of placement, for tests and the manifest summary */
  placement: 'single' | 'overlapping' | 'nested';
}

interface Structure {
  /** exon and intron lengths in transcription order */
  exons: number[];
  introns: number[];
  /** 5' and 3' UTR lengths (0 for non-coding) */
  utr5: number;
  utr3: number;
  coding: boolean;
  span: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.round(Math.max(lo, Math.min(hi, x)));

function buildStructure(rng: Rng, profile: Profile, opts: { exonCount?: number; maxIntron?: number; coding?: boolean } = {}): Structure {
  const k = opts.exonCount ?? clamp(2 + rng.exponential(7), 2, 40);
  const exons: number[] = [];
  for (let i = 0; i < k; i++) {
    if (i === 0) exons.push(clamp(rng.logNormal(220, 0.5), 60, 1200));
    else if (i === k - 1) exons.push(clamp(rng.logNormal(1100, 0.6), 250, 5000));
    else exons.push(clamp(rng.normal(140, 50), 45, 420));
  }
  const maxIntron = opts.maxIntron ?? profile.intron.max;
  const introns: number[] = [];
  for (let i = 0; i < k - 1; i++) introns.push(clamp(rng.logNormal(profile.intron.median, profile.intron.sigma), 80, maxIntron));
  const coding = opts.coding ?? true;
  const exonic = exons.reduce((a, b) => a + b, 0);
  let utr5 = 0;
  let utr3 = 0;
  if (coding) {
    utr5 = clamp(rng.logNormal(120, 0.6), 25, Math.max(25, exons[0] - 10));
    utr3 = clamp(rng.logNormal(700, 0.6), 120, exons[k - 1] - 60);
    const cds = exonic - utr5 - utr3;
    // a CDS is whole codons: the remainder moves into the 3' UTR
    utr3 += cds % 3;
  }
  return { exons, introns, utr5, utr3, coding, span: exonic + introns.reduce((a, b) => a + b, 0) };
}

/** Genomic position of the base at transcript offset `o` (0-based, in transcription order). */
function txToGenome(starts: number[], ends: number[], strand: Strand, o: number): number {
  if (strand === '+') {
    for (let i = 0; i < starts.length; i++) {
      const len = ends[i] - starts[i];
      if (o < len) return starts[i] + o;
      o -= len;
    }
  } else {
    for (let i = starts.length - 1; i >= 0; i--) {
      const len = ends[i] - starts[i];
      if (o < len) return ends[i] - 1 - o;
      o -= len;
    }
  }
  throw new Error('transcript offset beyond the exons');
}

/**
 * UCSC exonFrames: for each exon (genomic order), -1 when it holds no CDS, else the number of CDS
 * bases before it in transcription order, modulo 3.
 */
export function computeExonFrames(t: Pick<Transcript, 'strand' | 'cdsStart' | 'cdsEnd' | 'exonStarts' | 'exonEnds'>): number[] {
  const n = t.exonStarts.length;
  const frames = new Array<number>(n).fill(-1);
  if (t.cdsStart >= t.cdsEnd) return frames;
  let before = 0;
  const order = t.strand === '+' ? [...Array(n).keys()] : [...Array(n).keys()].reverse();
  for (const i of order) {
    const s = Math.max(t.exonStarts[i], t.cdsStart);
    const e = Math.min(t.exonEnds[i], t.cdsEnd);
    if (s >= e) continue;
    frames[i] = before % 3;
    before += e - s;
  }
  return frames;
}

function makeTranscript(chrom: string, strand: Strand, starts: number[], ends: number[], cds: [number, number] | null, gene: string, name: string): Transcript {
  const txStart = starts[0];
  const txEnd = ends[ends.length - 1];
  const t: Transcript = {
    name,
    chrom,
    strand,
    txStart,
    txEnd,
    cdsStart: cds ? cds[0] : txEnd,
    cdsEnd: cds ? cds[1] : txEnd,
    exonStarts: starts,
    exonEnds: ends,
    exonFrames: [],
    gene,
    score: 0,
    cdsStartStat: cds ? 'cmpl' : 'unk',
    cdsEndStat: cds ? 'cmpl' : 'unk',
    select: false,
  };
  t.exonFrames = computeExonFrames(t);
  return t;
}

/** Lays a structure out at genomic `start` and makes the (future Select) transcript. */
function placeStructure(chrom: string, strand: Strand, st: Structure, start: number): Transcript {
  const exonsG = strand === '+' ? st.exons : [...st.exons].reverse();
  const intronsG = strand === '+' ? st.introns : [...st.introns].reverse();
  const starts: number[] = [];
  const ends: number[] = [];
  let at = start;
  exonsG.forEach((len, i) => {
    starts.push(at);
    ends.push(at + len);
    at += len + (intronsG[i] ?? 0);
  });
  let cds: [number, number] | null = null;
  if (st.coding) {
    const exonic = st.exons.reduce((a, b) => a + b, 0);
    const a = txToGenome(starts, ends, strand, st.utr5);
    const b = txToGenome(starts, ends, strand, exonic - st.utr3 - 1);
    cds = strand === '+' ? [a, b + 1] : [b, a + 1];
  }
  return makeTranscript(chrom, strand, starts, ends, cds, '', '');
}

const STOPS = ['TAA', 'TAG', 'TGA'];
const SENSE: string[] = [];
for (const a of 'ACGT') for (const b of 'ACGT') for (const c of 'ACGT') if (!STOPS.includes(a + b + c)) SENSE.push(a + b + c);

const COMP: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };
function revcomp(s: string): string {
  let out = '';
  for (let i = s.length - 1; i >= 0; i--) out += COMP[s[i]];
  return out;
}

/** ATG, random sense codons, a stop; cut into the CDS parts of the exons in genomic order. */
function makeOrf(rng: Rng, t: Transcript): Array<{ start: number; seq: string }> {
  const parts: Array<[number, number]> = [];
  for (let i = 0; i < t.exonStarts.length; i++) {
    const s = Math.max(t.exonStarts[i], t.cdsStart);
    const e = Math.min(t.exonEnds[i], t.cdsEnd);
    if (s < e) parts.push([s, e]);
  }
  const len = parts.reduce((n, [s, e]) => n + e - s, 0);
  if (len % 3 !== 0 || len < 9) throw new Error(`demo gene ${t.name}: CDS of ${len} bp is not whole codons`);
  let coding = 'ATG';
  for (let i = 1; i < len / 3 - 1; i++) {
    let codon = SENSE[rng.u32() % SENSE.length];
    // human codon usage avoids CpG (CGN arginine codons are rare): redraw most of them
    while (/CG/.test(codon) && rng.chance(0.75)) codon = SENSE[rng.u32() % SENSE.length];
    coding += codon;
  }
  coding += rng.pick(STOPS);
  const genomic = t.strand === '+' ? coding : revcomp(coding);
  let at = 0;
  return parts.map(([s, e]) => {
    const seq = genomic.slice(at, at + e - s);
    at += e - s;
    return { start: s, seq };
  });
}

/** Alternative transcripts of a coding or non-coding Select transcript; CDS kept, frames recomputed. */
function variants(rng: Rng, sel: Transcript, count: number): Transcript[] {
  const out: Transcript[] = [];
  const seen = new Set([sel.exonStarts.join(',') + '|' + sel.exonEnds.join(',')]);
  const coding = sel.cdsStart < sel.cdsEnd;
  const n = sel.exonStarts.length;
  for (let tries = 0; out.length < count && tries < count * 6; tries++) {
    const starts = [...sel.exonStarts];
    const ends = [...sel.exonEnds];
    const kind = rng.int(0, 2);
    if (kind === 0 && n >= 3) {
      // skip one internal exon lying wholly inside the CDS (or any internal exon when non-coding)
      const i = rng.int(1, n - 2);
      if (coding && !(starts[i] > sel.cdsStart && ends[i] < sel.cdsEnd)) continue;
      starts.splice(i, 1);
      ends.splice(i, 1);
    } else if (kind === 1) {
      // alternative transcription start: the 5' end moves within the 5' UTR or upstream
      const five = sel.strand === '+' ? 0 : n - 1;
      const room = coding ? (sel.strand === '+' ? sel.cdsStart - starts[0] : ends[n - 1] - sel.cdsEnd) - 10 : ends[five] - starts[five] - 30;
      const d = rng.chance(0.5) ? -rng.int(20, 400) : rng.int(1, Math.max(1, room));
      if (d > 0 && room < 5) continue;
      if (sel.strand === '+') starts[0] += d;
      else ends[n - 1] -= d;
      if (starts[0] < 0) continue;
    } else {
      // alternative polyadenylation: a shorter 3' UTR
      const three = sel.strand === '+' ? n - 1 : 0;
      const room = coding ? (sel.strand === '+' ? ends[n - 1] - sel.cdsEnd : sel.cdsStart - starts[0]) - 30 : ends[three] - starts[three] - 30;
      if (room < 50) continue;
      const d = rng.int(30, room);
      if (sel.strand === '+') ends[n - 1] -= d;
      else starts[0] += d;
    }
    const key = starts.join(',') + '|' + ends.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(makeTranscript(sel.chrom, sel.strand, starts, ends, coding ? [sel.cdsStart, sel.cdsEnd] : null, '', ''));
  }
  return out;
}

interface Blocked {
  start: number;
  end: number;
}

/**
 * Places `count` genes on one chromosome, away from N gaps. Symbols and accessions are assigned
 * later (genome-wide, so they follow genomic order).
 */
export function placeGenes(layout: ChromLayout, profile: Profile, seed: number, count: number): GeneModel[] {
  const chrom = layout.spec.name;
  const len = layout.spec.length;
  const rng = new Rng(seed, `${chrom}/genes`);
  const margin = Math.min(5_000, Math.round(len / 200));
  const blocked: Blocked[] = layout.gaps.map((g) => ({ start: g.start - margin, end: g.end + margin }));
  blocked.push({ start: -Infinity, end: margin }, { start: len - margin, end: Infinity });
  blocked.sort((a, b) => a.start - b.start);
  const hitsGap = (s: number, e: number) => blocked.find((b) => b.start < e && s < b.end);
  const genes: GeneModel[] = [];
  let pos = margin;
  const expectedSpan = (profile.intron.median * 1.5 + 300) * 8;
  const usable = len - layout.gaps.reduce((n, g) => n + g.end - g.start, 0);
  for (let i = 0; i < count && pos < len; ) {
    const remainingGenes = count - i;
    const remainingLen = Math.max(0, usable * ((len - pos) / len) - remainingGenes * expectedSpan);
    const spacing = rng.exponential(Math.max(500, remainingLen / remainingGenes));
    const coding = rng.chance(0.94);
    const st = buildStructure(rng, profile, { coding });
    const prev = genes.length ? genes[genes.length - 1] : undefined;
    const prevSel = prev?.transcripts[0];
    let strand: Strand = rng.chance(0.5) ? '+' : '-';
    let start = Math.round(pos + spacing);
    let placement: GeneModel['placement'] = 'single';
    // tail-to-tail overlap with the previous gene: their 3' UTRs share sequence, CDSs stay apart
    if (prevSel && prev.placement !== 'nested' && prevSel.strand === '+' && prev.coding && coding && rng.chance(0.12)) {
      strand = '-';
      const prevUtr3 = prevSel.txEnd - prevSel.cdsEnd;
      const ov = rng.int(30, Math.max(31, Math.min(prevUtr3, st.utr3) - 40));
      start = prevSel.txEnd - ov;
      placement = 'overlapping';
    }
    const gap = hitsGap(start, start + st.span);
    if (gap) {
      pos = gap.end;
      continue;
    }
    if (start + st.span >= len - margin) break;
    const sel = placeStructure(chrom, strand, st, start);
    const gene: GeneModel = { symbol: '', chrom, strand, coding, transcripts: [sel], orf: [], placement };
    genes.push(gene);
    i++;
    pos = Math.max(pos, sel.txEnd);
    // a gene nested in one of this gene's long introns
    if (i < count && rng.chance(0.1)) {
      const nested = nestInIntron(rng, profile, chrom, sel);
      if (nested) {
        genes.push(nested);
        i++;
      }
    }
  }
  for (const g of genes) {
    const sel = g.transcripts[0];
    if (g.coding) g.orf = makeOrf(rng, sel);
    const extra = rng.chance(0.35) ? rng.int(1, 3) : 0;
    g.transcripts.push(...variants(rng, sel, extra));
  }
  return genes;
}

function nestInIntron(rng: Rng, profile: Profile, chrom: string, host: Transcript): GeneModel | null {
  const room = 400;
  let best = -1;
  for (let i = 0; i + 1 < host.exonStarts.length; i++) {
    const len = host.exonStarts[i + 1] - host.exonEnds[i];
    if (best < 0 || len > host.exonStarts[best + 1] - host.exonEnds[best]) best = i;
  }
  if (best < 0) return null;
  const iStart = host.exonEnds[best] + room;
  const iEnd = host.exonStarts[best + 1] - room;
  for (let tries = 0; tries < 6; tries++) {
    const st = buildStructure(rng, profile, { exonCount: rng.int(2, 4), maxIntron: Math.max(80, (iEnd - iStart) / 6), coding: rng.chance(0.85) });
    if (st.span > iEnd - iStart) continue;
    const start = rng.int(iStart, iEnd - st.span);
    // usually on the opposite strand, as most nested genes in the human genome are
    const strand: Strand = rng.chance(0.7) ? (host.strand === '+' ? '-' : '+') : host.strand;
    const sel = placeStructure(chrom, strand, st, start);
    return { symbol: '', chrom, strand, coding: st.coding, transcripts: [sel], orf: [], placement: 'nested' };
  }
  return null;
}

/**
 * Names genes DMG1, DMG2 ... in genomic order over the whole genome and gives each transcript a
 * unique accession: NM_9xxxxx / NR_9xxxxx (a block real RefSeq does not use for human) with a
 * version. The Select transcript is flagged.
 */
export function nameGenes(genes: GeneModel[], seed: number): void {
  const rng = new Rng(seed, 'accessions');
  const total = genes.reduce((n, g) => n + g.transcripts.length, 0);
  const numbers = rng.shuffle([...Array(total).keys()].map((i) => 900_001 + i * 3 + rng.int(0, 2)));
  let k = 0;
  genes.forEach((g, i) => {
    g.symbol = `DMG${i + 1}`;
    g.transcripts.forEach((t, j) => {
      t.gene = g.symbol;
      t.name = `${g.coding ? 'NM' : 'NR'}_${numbers[k++]}.${rng.int(1, 5)}`;
      t.select = j === 0;
    });
  });
}

/** UCSC standard bin for [start, end) (the "bin" column of genePred, cytoBand-like tables). */
export function ucscBin(start: number, end: number): number {
  const offsets = [512 + 64 + 8 + 1, 64 + 8 + 1, 8 + 1, 1, 0];
  let s = start >>> 17;
  let e = (Math.max(end, start + 1) - 1) >>> 17;
  for (const off of offsets) {
    if (s === e) return off + s;
    s >>>= 3;
    e >>>= 3;
  }
  throw new Error(`range ${start}-${end} is outside the standard UCSC binning scheme (512 Mb)`);
}

/** One genePred row with the leading bin column, as in UCSC's ncbiRefSeq.txt dumps. */
export function formatGenePredRow(t: Transcript): string {
  const list = (xs: number[]) => xs.map((x) => `${x},`).join('');
  return [
    ucscBin(t.txStart, t.txEnd), t.name, t.chrom, t.strand, t.txStart, t.txEnd, t.cdsStart, t.cdsEnd,
    t.exonStarts.length, list(t.exonStarts), list(t.exonEnds), t.score, t.gene, t.cdsStartStat, t.cdsEndStat,
    list(t.exonFrames),
  ].join('\t');
}
