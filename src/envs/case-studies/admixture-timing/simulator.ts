// Simulator for case 9: phased local-ancestry tracts of one admixed person, one haplotype from each
// parent, with parent-specific single-pulse admixture (A proportion m_p, t_p generations).
//
// Clean tracts: per haplotype and chromosome, ancestry junctions at rate t_p per Morgan with
// ancestry A drawn with probability m_p at each junction (the single-pulse CTMC), observed only on
// the called span minus interior gaps. Planted artifacts, in order:
//   1. reciprocal phase-switch pairs: 5–10 per genome, the two haplotypes' ancestry exchanged over
//      0.02–0.15 M where they differ (same breakpoints on both, jittered by < 1e-4 M);
//   2. micro-tracts: 30–50 per haplotype, < 0.05 M, opposite ancestry inside a real tract, with
//      posterior < 0.8 and low_complexity_frac > 0.6 (plus real tracts that carry only one flag);
//   3. one long chromosome with A/B inverted on both haplotypes (the one where it matters most).
// Truth: realised A fraction of each haplotype's clean tracts over the called span, and the
// generative t_p. A draw is kept only if the CTMC MLE on the clean tracts is within 10% of t_p for
// both haplotypes, the realised fractions differ by ≥ 0.06 (so parent order is unambiguous) and the
// inversion is identifiable (flipping it back gains ≥ 9 log-likelihood units under the truth).
// m ranges are narrower than the design note's [0.1, 0.4] / [0.5, 0.85]: near m = 0.5 an A/B
// inversion leaves the likelihood unchanged, so it shifts fractions but cannot be detected.

import type { CaseFile, Truth } from '../types.js';
import { gzip } from '../framework/gzip.js';
import { Rng } from '../framework/prng.js';
import { beta, exponential, normal } from '../framework/samplers.js';
import { writeTsv, type Cell } from '../framework/tsv.js';
import { AUTOSOMES, roundMorgan, type CalledChromosome } from './genome.js';
import { ANC_A, ANC_B, ancestryFraction, ctmcLogLik, fitPulseTime, flipChromosome, type Ancestry, type Haplotype, type Tract } from './model.js';

export const CASE_ID = 'admixture-timing';

export const DESIGN = {
  mLow: [0.1, 0.3],
  mHigh: [0.6, 0.85],
  t: [6, 14],
  calledStartMargin: [0.02, 0.1],
  calledEndMargin: [0.02, 0.08],
  gapsPerChromosome: [1, 3],
  gapLength: [0.008, 0.04],
  swapsPerGenome: [5, 10],
  swapLength: [0.02, 0.15],
  swapJitter: 6e-5,
  microPerHaplotype: [30, 50],
  microLength: [0.004, 0.045],
  /** real tracts given one QC flag only (high low-complexity, or low posterior) */
  decoysLowComplexity: 6,
  decoysLowPosterior: 4,
  inversionMinLength: 1.8,
  /** flip evidence (nats, generative t and m) the inverted chromosome must carry to be identifiable */
  inversionMinEvidence: 9,
  oracleRelTol: 0.1,
  minFractionGap: 0.06,
  maxDraws: 400,
} as const;

export interface AdmixtureLatent {
  /** per file haplotype (0 = h1, 1 = h2) */
  m: [number, number];
  t: [number, number];
  clean: [Haplotype, Haplotype];
  observed: [Haplotype, Haplotype];
  chromosomes: CalledChromosome[];
  invertedChromosome: number;
  swaps: number;
  micro: [number, number];
  oracleT: [number, number];
  draws: number;
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
    const nGaps = r.integer(...DESIGN.gapsPerChromosome);
    const gaps: [number, number][] = [];
    for (let tries = 0; gaps.length < nGaps && tries < 1000; tries++) {
      const len = r.uniformRange(...DESIGN.gapLength);
      const s = roundMorgan(r.uniformRange(calledStart + 0.05, calledEnd - 0.05 - len));
      const e = roundMorgan(s + len);
      if (gaps.every(([gs, ge]) => e + 0.05 < gs || s > ge + 0.05)) gaps.push([s, e]);
    }
    gaps.sort((a, b) => a[0] - b[0]);
    return { ...c, calledStart, calledEnd, gaps };
  });
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

/** Lengths of the called chromosomes, for drawing positions proportional to map length. */
function pickChromosome(rng: Rng, chroms: readonly CalledChromosome[]): number {
  const total = chroms.reduce((s, c) => s + (c.calledEnd - c.calledStart), 0);
  let u = rng.uniform() * total;
  for (let i = 0; i < chroms.length; i++) {
    u -= chroms[i].calledEnd - chroms[i].calledStart;
    if (u < 0) return i;
  }
  return chroms.length - 1;
}

/** Reciprocal phase-switch pairs; returns how many were planted. */
function plantReciprocalSwitches(rng: Rng, chroms: readonly CalledChromosome[], haps: [Haplotype, Haplotype]): number {
  const target = rng.integer(...DESIGN.swapsPerGenome);
  let planted = 0;
  for (let tries = 0; planted < target && tries < 5000; tries++) {
    const c = pickChromosome(rng, chroms);
    const a = roundMorgan(rng.uniformRange(chroms[c].calledStart, chroms[c].calledEnd));
    const b = roundMorgan(a + rng.uniformRange(...DESIGN.swapLength));
    const jitter = () => roundMorgan(rng.uniformRange(-DESIGN.swapJitter, DESIGN.swapJitter));
    const a2 = roundMorgan(a + jitter()), b2 = roundMorgan(b + jitter());
    const i1 = hostTract(haps[0][c], a, b, 0.005);
    const i2 = hostTract(haps[1][c], Math.min(a, a2), Math.max(b, b2), 0.005);
    if (i1 < 0 || i2 < 0) continue;
    const anc1 = haps[0][c][i1].anc, anc2 = haps[1][c][i2].anc;
    if (anc1 === anc2) continue; // a switch between equal ancestries is invisible
    splice(rng, haps[0][c], i1, a, b, { anc: anc2, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
    splice(rng, haps[1][c], i2, a2, b2, { anc: anc1, posterior: goodPosterior(rng), lowComplexity: goodLowComplexity(rng) });
    planted++;
  }
  return planted;
}

/** Spurious short calls of the opposite ancestry inside real tracts; returns how many. */
function plantMicroTracts(rng: Rng, hap: Haplotype, chroms: readonly CalledChromosome[]): number {
  const target = rng.integer(...DESIGN.microPerHaplotype);
  let planted = 0;
  for (let tries = 0; planted < target && tries < 5000; tries++) {
    const c = pickChromosome(rng, chroms);
    const len = rng.uniformRange(...DESIGN.microLength);
    const a = roundMorgan(rng.uniformRange(chroms[c].calledStart, chroms[c].calledEnd - len));
    const b = roundMorgan(a + len);
    const i = hostTract(hap[c], a, b, 0.004);
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

/** Real tracts that carry one QC flag but not both (a single-column filter would drop them). */
function plantDecoys(rng: Rng, hap: Haplotype): void {
  const real = hap.flatMap((chrom) => chrom.filter((t) => t.posterior >= 0.9));
  const picks = rng.sampleIndices(real.length, DESIGN.decoysLowComplexity + DESIGN.decoysLowPosterior);
  picks.forEach((k, j) => {
    if (j < DESIGN.decoysLowComplexity) real[k].lowComplexity = round3(rng.uniformRange(0.6, 0.85));
    else real[k].posterior = round3(rng.uniformRange(0.7, 0.79));
  });
}

/**
 * The long chromosome whose A/B inversion is most evident: largest log-likelihood gain (generative
 * t_p, m_p) of the clean labels over the inverted ones, summed over both haplotypes. That is also
 * where the inversion shifts the fractions most (h1 mostly B and h2 mostly A, or the reverse).
 */
function chooseInversion(chroms: readonly CalledChromosome[], clean: [Haplotype, Haplotype], m: [number, number], t: [number, number]): { index: number; evidence: number } {
  let best = -1, bestScore = -Infinity;
  chroms.forEach((c, ci) => {
    if (c.lengthMorgan < DESIGN.inversionMinLength) return;
    let score = 0;
    for (const p of [0, 1]) {
      const chrom = [clean[p][ci]];
      score += ctmcLogLik(chrom, t[p], m[p]) - ctmcLogLik(flipChromosome(chrom, 0), t[p], m[p]);
    }
    if (score > bestScore) {
      bestScore = score;
      best = ci;
    }
  });
  return { index: best, evidence: bestScore };
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
  const params = rng.split('parameters');
  const mLow = params.uniformRange(...DESIGN.mLow), mHigh = params.uniformRange(...DESIGN.mHigh);
  const tLow = params.uniformRange(...DESIGN.t), tHigh = params.uniformRange(...DESIGN.t);
  // Which file haplotype carries the low-A parent is random: h1/h2 are not parent1/parent2.
  const lowIsH1 = params.bernoulli(0.5);
  const m: [number, number] = lowIsH1 ? [mLow, mHigh] : [mHigh, mLow];
  const t: [number, number] = lowIsH1 ? [tLow, tHigh] : [tHigh, tLow];
  const chroms = callChromosomes(rng.split('called-span'));

  for (let draw = 0; draw < DESIGN.maxDraws; draw++) {
    const r = rng.split('draw', draw);
    const clean = [0, 1].map((p) => chroms.map((c) => simulateChromosome(r.split('tracts', p, c.name), c, t[p], m[p]))) as [Haplotype, Haplotype];
    const frac = clean.map(ancestryFraction) as [number, number];
    const oracle = clean.map((h) => fitPulseTime(h).t) as [number, number];
    if (Math.abs(frac[0] - frac[1]) < DESIGN.minFractionGap) continue;
    if (oracle.some((o, p) => Math.abs(o - t[p]) > DESIGN.oracleRelTol * t[p])) continue;
    const inversion = chooseInversion(chroms, clean, m, t);
    if (inversion.evidence < DESIGN.inversionMinEvidence) continue;

    const observed = [cloneHap(clean[0]), cloneHap(clean[1])] as [Haplotype, Haplotype];
    const swaps = plantReciprocalSwitches(r.split('artifact.reciprocal'), chroms, observed);
    const micro = [0, 1].map((p) => plantMicroTracts(r.split('artifact.micro', p), observed[p], chroms)) as [number, number];
    for (const p of [0, 1]) plantDecoys(r.split('artifact.decoys', p), observed[p]);
    const inverted = inversion.index;
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
      meta: { nTracts, reciprocalPairs: swaps, microTracts: micro[0] + micro[1], oracleDraws: draw + 1 },
      latent: { m, t, clean, observed, chromosomes: chroms, invertedChromosome: inverted, swaps, micro, oracleT: oracle, draws: draw + 1 },
    };
  }
  throw new Error(`${CASE_ID} seed ${seed}.${subSeed}: no draw met the oracle-precision rule in ${DESIGN.maxDraws} draws`);
}
