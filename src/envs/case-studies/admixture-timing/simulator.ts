// Simulator for case 9: phased local-ancestry tracts of one admixed person, one haplotype from each
// parent, with parent-specific single-pulse admixture (A proportion m_p, t_p generations; t_p
// log-uniform over 14–400, independently per parent, so no constant t is a good guess).
//
// Clean tracts: per haplotype and chromosome, ancestry junctions at rate t_p per Morgan with
// ancestry A drawn with probability m_p at each junction (the single-pulse CTMC), observed only on
// the called span minus interior gaps (about a third of the map is uncalled, in 12–16 gaps per
// Morgan). Planted, in order:
//   1. real short tracts (< 0.05 M) carrying exactly one QC flag: low posterior, or a high
//      low-complexity share (20–26% of real tracts each, at most half of the short ones);
//   2. reciprocal phase-switch pairs, 12–18% as many as an average haplotype's expected switches:
//      the two haplotypes' ancestry exchanged over 0.004–0.03 M where they differ (same
//      breakpoints on both, jittered by < 1e-4 M);
//   3. micro-tracts, 20–28% as many as the haplotype's expected switches: < 0.004 M, opposite
//      ancestry inside a real tract, with posterior < 0.8 AND low_complexity_frac > 0.6;
//   4. one chromosome, drawn with probability proportional to its called length, with A/B inverted
//      on both haplotypes.
// Artifact counts follow the expected switches so each artifact class moves t by a similar share
// for a recent and an old pulse; artifact lengths shrink with the tract scale for old pulses.
// Truth: realised A fraction of each haplotype's clean tracts over the called span, and the
// generative t_p. One draw per sub-seed; `admixtureAccept` serves it when the data make the answer
// identifiable (parent order, inversion evidence), never on any estimator's success.

import type { CaseFile, Truth } from '../types.js';
import { gzip } from '../framework/gzip.js';
import { Rng } from '../framework/prng.js';
import { beta, exponential, normal } from '../framework/samplers.js';
import { writeTsv, type Cell } from '../framework/tsv.js';
import { AUTOSOMES, roundMorgan, type CalledChromosome } from './genome.js';
import { ANC_A, ANC_B, ancestryFraction, ctmcLogLik, flipChromosome, type Ancestry, type Haplotype, type Tract } from './model.js';

export const CASE_ID = 'admixture-timing';

export const DESIGN = {
  mLow: [0.15, 0.42],
  mHigh: [0.58, 0.85],
  /**
   * Pulse time per parent, log-uniform and independent between parents: from recent admixture (a
   * few hundred years) to old admixture (several thousand years), so no constant t is a good guess.
   */
  tRange: [14, 400],
  calledStartMargin: [0.03, 0.09],
  calledEndMargin: [0.03, 0.08],
  /** interior uncalled gaps per Morgan of chromosome, and their lengths */
  gapsPerMorgan: [12, 16],
  gapLength: [0.01, 0.026],
  /** visible reciprocal phase-switch pairs per genome, per expected real switch of an average haplotype */
  swapsPerSwitch: [0.12, 0.18],
  swapLength: [0.004, 0.03],
  swapJitter: 6e-5,
  /** micro-tracts per haplotype, per expected real switch of that haplotype */
  microPerSwitch: [0.2, 0.28],
  /** at least this many of each artifact */
  minArtifacts: 8,
  microLength: [0.0005, 0.004],
  /**
   * Artifact lengths (and the room they need inside a host tract) shrink as tracts get shorter:
   * they are multiplied by min(1, lengthScaleT / t).
   */
  lengthScaleT: 60,
  /** share of real tracts (chosen among those < 0.05 M) that carry exactly one QC flag, per flag */
  decoyShare: [0.2, 0.26],
  decoyMaxLength: 0.05,
  /** flip evidence (nats, generative t and m) the inverted chromosome must carry to be identifiable */
  inversionMinEvidence: 6,
  minFractionGap: 0.06,
} as const;

export interface AdmixtureLatent {
  /** per file haplotype (0 = h1, 1 = h2) */
  m: [number, number];
  t: [number, number];
  clean: [Haplotype, Haplotype];
  observed: [Haplotype, Haplotype];
  chromosomes: CalledChromosome[];
  invertedChromosome: number;
  /** nats of flip evidence on the inverted chromosome (generative t and m) */
  inversionEvidence: number;
  swaps: number;
  micro: [number, number];
}

export interface AdmixtureSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  latent: AdmixtureLatent;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function goodPosterior(rng: Rng): number {
  return round3(clamp(0.985 + normal(rng, 0, 0.006), 0.95, 0.999));
}
function goodLowComplexity(rng: Rng): number {
  return round3(Math.min(0.45, beta(rng, 1.2, 12)));
}

/** Called span and interior gaps per chromosome (shared by both haplotypes). */
function callChromosomes(rng: Rng): CalledChromosome[] {
  return AUTOSOMES.map((c) => {
    const r = rng.split(c.name);
    const calledStart = roundMorgan(r.uniformRange(...DESIGN.calledStartMargin));
    const calledEnd = roundMorgan(c.lengthMorgan - r.uniformRange(...DESIGN.calledEndMargin));
    const nGaps = Math.max(1, Math.round(c.lengthMorgan * r.uniformRange(...DESIGN.gapsPerMorgan)));
    const gaps: [number, number][] = [];
    for (let tries = 0; gaps.length < nGaps && tries < 2000; tries++) {
      const len = r.uniformRange(...DESIGN.gapLength);
      const s = roundMorgan(r.uniformRange(calledStart + 0.02, calledEnd - 0.02 - len));
      const e = roundMorgan(s + len);
      if (gaps.every(([gs, ge]) => e + 0.02 < gs || s > ge + 0.02)) gaps.push([s, e]);
    }
    gaps.sort((x, y) => x[0] - y[0]);
    return { ...c, calledStart, calledEnd, gaps };
  });
}

/**
 * Expected called Morgan of the genome under DESIGN (chromosome lengths minus the mean end margins
 * and the mean gap total): the nominal length the t tolerance uses, since bounds see only the truth.
 */
export function expectedCalledMorgan(): number {
  const mid = ([a, b]: readonly [number, number]) => (a + b) / 2;
  return AUTOSOMES.reduce((s, c) => s + c.lengthMorgan - mid(DESIGN.calledStartMargin) - mid(DESIGN.calledEndMargin) - Math.max(1, c.lengthMorgan * mid(DESIGN.gapsPerMorgan)) * mid(DESIGN.gapLength), 0);
}

/** Called Morgan of a chromosome (span minus gaps). */
export function calledLength(c: CalledChromosome): number {
  return c.calledEnd - c.calledStart - c.gaps.reduce((s, [gs, ge]) => s + ge - gs, 0);
}

/** Called intervals of a chromosome: the span with its gaps cut out. */
function calledIntervals(c: CalledChromosome): [number, number][] {
  const out: [number, number][] = [];
  let s = c.calledStart;
  for (const [gs, ge] of c.gaps) {
    out.push([s, gs]);
    s = ge;
  }
  out.push([s, c.calledEnd]);
  return out;
}

/** Clean tracts of one haplotype on one chromosome under the single-pulse CTMC. */
export function simulateChromosome(rng: Rng, c: CalledChromosome, t: number, m: number): Tract[] {
  // Ancestry path over the whole chromosome: junction positions and the state after each.
  const junctions: number[] = [];
  const states: Ancestry[] = [];
  let state: Ancestry = rng.bernoulli(m) ? ANC_A : ANC_B;
  const first = state;
  for (let pos = exponential(rng, t); pos < c.lengthMorgan; pos += exponential(rng, t)) {
    const next: Ancestry = rng.bernoulli(m) ? ANC_A : ANC_B;
    if (next !== state) {
      junctions.push(roundMorgan(pos));
      states.push(next);
      state = next;
    }
  }
  const stateAt = (x: number): Ancestry => {
    let s = first;
    for (let j = 0; j < junctions.length && junctions[j] <= x; j++) s = states[j];
    return s;
  };
  const tracts: Tract[] = [];
  for (const [is, ie] of calledIntervals(c)) {
    let s = is;
    let anc = stateAt(is);
    for (let j = 0; j < junctions.length; j++) {
      const x = junctions[j];
      if (x <= is || x >= ie) continue;
      if (x - s >= 1e-6) tracts.push({ start: s, end: x, anc, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
      s = x;
      anc = states[j];
    }
    if (ie - s >= 1e-6) tracts.push({ start: s, end: ie, anc, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
  }
  // Rounding can leave two equal-ancestry neighbours (a junction lost at an interval end): merge.
  const merged: Tract[] = [];
  for (const tr of tracts) {
    const last = merged[merged.length - 1];
    if (last && last.anc === tr.anc && last.end === tr.start) last.end = tr.end;
    else merged.push(tr);
  }
  return merged;
}

const cloneHap = (h: Haplotype): Haplotype => h.map((chrom) => chrom.map((t) => ({ ...t })));

/** Index of the tract of `chrom` that contains [a, b] with `margin` to spare, or −1. */
function hostTract(chrom: readonly Tract[], a: number, b: number, margin: number): number {
  for (let i = 0; i < chrom.length; i++) if (chrom[i].start + margin <= a && b + margin <= chrom[i].end) return i;
  return -1;
}

/**
 * Replaces tract i by left piece, inserted piece [a, b), right piece. The right piece gets its own
 * QC values, as a separately called tract would (identical values would betray the insert).
 */
function splice(rng: Rng, chrom: Tract[], i: number, a: number, b: number, inserted: Omit<Tract, 'start' | 'end'>): void {
  const host = chrom[i];
  const right: Tract = { ...host, start: b, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) };
  chrom.splice(i, 1, { ...host, end: a }, { ...inserted, start: a, end: b }, right);
}

/** A chromosome drawn with probability proportional to its called span. */
function pickChromosome(rng: Rng, chroms: readonly CalledChromosome[]): number {
  const total = chroms.reduce((s, c) => s + (c.calledEnd - c.calledStart), 0);
  let u = rng.uniform() * total;
  for (let i = 0; i < chroms.length; i++) {
    u -= chroms[i].calledEnd - chroms[i].calledStart;
    if (u < 0) return i;
  }
  return chroms.length - 1;
}

/** Reciprocal phase-switch pairs where the two haplotypes differ; returns how many were planted. */
function plantReciprocalSwitches(rng: Rng, chroms: readonly CalledChromosome[], haps: [Haplotype, Haplotype], target: number, scale: number): number {
  let planted = 0;
  for (let tries = 0; planted < target && tries < 50_000; tries++) {
    const c = pickChromosome(rng, chroms);
    const a = roundMorgan(rng.uniformRange(chroms[c].calledStart, chroms[c].calledEnd));
    const b = roundMorgan(a + scale * rng.uniformRange(...DESIGN.swapLength));
    const jitter = () => roundMorgan(rng.uniformRange(-DESIGN.swapJitter, DESIGN.swapJitter));
    const a2 = roundMorgan(a + jitter()), b2 = roundMorgan(b + jitter());
    const i1 = hostTract(haps[0][c], Math.min(a, a2), Math.max(b, b2), 0.002 * scale);
    const i2 = hostTract(haps[1][c], Math.min(a, a2), Math.max(b, b2), 0.002 * scale);
    if (i1 < 0 || i2 < 0) continue;
    const anc1 = haps[0][c][i1].anc, anc2 = haps[1][c][i2].anc;
    if (anc1 === anc2) continue; // an exchange between equal ancestries is invisible
    splice(rng, haps[0][c], i1, a, b, { anc: anc2, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
    splice(rng, haps[1][c], i2, a2, b2, { anc: anc1, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
    planted++;
  }
  return planted;
}

/** Spurious short calls of the opposite ancestry inside real tracts, both flags set; returns how many. */
function plantMicroTracts(rng: Rng, hap: Haplotype, chroms: readonly CalledChromosome[], target: number, scale: number): number {
  let planted = 0;
  for (let tries = 0; planted < target && tries < 50_000; tries++) {
    const c = pickChromosome(rng, chroms);
    const len = scale * rng.uniformRange(...DESIGN.microLength);
    const a = roundMorgan(rng.uniformRange(chroms[c].calledStart, chroms[c].calledEnd - len));
    const b = roundMorgan(a + len);
    if (b <= a) continue;
    const i = hostTract(hap[c], a, b, 0.002 * scale);
    if (i < 0) continue;
    splice(rng, hap[c], i, a, b, {
      anc: (1 - hap[c][i].anc) as Ancestry,
      posterior: round3(rng.uniformRange(0.55, 0.79)),
      lowComplexity: round3(rng.uniformRange(0.62, 0.95)),
    });
    planted++;
  }
  return planted;
}

/**
 * Real short tracts that carry one QC flag but not both: short true tracts are often called with a
 * low posterior, and some lie mostly in low-complexity sequence. A single-column filter drops them.
 */
function plantDecoys(rng: Rng, hap: Haplotype): number {
  const all = hap.flat();
  const short = all.filter((t) => t.end - t.start < DESIGN.decoyMaxLength);
  const perFlag = Math.min(Math.floor(short.length / 2), Math.round(all.length * rng.uniformRange(...DESIGN.decoyShare)));
  const picks = rng.sampleIndices(short.length, 2 * perFlag);
  picks.forEach((k, j) => {
    if (j < perFlag) short[k].lowComplexity = round3(rng.uniformRange(0.62, 0.9));
    else short[k].posterior = round3(rng.uniformRange(0.6, 0.79));
  });
  return perFlag;
}

/**
 * Evidence (nats, generative t_p and m_p) that chromosome `ci` carries the clean labels rather than
 * inverted ones, summed over both haplotypes: how identifiable its inversion is.
 */
function inversionEvidence(ci: number, clean: [Haplotype, Haplotype], m: [number, number], t: [number, number]): number {
  let score = 0;
  for (const p of [0, 1]) {
    const chrom = [clean[p][ci]];
    score += ctmcLogLik(chrom, t[p], m[p]) - ctmcLogLik(flipChromosome(chrom, 0), t[p], m[p]);
  }
  return score;
}

function tractsFile(chroms: readonly CalledChromosome[], haps: [Haplotype, Haplotype]): Uint8Array {
  const rows: Cell[][] = [];
  chroms.forEach((c, ci) => {
    for (const p of [0, 1])
      for (const t of haps[p][ci]) rows.push([c.name, p === 0 ? 'h1' : 'h2', t.start, t.end, t.anc === ANC_A ? 'A' : 'B', t.posterior, t.lowComplexity]);
  });
  return gzip(writeTsv(['chrom', 'hap', 'start_morgan', 'end_morgan', 'anc', 'posterior', 'low_complexity_frac'], rows));
}

function chromosomesFile(chroms: readonly CalledChromosome[]): Uint8Array {
  return gzip(writeTsv(['chrom', 'length_morgan', 'called_start', 'called_end'], chroms.map((c) => [c.name, c.lengthMorgan, c.calledStart, c.calledEnd])));
}

export function simulateAdmixture(seed: number, subSeed: number): AdmixtureSimulation {
  const rng = Rng.from(CASE_ID, seed, subSeed);
  const chroms = callChromosomes(rng.split('called-span'));
  const called = chroms.reduce((s, c) => s + calledLength(c), 0);
  const params = rng.split('parameters');
  const mLow = params.uniformRange(...DESIGN.mLow), mHigh = params.uniformRange(...DESIGN.mHigh);
  const [t0, t1] = DESIGN.tRange;
  const timeDraw = () => Math.exp(params.uniformRange(Math.log(t0), Math.log(t1)));
  const tLow = timeDraw(), tHigh = timeDraw();
  // Which file haplotype carries the low-A parent is random: h1/h2 are not parent1/parent2.
  const lowIsH1 = params.bernoulli(0.5);
  const m: [number, number] = lowIsH1 ? [mLow, mHigh] : [mHigh, mLow];
  const t: [number, number] = lowIsH1 ? [tLow, tHigh] : [tHigh, tLow];

  const r = rng.split('tracts');
  const clean = [0, 1].map((p) => chroms.map((c) => simulateChromosome(r.split(p, c.name), c, t[p], m[p]))) as [Haplotype, Haplotype];
  const frac = clean.map(ancestryFraction) as [number, number];
  const inverted = pickChromosome(rng.split('artifact.inversion'), chroms);
  const evidence = inversionEvidence(inverted, clean, m, t);

  const observed = [cloneHap(clean[0]), cloneHap(clean[1])] as [Haplotype, Haplotype];
  const decoys = [0, 1].map((p) => plantDecoys(rng.split('artifact.decoys', p), observed[p]));
  // Artifact counts follow the expected real switches (2·t·m(1 − m) per called Morgan), so each
  // artifact class moves t by a similar share whatever t is; their lengths follow the tract scale.
  const expectedSwitches = [0, 1].map((p) => 2 * t[p] * m[p] * (1 - m[p]) * called);
  const lengthScale = (tp: number) => Math.min(1, DESIGN.lengthScaleT / tp);
  const ar = rng.split('artifact.counts');
  const nSwaps = Math.max(DESIGN.minArtifacts, Math.round(ar.uniformRange(...DESIGN.swapsPerSwitch) * (expectedSwitches[0] + expectedSwitches[1]) / 2));
  const nMicro = [0, 1].map((p) => Math.max(DESIGN.minArtifacts, Math.round(ar.uniformRange(...DESIGN.microPerSwitch) * expectedSwitches[p])));
  const swaps = plantReciprocalSwitches(rng.split('artifact.reciprocal'), chroms, observed, nSwaps, lengthScale(Math.max(t[0], t[1])));
  const micro = [0, 1].map((p) => plantMicroTracts(rng.split('artifact.micro', p), observed[p], chroms, nMicro[p], lengthScale(t[p]))) as [number, number];
  for (const p of [0, 1]) observed[p][inverted] = observed[p][inverted].map((tr) => ({ ...tr, anc: (1 - tr.anc) as Ancestry }));

  const p1 = frac[0] <= frac[1] ? 0 : 1, p2 = 1 - p1;
  const truth: Truth = {
    parent1_A_fraction: frac[p1],
    parent1_t: t[p1],
    parent2_A_fraction: frac[p2],
    parent2_t: t[p2],
  };
  const files: CaseFile[] = [
    { path: 'tracts.tsv.gz', data: tractsFile(chroms, observed) },
    { path: 'chromosomes.tsv.gz', data: chromosomesFile(chroms) },
  ];
  const nTracts = observed[0].flat().length + observed[1].flat().length;
  return {
    files,
    truth,
    meta: { nTracts, reciprocalPairs: swaps, microTracts: micro[0] + micro[1], decoysPerFlag: decoys, inversionEvidence: evidence, calledMorgan: called },
    latent: { m, t, clean, observed, chromosomes: chroms, invertedChromosome: inverted, inversionEvidence: evidence, swaps, micro },
  };
}
