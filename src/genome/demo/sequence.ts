// Bases of the synthetic demo genome, produced chunk by chunk so a chromosome of any size is never
// held whole. Layers, painted in this order on each chunk:
//   1. background: a first-order Markov chain whose GC follows the isochore, with CpG depleted
//      (CG at about a quarter of its expected rate, as in mammalian DNA) except in CpG islands,
//      which are GC-rich and keep their CpGs;
//   2. interspersed repeats (SINE-, LINE-, LTR-, DNA-transposon-like families made from the seed,
//      diverged copies in either orientation) and simple repeats, soft-masked in lowercase;
//   3. the open reading frames of Select transcripts (uppercase);
//   4. N gaps.
// Restriction sites (EcoRI, BamHI, ...) then occur at natural, composition-dependent rates.

import type { ChromLayout, Isochore, Profile } from './layout.js';
import type { GeneModel } from './genes.js';
import { Rng } from './prng.js';

export interface CpgIsland {
  chrom: string;
  start: number;
  end: number;
  /** filled while the sequence is generated */
  cpg: number;
  gc: number;
  c: number;
  g: number;
}

export interface RepeatFamily {
  name: string;
  repClass: string;
  fwd: Uint8Array;
  rev: Uint8Array;
  /** simple repeats tile a short unit instead of copying a consensus */
  simple: boolean;
  divergence: [number, number];
  weight: number;
  /** insert length: full copy or a fragment ending at the 3' end (median, sigma) */
  fragment: [number, number] | null;
}

export interface RepeatPlan {
  starts: Uint32Array;
  lengths: Uint32Array;
  family: Uint8Array;
  /** offset into the consensus where the copy starts; strand in the sign bit of `reverse` */
  offset: Uint32Array;
  reverse: Uint8Array;
  count: number;
}

const A = 0x41, C = 0x43, G = 0x47, T = 0x54;
const BASES = [A, C, G, T];

/** Random consensus with CpG depleted like the rest of the genome (old repeats lost their CpGs). */
function randomSeq(rng: Rng, len: number, gc: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const r = rng.float();
    let b = r < gc / 2 ? C : r < gc ? G : r < gc + (1 - gc) / 2 ? A : T;
    if (b === G && i > 0 && out[i - 1] === C && rng.chance(0.75)) b = rng.chance(0.5) ? A : T;
    out[i] = b;
  }
  return out;
}

function revcompBytes(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(s.length);
  const comp = (c: number) => (c === A ? T : c === T ? A : c === C ? G : C);
  for (let i = 0; i < s.length; i++) out[s.length - 1 - i] = comp(s[i]);
  return out;
}

/** Repeat families made from the seed (not real RepeatMasker consensus sequences). */
export function repeatFamilies(seed: number): RepeatFamily[] {
  const rng = new Rng(seed, 'repeat-families');
  const fam = (name: string, repClass: string, consensus: Uint8Array, divergence: [number, number], weight: number, fragment: [number, number] | null, simple = false): RepeatFamily => ({
    name, repClass, fwd: consensus, rev: revcompBytes(consensus), simple, divergence, weight, fragment,
  });
  const sine = new Uint8Array([...randomSeq(rng, 280, 0.56), ...new Uint8Array(30).fill(A)]);
  const bytes = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
  return [
    fam('DmSINE1', 'SINE', sine, [0.04, 0.16], 0.33, null),
    fam('DmLINE1', 'LINE', randomSeq(rng, 6000, 0.4), [0.05, 0.25], 0.3, [900, 0.9]),
    fam('DmLTR1', 'LTR', randomSeq(rng, 480, 0.45), [0.08, 0.25], 0.12, null),
    fam('DmDNA1', 'DNA', randomSeq(rng, 1250, 0.4), [0.1, 0.3], 0.1, [500, 0.7]),
    fam('(CA)n', 'Simple_repeat', bytes('CA'), [0.01, 0.06], 0.05, null, true),
    fam('(A)n', 'Simple_repeat', bytes('A'), [0.01, 0.05], 0.04, null, true),
    fam('(GGAA)n', 'Simple_repeat', bytes('GGAA'), [0.02, 0.08], 0.03, null, true),
    fam('(CAG)n', 'Simple_repeat', bytes('CAG'), [0.01, 0.05], 0.03, null, true),
  ];
}

function insertLength(rng: Rng, f: RepeatFamily): number {
  if (f.simple) return rng.int(20, 140);
  if (!f.fragment) return rng.chance(0.8) ? f.fwd.length : rng.int(60, f.fwd.length);
  return Math.max(80, Math.min(f.fwd.length, Math.round(rng.logNormal(f.fragment[0], f.fragment[1]))));
}

/**
 * Chooses repeat insertions covering about `profile.repeatCoverage` of the free sequence, never
 * over exons, CpG islands or N gaps.
 */
export function planRepeats(layout: ChromLayout, profile: Profile, families: RepeatFamily[], genes: GeneModel[], islands: CpgIsland[], seed: number): RepeatPlan {
  const rng = new Rng(seed, `${layout.spec.name}/repeats`);
  const protectedRuns: Array<[number, number]> = [];
  for (const g of layout.gaps) protectedRuns.push([g.start, g.end]);
  for (const i of islands) protectedRuns.push([i.start, i.end]);
  for (const gene of genes) {
    for (const t of gene.transcripts) {
      for (let k = 0; k < t.exonStarts.length; k++) protectedRuns.push([t.exonStarts[k] - 20, t.exonEnds[k] + 20]);
    }
  }
  protectedRuns.sort((a, b) => a[0] - b[0]);
  const weights = families.map((f) => f.weight);
  const meanLen = families.reduce((s, f) => s + f.weight * (f.simple ? 80 : f.fragment ? Math.min(f.fwd.length, f.fragment[0] * 1.5) : f.fwd.length * 0.85), 0) / weights.reduce((a, b) => a + b, 0);
  // mean spacing so that copies cover the target fraction; a little denser to offset rejections
  // spacing for the target coverage; steered below by the coverage reached so far, since copies
  // that would hit an exon, island or gap are dropped (many in the gene-dense demo, few at human scale)
  const target = profile.repeatCoverage;
  const meanGap = (meanLen * (1 - target)) / target;
  const cap = Math.ceil((layout.spec.length / Math.max(50, meanLen)) * 2) + 16;
  let covered = 0;
  const plan: RepeatPlan = {
    starts: new Uint32Array(cap), lengths: new Uint32Array(cap), family: new Uint8Array(cap),
    offset: new Uint32Array(cap), reverse: new Uint8Array(cap), count: 0,
  };
  if (layout.spec.centromere === 0) return plan; // chrM: no repeats
  const len = layout.spec.length;
  let pos = 0;
  let j = 0;
  while (plan.count < cap) {
    const reached = pos > 100_000 ? covered / pos : target;
    const steer = Math.min(4, Math.max(0.25, (reached / target) ** 3));
    pos += Math.round(rng.exponential(meanGap * steer));
    const f = rng.weighted(weights);
    const L = insertLength(rng, families[f]);
    if (pos + L > len) break;
    while (j < protectedRuns.length && protectedRuns[j][1] <= pos) j++;
    // any protected run starting before the copy's end blocks it (runs are sorted by start)
    let blockedUntil = -1;
    for (let k = j; k < protectedRuns.length && protectedRuns[k][0] < pos + L; k++) {
      if (protectedRuns[k][1] > pos) blockedUntil = Math.max(blockedUntil, protectedRuns[k][1]);
    }
    if (blockedUntil >= 0) {
      pos = blockedUntil;
      continue;
    }
    const fam = families[f];
    const i = plan.count++;
    plan.starts[i] = pos;
    plan.lengths[i] = L;
    plan.family[i] = f;
    plan.offset[i] = fam.simple ? rng.int(0, fam.fwd.length - 1) : fam.fwd.length - L;
    plan.reverse[i] = rng.chance(0.5) ? 1 : 0;
    pos += L;
    covered += L;
  }
  return plan;
}

/** CpG islands at the promoters of most coding genes, plus a few orphan islands. */
export function planIslands(layout: ChromLayout, genes: GeneModel[], seed: number): CpgIsland[] {
  const rng = new Rng(seed, `${layout.spec.name}/cpg`);
  const chrom = layout.spec.name;
  const len = layout.spec.length;
  const cands: Array<[number, number]> = [];
  for (const g of genes) {
    if (!g.coding || !rng.chance(0.65)) continue;
    const t = g.transcripts[0];
    const tss = t.strand === '+' ? t.txStart : t.txEnd;
    cands.push([tss - rng.int(150, 900), tss + rng.int(200, 1300)]);
  }
  const orphans = Math.round(genes.length * 0.15);
  for (let i = 0; i < orphans; i++) {
    const s = rng.int(0, Math.max(0, len - 2000));
    cands.push([s, s + rng.int(300, 1500)]);
  }
  cands.sort((a, b) => a[0] - b[0]);
  const out: CpgIsland[] = [];
  for (const [s0, e0] of cands) {
    const s = Math.max(0, s0);
    const e = Math.min(len, e0);
    if (e - s < 200) continue;
    if (layout.gaps.some((g) => g.start < e + 100 && s < g.end + 100)) continue;
    const last = out[out.length - 1];
    if (last && s < last.end + 200) continue;
    out.push({ chrom, start: s, end: e, cpg: 0, gc: 0, c: 0, g: 0 });
  }
  return out;
}

/** Cumulative 16-bit thresholds for A, C, G per previous base (index 0..3 = A C G T, 4 = none). */
function markovTable(iso: Isochore, island: boolean): Uint16Array {
  const gc = island ? Math.min(0.72, iso.gc + 0.22) : iso.gc;
  const cpgKeep = island ? 0.85 : 0.24;
  const p = iso.probs && !island ? iso.probs : [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2];
  const table = new Uint16Array(5 * 3);
  for (let prev = 0; prev < 5; prev++) {
    const q = [...p];
    if (prev === 1) {
      // after a C, G is depleted (methylated CpGs mutate away) and the loss spread over A/C/T
      const lost = q[2] * (1 - cpgKeep);
      q[2] -= lost;
      q[0] += lost / 3;
      q[1] += lost / 3;
      q[3] += lost / 3;
    }
    let acc = 0;
    for (let k = 0; k < 3; k++) {
      acc += q[k];
      table[prev * 3 + k] = Math.min(65535, Math.round(acc * 65536));
    }
  }
  return table;
}

const PREV_INDEX = new Uint8Array(256).fill(4);
PREV_INDEX[A] = 0;
PREV_INDEX[C] = 1;
PREV_INDEX[G] = 2;
PREV_INDEX[T] = 3;

/**
 * Yields the chromosome's bases as ASCII chunks. Counts for the CpG islands are accumulated into
 * `islands` as a side effect (islands are never masked or N, so counting after painting is exact).
 */
export function* chromosomeChunks(
  layout: ChromLayout,
  profile: Profile,
  genes: GeneModel[],
  islands: CpgIsland[],
  repeats: RepeatPlan,
  families: RepeatFamily[],
  seed: number,
): Generator<Buffer> {
  const len = layout.spec.length;
  const chrom = layout.spec.name;
  const rng = new Rng(seed, `${chrom}/bases`);
  const tables = new Map<string, Uint16Array>();
  const tableFor = (iso: Isochore, island: boolean) => {
    const key = `${iso.gc.toFixed(4)}|${island}|${iso.probs ? iso.probs.join(',') : ''}`;
    let t = tables.get(key);
    if (!t) tables.set(key, (t = markovTable(iso, island)));
    return t;
  };
  const orfs = genes.flatMap((g) => g.orf).sort((a, b) => a.start - b.start);
  let isoIdx = 0;
  let islIdx = 0;
  let repIdx = 0;
  let orfIdx = 0;
  let islandStatIdx = 0;
  let prevByte = 0;
  let lastOfPrevChunk = 0;
  for (let cs = 0; cs < len; cs += profile.chunk) {
    const ce = Math.min(len, cs + profile.chunk);
    const buf = Buffer.allocUnsafe(ce - cs);
    // 1. background, run by run of constant (isochore, island) context
    let p = cs;
    while (p < ce) {
      while (layout.isochores[isoIdx].end <= p) isoIdx++;
      while (islIdx < islands.length && islands[islIdx].end <= p) islIdx++;
      const iso = layout.isochores[isoIdx];
      const isl = islands[islIdx];
      const inIsland = !!isl && isl.start <= p;
      let runEnd = Math.min(ce, iso.end);
      if (isl) runEnd = Math.min(runEnd, inIsland ? isl.end : isl.start);
      const table = tableFor(iso, inIsland);
      let prev = prevByte;
      // hot loop: an inline xorshift128 (seeded per run from the stream) gives two 16-bit draws
      // per step, several times faster than a method call per base
      let x = rng.u32() | 1, y = rng.u32(), z = rng.u32(), w = rng.u32();
      let spare = -1;
      for (let i = p; i < runEnd; i++) {
        let r: number;
        if (spare >= 0) {
          r = spare;
          spare = -1;
        } else {
          const t = x ^ (x << 11);
          x = y;
          y = z;
          z = w;
          w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
          r = w & 0xffff;
          spare = w >>> 16;
        }
        const row = PREV_INDEX[prev] * 3;
        const b = r < table[row] ? A : r < table[row + 1] ? C : r < table[row + 2] ? G : T;
        buf[i - cs] = b;
        prev = b;
      }
      prevByte = prev;
      p = runEnd;
    }
    // 2. repeats overlapping the chunk (a copy crossing the boundary is regenerated identically)
    while (repIdx < repeats.count && repeats.starts[repIdx] + repeats.lengths[repIdx] <= cs) repIdx++;
    for (let r = repIdx; r < repeats.count && repeats.starts[r] < ce; r++) paintRepeat(buf, cs, ce, repeats, r, families, seed, chrom);
    // 3. open reading frames
    while (orfIdx < orfs.length && orfs[orfIdx].start + orfs[orfIdx].seq.length <= cs) orfIdx++;
    for (let k = orfIdx; k < orfs.length && orfs[k].start < ce; k++) {
      const o = orfs[k];
      const from = Math.max(cs, o.start);
      const to = Math.min(ce, o.start + o.seq.length);
      buf.write(o.seq.slice(from - o.start, to - o.start), from - cs, 'latin1');
    }
    // 4. N gaps
    for (const g of layout.gaps) {
      const from = Math.max(cs, g.start);
      const to = Math.min(ce, g.end);
      if (from < to) buf.fill(0x4e, from - cs, to - cs);
    }
    // island statistics (UCSC cpgIslandExt columns)
    while (islandStatIdx < islands.length && islands[islandStatIdx].end <= cs) islandStatIdx++;
    for (let k = islandStatIdx; k < islands.length && islands[k].start < ce; k++) {
      const isl = islands[k];
      const from = Math.max(cs, isl.start);
      const to = Math.min(ce, isl.end);
      let prev = from > isl.start ? (from === cs ? lastOfPrevChunk : buf[from - cs - 1]) & 0xdf : 0;
      for (let i = from; i < to; i++) {
        const b = buf[i - cs] & 0xdf;
        if (b === C) isl.c++;
        else if (b === G) {
          isl.g++;
          if (prev === C) isl.cpg++;
        }
        prev = b;
      }
      isl.gc = isl.c + isl.g;
    }
    lastOfPrevChunk = buf[buf.length - 1];
    yield buf;
  }
}

function paintRepeat(buf: Buffer, cs: number, ce: number, plan: RepeatPlan, r: number, families: RepeatFamily[], seed: number, chrom: string): void {
  const fam = families[plan.family[r]];
  const start = plan.starts[r];
  const L = plan.lengths[r];
  const rng = new Rng(seed, `${chrom}/rep/${r}`);
  const div = fam.divergence[0] + rng.float() * (fam.divergence[1] - fam.divergence[0]);
  const threshold = Math.round(div * 4294967296);
  const src = plan.reverse[r] ? fam.rev : fam.fwd;
  const off = plan.offset[r];
  const stop = Math.min(ce, start + L);
  let prev = 0;
  for (let i = 0; i < L && start + i < stop; i++) {
    const mutate = rng.u32() < threshold;
    const pick = rng.u32();
    let b: number;
    if (fam.simple) b = src[(off + i) % src.length];
    else if (plan.reverse[r]) b = src[src.length - off - L + i];
    else b = src[off + i];
    if (mutate) b = BASES[pick & 3];
    // CpG decay: methylated CpGs in old copies mostly became TpG/CpA
    if (b === G && prev === C && (pick >>> 8) % 100 < 60) b = A;
    prev = b;
    if (start + i >= cs) buf[start + i - cs] = b | 0x20;
  }
}
