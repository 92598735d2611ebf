// Chromosome-scale layout of the synthetic demo genome: lengths, centromeres, N gaps (telomeres,
// centromere, contig gaps, acrocentric short arms), cytobands named and stained the way UCSC
// cytoBand.txt does (p36.33 style, acen pair around the centromere, gneg/gposNN/gvar/stalk), and
// GC isochores that follow the band stains (Giemsa-dark bands are AT-rich, as in real genomes).

import type { CytoBand } from '../types.js';
import { Rng } from './prng.js';

export interface Profile {
  /** genes per Mb of chromosome */
  genesPerMb: number;
  /** target band length (bp) */
  bandTarget: number;
  /** band boundaries are rounded to this (UCSC hg38 uses 100 kb) */
  bandRound: number;
  telomere: number;
  /** contig gaps per chromosome [min, max] and their length range */
  contigGaps: [number, number];
  contigGapLength: [number, number];
  intron: { median: number; sigma: number; max: number };
  /** fraction of non-gap, non-exon sequence to cover with soft-masked repeats */
  repeatCoverage: number;
  chunk: number;
}

export const DEMO_PROFILE: Profile = {
  genesPerMb: 40,
  bandTarget: 90_000,
  bandRound: 1_000,
  telomere: 10_000,
  contigGaps: [1, 2],
  contigGapLength: [200, 20_000],
  intron: { median: 650, sigma: 1.0, max: 15_000 },
  repeatCoverage: 0.46,
  chunk: 1 << 20,
};

export const HUMAN_PROFILE: Profile = {
  genesPerMb: 20_000 / 3_088,
  bandTarget: 3_600_000,
  bandRound: 100_000,
  telomere: 10_000,
  contigGaps: [2, 6],
  contigGapLength: [1_000, 200_000],
  intron: { median: 2_200, sigma: 1.35, max: 250_000 },
  repeatCoverage: 0.48,
  chunk: 1 << 22,
};

export interface ChromSpec {
  name: string;
  length: number;
  /** centromere position as a fraction of the length; 0 for chrM */
  centromere: number;
  acrocentric?: boolean;
  /** chromosome with a q12 heterochromatin (gvar) block, like hg38 chr1 and chr9 */
  heterochromatin?: boolean;
}

/** Demo chromosomes (lengths jittered a few percent by the seed). */
export function demoChromosomes(seed: number, scale = 1): ChromSpec[] {
  const rng = new Rng(seed, 'chromosomes');
  const base: Array<[string, number, number, Partial<ChromSpec>?]> = [
    ['chr1', 1_900_000, 0.47, { heterochromatin: true }],
    ['chr2', 1_650_000, 0.38],
    ['chr3', 1_400_000, 0.45],
    ['chr4', 1_200_000, 0.27],
    ['chr5', 1_000_000, 0.14, { acrocentric: true }],
    ['chrX', 1_250_000, 0.39],
  ];
  const chroms = base.map(([name, len, cen, extra]) => ({
    name,
    length: Math.round(len * scale * (1 + (rng.float() - 0.5) * 0.08)),
    centromere: cen,
    ...extra,
  }));
  return [...chroms, { name: 'chrM', length: 16_569, centromere: 0 }];
}

/** Human-sized layout: hg38 primary chromosome lengths and approximate centromere positions. */
export function humanChromosomes(): ChromSpec[] {
  const rows: Array<[string, number, number]> = [
    ['chr1', 248_956_422, 0.49], ['chr2', 242_193_529, 0.38], ['chr3', 198_295_559, 0.46],
    ['chr4', 190_214_555, 0.26], ['chr5', 181_538_259, 0.27], ['chr6', 170_805_979, 0.35],
    ['chr7', 159_345_973, 0.38], ['chr8', 145_138_636, 0.31], ['chr9', 138_394_717, 0.32],
    ['chr10', 133_797_422, 0.30], ['chr11', 135_086_622, 0.40], ['chr12', 133_275_309, 0.27],
    ['chr13', 114_364_328, 0.15], ['chr14', 107_043_718, 0.16], ['chr15', 101_991_189, 0.18],
    ['chr16', 90_338_345, 0.41], ['chr17', 83_257_441, 0.30], ['chr18', 80_373_285, 0.22],
    ['chr19', 58_617_616, 0.45], ['chr20', 64_444_167, 0.43], ['chr21', 46_709_983, 0.26],
    ['chr22', 50_818_468, 0.28], ['chrX', 156_040_895, 0.39], ['chrY', 57_227_415, 0.18],
  ];
  const acro = new Set(['chr13', 'chr14', 'chr15', 'chr21', 'chr22']);
  return [
    ...rows.map(([name, length, centromere]) => ({
      name,
      length,
      centromere,
      acrocentric: acro.has(name),
      heterochromatin: name === 'chr1' || name === 'chr9' || name === 'chr16',
    })),
    { name: 'chrM', length: 16_569, centromere: 0 },
  ];
}

export interface Gap {
  start: number;
  end: number;
  type: 'telomere' | 'centromere' | 'contig' | 'short_arm';
  bridged: boolean;
}

export interface Isochore {
  start: number;
  end: number;
  gc: number;
  /** explicit A, C, G, T probabilities (strand-skewed chrM); otherwise from gc */
  probs?: [number, number, number, number];
}

export interface ChromLayout {
  spec: ChromSpec;
  gaps: Gap[];
  bands: CytoBand[];
  isochores: Isochore[];
  /** [start, end) of the acen bands' union */
  acen: [number, number] | null;
}

const GC_BY_STAIN: Record<string, number> = {
  gneg: 0.47, gpos25: 0.43, gpos50: 0.41, gpos75: 0.39, gpos100: 0.37, acen: 0.40, gvar: 0.38, stalk: 0.42,
};

export function layoutChromosome(spec: ChromSpec, profile: Profile, seed: number): ChromLayout {
  const rng = new Rng(seed, `${spec.name}/layout`);
  const len = spec.length;
  if (spec.centromere === 0) {
    // chrM: one unnamed band, like hg38's cytoBand row for chrM; the rCRS N placeholder at 3107
    const gaps: Gap[] = len > 3107 ? [{ start: 3106, end: 3107, type: 'contig', bridged: true }] : [];
    return {
      spec,
      gaps,
      bands: [{ chrom: spec.name, start: 0, end: len, name: '', stain: 'gneg' }],
      isochores: [{ start: 0, end: len, gc: 0.444, probs: [0.309, 0.313, 0.131, 0.247] }],
      acen: null,
    };
  }
  const round = (x: number) => Math.max(profile.bandRound, Math.round(x / profile.bandRound) * profile.bandRound);
  const cen = round(len * spec.centromere);
  const acenHalf = round(Math.max(len * 0.008, profile.bandRound * 2));
  const acen: [number, number] = [cen - acenHalf, cen + acenHalf];
  const tel = Math.min(profile.telomere, Math.floor(len / 50));
  const gaps: Gap[] = [
    { start: 0, end: tel, type: 'telomere', bridged: false },
    { start: len - tel, end: len, type: 'telomere', bridged: false },
  ];
  // the centromere N block sits inside the acen bands
  const cenGap = Math.round(acenHalf * 0.7);
  gaps.push({ start: cen - cenGap, end: cen + cenGap, type: 'centromere', bridged: false });

  const bands: CytoBand[] = [];
  const qAcen = rng.chance(0.5) ? 'q11' : 'q11.1';
  const pBands = armBands(rng, 'p', acen[0], profile, spec, false);
  const qBands = armBands(rng, 'q', len - acen[1], profile, spec, qAcen === 'q11');
  // p arm: listed from the telomere (highest name) down to the centromere
  let at = 0;
  for (const b of pBands.slice().reverse()) {
    bands.push({ chrom: spec.name, start: at, end: at + b.length, name: b.name, stain: b.stain });
    at += b.length;
  }
  bands.push({ chrom: spec.name, start: acen[0], end: cen, name: 'p11.1', stain: 'acen' });
  bands.push({ chrom: spec.name, start: cen, end: acen[1], name: qAcen, stain: 'acen' });
  at = acen[1];
  for (const b of qBands) {
    bands.push({ chrom: spec.name, start: at, end: at + b.length, name: b.name, stain: b.stain });
    at += b.length;
  }
  bands[bands.length - 1].end = len;
  fixDuplicateNames(bands);

  if (spec.acrocentric) {
    const stalk = bands.find((b) => b.stain === 'stalk');
    if (stalk) gaps.push({ start: stalk.start, end: stalk.end, type: 'short_arm', bridged: false });
  }
  // contig gaps away from the centromere, telomeres and each other
  const nContig = rng.int(profile.contigGaps[0], profile.contigGaps[1]);
  for (let i = 0, tries = 0; i < nContig && tries < 50; tries++) {
    const glen = Math.round(rng.logNormal(Math.sqrt(profile.contigGapLength[0] * profile.contigGapLength[1]), 0.8));
    const g = Math.min(profile.contigGapLength[1], Math.max(profile.contigGapLength[0], glen));
    const margin = Math.round(50_000 * Math.min(1, len / 1e6));
    const s = rng.int(tel + margin, len - tel - g - margin);
    const cand = { start: s, end: s + g, type: 'contig' as const, bridged: rng.chance(0.5) };
    if (gaps.some((x) => x.start < cand.end + 20_000 && cand.start < x.end + 20_000)) continue;
    gaps.push(cand);
    i++;
  }
  gaps.sort((a, b) => a.start - b.start);

  // isochores: each band split in one to three pieces with GC following its stain
  const isochores: Isochore[] = [];
  for (const b of bands) {
    const pieces = Math.max(1, Math.min(3, Math.round((b.end - b.start) / (profile.bandTarget * 0.6))));
    const baseGc = (GC_BY_STAIN[b.stain] ?? 0.41) + (b.stain === 'gneg' ? rng.pick([-0.02, 0, 0.03, 0.06]) : 0);
    let s = b.start;
    for (let k = 0; k < pieces; k++) {
      const e = k === pieces - 1 ? b.end : s + Math.round((b.end - b.start) / pieces);
      isochores.push({ start: s, end: e, gc: Math.min(0.6, Math.max(0.34, baseGc + rng.normal(0, 0.012))) });
      s = e;
    }
  }
  return { spec, gaps, bands, isochores, acen };
}

interface ArmBand {
  name: string;
  stain: string;
  length: number;
}

/**
 * Bands of one arm from the centromere outward, excluding the acen band: names grow outward
 * (p11.2, p12, p13.1 ... p36.33) in regions (first digit), sub-bands (second) and optional
 * sub-sub-bands (after the dot).
 */
function armBands(rng: Rng, arm: 'p' | 'q', armLength: number, profile: Profile, spec: ChromSpec, acenWhole: boolean): ArmBand[] {
  const round = profile.bandRound;
  if (arm === 'p' && spec.acrocentric) {
    // like hg38 chr13-15, 21, 22: p11.2 gvar, p12 stalk (satellite stalk, an N gap), p13 gvar
    const parts = [0.35, 0.3, 0.35].map((f) => Math.max(round, Math.round((armLength * f) / round) * round));
    parts[2] = Math.max(round, armLength - parts[0] - parts[1]);
    return [
      { name: 'p11.2', stain: 'gvar', length: parts[0] },
      { name: 'p12', stain: 'stalk', length: parts[1] },
      { name: 'p13', stain: 'gvar', length: parts[2] },
    ];
  }
  const count = Math.max(3, Math.min(60, Math.round(armLength / profile.bandTarget)));
  // UCSC arms have one to four regions (chr1: p1-p3, q1-q4)
  const regions = count <= 4 ? 1 : count <= 12 ? 2 : count <= 36 ? 3 : 4;
  const perRegion = splitCount(rng, count, regions);
  const names: string[] = [];
  perRegion.forEach((m, r) => {
    // region 1, sub-band 1 holds the acen band: either all of it (q11), so names go on at 12,
    // or its first part (p11.1), so names go on at .2
    const skipFirst = r === 0 && acenWhole ? 1 : 0;
    const subBands = Math.max(1, Math.min(9 - skipFirst, Math.ceil(m / 2)));
    const perSub = splitCount(rng, m, subBands);
    perSub.forEach((d, s) => {
      const sub = s + 1 + skipFirst;
      const stem = `${arm}${r + 1}${sub}`;
      const first = r === 0 && sub === 1 ? 2 : 1;
      if (d === 1 && first === 1) names.push(stem);
      else if (d <= 3 || first === 2) for (let j = 0; j < d; j++) names.push(`${stem}.${first + j}`);
      else {
        // many pieces: a further level, as in p36.31, p36.32, p36.33
        splitCount(rng, d, Math.min(3, Math.ceil(d / 2))).forEach((c, g) => {
          if (c === 1) names.push(`${stem}.${g + 1}`);
          else for (let j = 0; j < c; j++) names.push(`${stem}.${g + 1}${j + 1}`);
        });
      }
    });
  });
  // band lengths: random shares of the arm, rounded to the band grid
  const weights = names.map(() => rng.logNormal(1, 0.45));
  const total = weights.reduce((a, b) => a + b, 0);
  const lengths = weights.map((w) => Math.max(round, Math.round(((armLength * w) / total) / round) * round));
  const drift = armLength - lengths.reduce((a, b) => a + b, 0);
  lengths[lengths.length - 1] += drift;
  if (lengths[lengths.length - 1] < round) {
    // tiny arms: fold rounding slack into the largest band
    const i = lengths.indexOf(Math.max(...lengths));
    lengths[i] += lengths[lengths.length - 1] - round;
    lengths[lengths.length - 1] = round;
  }
  const positives = ['gpos25', 'gpos50', 'gpos75', 'gpos100'];
  const out = names.map((name, i) => ({
    name,
    length: lengths[i],
    // alternate light and dark bands; the band next to the centromere is light
    stain: i % 2 === 0 ? 'gneg' : rng.pick(positives),
  }));
  if (arm === 'q' && spec.heterochromatin && out.length > 2) {
    out[0].stain = 'gvar';
  }
  return out;
}

/** n items split into k non-empty groups at random */
function splitCount(rng: Rng, n: number, k: number): number[] {
  const groups = new Array(k).fill(1);
  for (let i = k; i < n; i++) groups[rng.int(0, k - 1)]++;
  return groups;
}

/** a band name must occur once per chromosome (guards the naming scheme above) */
function fixDuplicateNames(bands: CytoBand[]): void {
  const seen = new Set<string>();
  for (const b of bands) {
    if (seen.has(b.name)) throw new Error(`demo layout produced a duplicate band ${b.chrom} ${b.name}`);
    seen.add(b.name);
  }
}
