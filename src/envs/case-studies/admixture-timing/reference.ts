// Reference analysis for case 9, as a pipeline of QC steps the naive analyses switch off one at a
// time: (1) drop flagged micro-tracts and fill them from agreeing flanks; (2) undo reciprocal
// phase-switch pairs; (3) detect and flip chromosome-level A/B label inversions; (4) A fraction over
// the called tract span; (5) CTMC maximum-likelihood pulse time per haplotype; (6) order parents.

import type { Answer } from '../types.js';
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
  type Ancestry,
  type Haplotype,
  type Tract,
} from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

/** A micro-tract is a likely false call only when short, uncertain AND in low-complexity sequence. */
export const MICRO_RULE = { maxLength: 0.05, maxPosterior: 0.8, minLowComplexity: 0.6 } as const;
/** Breakpoints on h1 and h2 closer than this are one event (a phase switch). */
export const RECIPROCAL_EPS = 1e-4;
export const RECIPROCAL_MAX_LENGTH = 0.25;
/** Flip a chromosome's labels when that raises the two haplotypes' log-likelihood by more than this. */
export const INVERSION_LLR = 6.5;

export const isFlaggedMicro = (t: Tract) =>
  t.end - t.start < MICRO_RULE.maxLength && t.posterior < MICRO_RULE.maxPosterior && t.lowComplexity > MICRO_RULE.minLowComplexity;

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
      const others = haps[p].map((chrom, k) => (k === c ? [] : chrom));
      const fit = fitPulseTime(others);
      const chrom = [haps[p][c]];
      gain += ctmcLogLik(flipChromosome(chrom, 0), fit.t, fit.m) - ctmcLogLik(chrom, fit.t, fit.m);
    }
    return gain;
  });
}

export function fixInversions(haps: [Haplotype, Haplotype], maxFlips = 3): { haps: [Haplotype, Haplotype]; flipped: number[] } {
  let cur = haps;
  const flipped: number[] = [];
  for (let round = 0; round < maxFlips; round++) {
    const gains = inversionGains(cur);
    let best = 0;
    for (let c = 1; c < gains.length; c++) if (gains[c] > gains[best]) best = c;
    if (!(gains[best] > INVERSION_LLR)) break;
    cur = [flipChromosome(cur[0], best), flipChromosome(cur[1], best)];
    flipped.push(best);
  }
  return { haps: cur, flipped };
}

export interface PipelineOptions {
  /** 'flagged' (reference), 'none' (keep every call) */
  microFilter: 'flagged' | 'none';
  reciprocalRepair: boolean;
  inversionFix: boolean;
  /** 'called' (reference): span of called tracts; 'chromosome': the full genetic map length */
  denominator: 'called' | 'chromosome';
  /** 'ctmc' (reference): likelihood with censoring and gaps; 'tract-means': 1 / mean tract length */
  timing: 'ctmc' | 'tract-means';
}

export const REFERENCE_PIPELINE: PipelineOptions = { microFilter: 'flagged', reciprocalRepair: true, inversionFix: true, denominator: 'called', timing: 'ctmc' };

export interface HaplotypeEstimate {
  fraction: number;
  t: number;
}

/** The QC'd haplotypes (exported for tests and diagnostics). */
export function cleanHaplotypes(data: AdmixtureData, opts: PipelineOptions = REFERENCE_PIPELINE): [Haplotype, Haplotype] {
  let haps = data.haps;
  if (opts.microFilter === 'flagged') haps = [dropAndFill(haps[0], isFlaggedMicro).hap, dropAndFill(haps[1], isFlaggedMicro).hap];
  else haps = [haps[0].map(mergeRuns), haps[1].map(mergeRuns)];
  if (opts.reciprocalRepair) haps = repairReciprocalSwitches(haps[0], haps[1]).haps;
  if (opts.inversionFix) haps = fixInversions(haps).haps;
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

export function estimateHaplotype(hap: Haplotype, data: AdmixtureData, opts: PipelineOptions): HaplotypeEstimate {
  if (opts.denominator === 'chromosome') {
    const genome = data.chromosomes.reduce((s, c) => s + c.lengthMorgan, 0);
    const fraction = ancestrySpan(hap).lengthA / genome;
    return { fraction, t: countSwitches(hap) / (2 * fraction * (1 - fraction) * genome) };
  }
  const fraction = ancestryFraction(hap);
  return { fraction, t: opts.timing === 'ctmc' ? fitPulseTime(hap).t : tractMeanRate(hap) };
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
