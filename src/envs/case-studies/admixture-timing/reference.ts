// Reference analysis for case 9, as a pipeline of QC steps the naive analyses switch off one at a
// time: (1) drop flagged micro-tracts and fill them from agreeing flanks; (2) undo reciprocal
// phase-switch pairs; (3) detect and flip chromosome-level A/B label inversions; (4) A fraction over
// the called tract span; (5) CTMC maximum-likelihood pulse time per haplotype; (6) order parents.

import type { Answer } from '../types.js';
import { nelderMead } from '../framework/optim/index.js';
import { loadAdmixture, type AdmixtureData } from './io.js';
import {
  ANC_A,
  ancestryFraction,
  ancestrySpan,
  countSwitches,
  ctmcLogLik,
  fitPulseTime,
  flipChromosome,
  isContiguous,
  mergeRuns,
  switchRateEstimate,
  type Ancestry,
  type Haplotype,
  type PulseFit,
  type Tract,
} from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

/** A micro-tract is a likely false call only when short, uncertain AND in low-complexity sequence. */
export const MICRO_RULE = { maxLength: 0.05, maxPosterior: 0.8, minLowComplexity: 0.6 } as const;
/** Breakpoints on h1 and h2 closer than this are one event (a phase switch). */
export const RECIPROCAL_EPS = 1e-4;
export const RECIPROCAL_MAX_LENGTH = 0.25;
/** Flip a chromosome's labels when that raises the two haplotypes' log-likelihood by more than this. */
export const INVERSION_LLR = 4;
/** The z-score route flips when the two haplotypes' summed z² drops by more than this (z²/2 ≈ log-likelihood). */
export const INVERSION_Z2_DROP = 8;

const isShort = (t: Tract) => t.end - t.start < MICRO_RULE.maxLength;
const lowPosterior = (t: Tract) => t.posterior < MICRO_RULE.maxPosterior;
const lowComplexity = (t: Tract) => t.lowComplexity > MICRO_RULE.minLowComplexity;

export const isFlaggedMicro = (t: Tract) => isShort(t) && lowPosterior(t) && lowComplexity(t);

const MICRO_FILTERS: Record<Exclude<PipelineOptions['microFilter'], 'none'>, (t: Tract) => boolean> = {
  flagged: isFlaggedMicro,
  posterior: (t) => isShort(t) && lowPosterior(t),
  'low-complexity': (t) => isShort(t) && lowComplexity(t),
  length: isShort,
};

/**
 * Removes tracts matching `drop`; a removed stretch whose called neighbours touch it on both sides
 * and agree in ancestry is filled with that ancestry, otherwise it is left uncalled.
 */
export function dropAndFill(hap: Haplotype, drop: (t: Tract) => boolean): { hap: Haplotype; dropped: number; filled: number } {
  let dropped = 0, filled = 0;
  const out = hap.map((chrom) => {
    const kept: Tract[] = [];
    let i = 0;
    while (i < chrom.length) {
      if (!drop(chrom[i])) {
        kept.push({ ...chrom[i++] });
        continue;
      }
      let j = i;
      while (j < chrom.length && drop(chrom[j]) && (j === i || isContiguous(chrom[j - 1], chrom[j]))) j++;
      dropped += j - i;
      const left = kept[kept.length - 1];
      const right = chrom[j];
      if (left && right && !drop(right) && left.anc === right.anc && isContiguous(left, chrom[i]) && isContiguous(chrom[j - 1], right)) {
        kept[kept.length - 1] = { ...left, end: right.end };
        filled += j - i;
        j++;
      }
      i = j;
    }
    return mergeRuns(kept);
  });
  return { hap: out, dropped, filled };
}

/** Index of an isolated tract: contiguous neighbours on both sides, both of the other ancestry. */
function isIsolated(chrom: readonly Tract[], i: number): boolean {
  return i > 0 && i < chrom.length - 1 && isContiguous(chrom[i - 1], chrom[i]) && isContiguous(chrom[i], chrom[i + 1]) &&
    chrom[i - 1].anc !== chrom[i].anc && chrom[i + 1].anc !== chrom[i].anc;
}

/**
 * Undoes reciprocal phase switches: a short isolated tract on h1 whose two breakpoints coincide
 * (within 1e-4 M) with an isolated tract of the opposite ancestry on h2 is the two haplotypes'
 * ancestry exchanged; both are relabelled to their flanks.
 */
export function repairReciprocalSwitches(h1: Haplotype, h2: Haplotype): { haps: [Haplotype, Haplotype]; repaired: number } {
  let repaired = 0;
  const out1: Haplotype = [], out2: Haplotype = [];
  for (let c = 0; c < h1.length; c++) {
    const a = h1[c].map((t) => ({ ...t })), b = h2[c].map((t) => ({ ...t }));
    let j0 = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i].end - a[i].start > RECIPROCAL_MAX_LENGTH || !isIsolated(a, i)) continue;
      while (j0 < b.length && b[j0].start < a[i].start - RECIPROCAL_EPS) j0++;
      for (let j = j0; j < b.length && b[j].start <= a[i].start + RECIPROCAL_EPS; j++) {
        if (Math.abs(b[j].end - a[i].end) >= RECIPROCAL_EPS || b[j].anc === a[i].anc || !isIsolated(b, j)) continue;
        const ancA: Ancestry = a[i - 1].anc, ancB: Ancestry = b[j - 1].anc;
        a[i] = { ...a[i], anc: ancA };
        b[j] = { ...b[j], anc: ancB };
        repaired++;
        break;
      }
    }
    out1.push(mergeRuns(a));
    out2.push(mergeRuns(b));
  }
  return { haps: [out1, out2], repaired };
}

/**
 * Chromosome-level label inversions. For each chromosome c, each haplotype's (t̂, m̂) is fitted on the
 * other chromosomes (so an inverted c cannot pull m̂ toward itself), and the log-likelihood gain of
 * flipping A/B on c for both haplotypes is summed. The chromosome with the largest gain is flipped if
 * that gain exceeds INVERSION_LLR; repeated until no chromosome qualifies.
 */
export function inversionGains(haps: [Haplotype, Haplotype]): number[] {
  return haps[0].map((_, c) => {
    let gain = 0;
    for (const p of [0, 1]) {
      const fit = fitWithout(haps[p], c);
      if (!fit) return 0;
      const chrom = [haps[p][c]];
      gain += ctmcLogLik(flipChromosome(chrom, 0), fit.t, fit.m) - ctmcLogLik(chrom, fit.t, fit.m);
    }
    return gain;
  });
}

/** Pulse fit on every chromosome but `c`; null when those hold a single ancestry (nothing to fit). */
function fitWithout(hap: Haplotype, c: number): PulseFit | null {
  const others = hap.map((chrom, k) => (k === c ? [] : chrom));
  const m = ancestryFraction(others);
  return m > 0 && m < 1 ? fitPulseTime(others) : null;
}

/**
 * Moment route to the same question: per chromosome and haplotype, z = (f_c − m̂)/sd with m̂ and t̂
 * from the other chromosomes and the CTMC time-average variance sd² ≈ 2·m̂(1 − m̂)/(t̂·L_c); the
 * score is how much flipping the chromosome's labels lowers z² summed over both haplotypes.
 */
export function inversionZDrops(haps: [Haplotype, Haplotype]): number[] {
  const fits = [0, 1].map((p) => haps[p].map((_, c) => fitWithout(haps[p], c)));
  return haps[0].map((_, c) => {
    let drop = 0;
    for (const p of [0, 1]) {
      const { lengthA, lengthB } = ancestrySpan([haps[p][c]]);
      const len = lengthA + lengthB;
      if (len <= 0) return 0;
      const fit = fits[p][c];
      if (!fit) return 0;
      const { t, m } = fit;
      const sd = Math.sqrt((2 * m * (1 - m)) / (t * len));
      const f = lengthA / len;
      drop += ((f - m) / sd) ** 2 - ((1 - f - m) / sd) ** 2;
    }
    return drop;
  });
}

export type InversionTest = 'likelihood' | 'z-score';

export function fixInversions(haps: [Haplotype, Haplotype], test: InversionTest = 'likelihood', maxFlips = 3): { haps: [Haplotype, Haplotype]; flipped: number[] } {
  let cur = haps;
  const flipped: number[] = [];
  for (let round = 0; round < maxFlips; round++) {
    const scores = test === 'likelihood' ? inversionGains(cur) : inversionZDrops(cur);
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
    if (!(scores[best] > (test === 'likelihood' ? INVERSION_LLR : INVERSION_Z2_DROP))) break;
    cur = [flipChromosome(cur[0], best), flipChromosome(cur[1], best)];
    flipped.push(best);
  }
  return { haps: cur, flipped };
}

export interface PipelineOptions {
  /**
   * Which short tracts are dropped as caller artifacts: 'flagged' (reference: short AND low
   * posterior AND low-complexity), one flag only ('posterior', 'low-complexity', 'length'), or 'none'.
   */
  microFilter: 'flagged' | 'posterior' | 'low-complexity' | 'length' | 'none';
  reciprocalRepair: boolean;
  /** detect and flip chromosome-level label inversions, by likelihood gain (reference) or z-scores */
  inversionFix: false | InversionTest;
  /**
   * t: 'ctmc' (reference: likelihood with censoring and gap transitions, m at the realised
   * fraction), 'joint-ml' (t and m both by maximum likelihood), 'switch-count' (closed form
   * n·L/(2·L_A·L_B)), 'tract-means' (1 / mean tract length, cut tracts counted as complete),
   * 'map-length' (switches per Morgan of the full genetic map instead of the called span).
   */
  timing: 'ctmc' | 'joint-ml' | 'switch-count' | 'tract-means' | 'map-length';
}

export const REFERENCE_PIPELINE: PipelineOptions = { microFilter: 'flagged', reciprocalRepair: true, inversionFix: 'likelihood', timing: 'ctmc' };

export interface HaplotypeEstimate {
  fraction: number;
  t: number;
}

/** The QC'd haplotypes (exported for tests and diagnostics). */
export function cleanHaplotypes(data: AdmixtureData, opts: PipelineOptions = REFERENCE_PIPELINE): [Haplotype, Haplotype] {
  let haps = data.haps;
  if (opts.microFilter !== 'none') {
    const drop = MICRO_FILTERS[opts.microFilter];
    haps = [dropAndFill(haps[0], drop).hap, dropAndFill(haps[1], drop).hap];
  } else haps = [haps[0].map(mergeRuns), haps[1].map(mergeRuns)];
  if (opts.reciprocalRepair) haps = repairReciprocalSwitches(haps[0], haps[1]).haps;
  if (opts.inversionFix) haps = fixInversions(haps, opts.inversionFix).haps;
  return haps;
}

/** t from mean tract lengths, every tract counted as complete (ignores censoring at ends and gaps). */
function tractMeanRate(hap: Haplotype): number {
  const { lengthA, lengthB } = ancestrySpan(hap);
  const m = lengthA / (lengthA + lengthB);
  let nA = 0, nB = 0;
  for (const chrom of hap) for (const t of chrom) t.anc === ANC_A ? nA++ : nB++;
  // mean A tract = 1/(t(1 − m)), mean B tract = 1/(t·m)
  return (nA / (lengthA * (1 - m)) + nB / (lengthB * m)) / 2;
}

/** Joint maximum likelihood of (t, m) under the CTMC, by Nelder–Mead on (log t, logit m). */
function jointPulseTime(hap: Haplotype): number {
  const start = fitPulseTime(hap);
  const logit = (p: number) => Math.log(p / (1 - p));
  const res = nelderMead(([lt, lm]) => -ctmcLogLik(hap, Math.exp(lt), 1 / (1 + Math.exp(-lm))), [Math.log(start.t), logit(start.m)], { step: [0.1, 0.1], maxIter: 600, tolF: 1e-10, tolX: 1e-8 });
  return Math.exp(res.x[0]);
}

function pulseTime(hap: Haplotype, data: AdmixtureData, timing: PipelineOptions['timing']): number {
  const m = ancestryFraction(hap);
  if (m <= 0 || m >= 1) return 0; // one ancestry left: no junction was observed
  switch (timing) {
    case 'ctmc':
      return fitPulseTime(hap).t;
    case 'joint-ml':
      return jointPulseTime(hap);
    case 'switch-count':
      return switchRateEstimate(hap);
    case 'tract-means':
      return tractMeanRate(hap);
    case 'map-length': {
      const map = data.chromosomes.reduce((s, c) => s + c.lengthMorgan, 0);
      return countSwitches(hap) / (2 * m * (1 - m) * map);
    }
  }
}

export function estimateHaplotype(hap: Haplotype, data: AdmixtureData, opts: PipelineOptions): HaplotypeEstimate {
  return { fraction: ancestryFraction(hap), t: pulseTime(hap, data, opts.timing) };
}

/** Runs the pipeline and orders parents: parent1 is the haplotype with the smaller A fraction. */
export function analyseAdmixture(files: Files, opts: PipelineOptions = REFERENCE_PIPELINE): Answer {
  const data = loadAdmixture(files);
  const haps = cleanHaplotypes(data, opts);
  const est = haps.map((h) => estimateHaplotype(h, data, opts));
  const [p1, p2] = est[0].fraction <= est[1].fraction ? [est[0], est[1]] : [est[1], est[0]];
  return { parent1_A_fraction: p1.fraction, parent1_t: p1.t, parent2_A_fraction: p2.fraction, parent2_t: p2.t };
}

export const referenceAdmixture = (files: Files): Answer => analyseAdmixture(files, REFERENCE_PIPELINE);
