// Case 9 model: local-ancestry tracts on one transmitted haplotype and the two-state
// continuous-time Markov chain (CTMC) that a single admixture pulse implies.
//
// Under an infinite-population single pulse t generations ago, ancestry junctions along a
// haplotype form a Poisson process of rate t per Morgan and each segment is ancestry A with
// probability m (runs of equal ancestry merge). Along the map this is a CTMC with rate
// A→B = t(1 − m) and B→A = t·m, stationary P(A) = m, total rate t, so an uncalled gap of g Morgan
// has transition matrix P(g) = π + (I − π)·exp(−t·g).

import { brentMinimize } from '../framework/optim/index.js';

export const ANC_B = 0;
export const ANC_A = 1;
export type Ancestry = typeof ANC_A | typeof ANC_B;

/** Two tract ends closer than this (Morgan) are the same point: the files keep 6 decimals. */
export const CONTIGUOUS_EPS = 1e-7;

export interface Tract {
  start: number;
  end: number;
  anc: Ancestry;
  posterior: number;
  lowComplexity: number;
}

/** One haplotype: tracts per chromosome (index = chromosome order), each list sorted by start. */
export type Haplotype = Tract[][];

export const isContiguous = (left: Tract, right: Tract) => Math.abs(right.start - left.end) < CONTIGUOUS_EPS;

/** Merges contiguous tracts of equal ancestry (after a repair two pieces may meet). */
export function mergeRuns(tracts: readonly Tract[]): Tract[] {
  const out: Tract[] = [];
  for (const t of tracts) {
    const last = out[out.length - 1];
    if (last && last.anc === t.anc && isContiguous(last, t)) {
      const w1 = last.end - last.start, w2 = t.end - t.start;
      out[out.length - 1] = {
        start: last.start,
        end: t.end,
        anc: t.anc,
        posterior: (last.posterior * w1 + t.posterior * w2) / (w1 + w2),
        lowComplexity: (last.lowComplexity * w1 + t.lowComplexity * w2) / (w1 + w2),
      };
    } else out.push({ ...t });
  }
  return out;
}

export interface AncestrySpan {
  lengthA: number;
  lengthB: number;
}

/** Called length in each ancestry over every chromosome of a haplotype. */
export function ancestrySpan(hap: Haplotype): AncestrySpan {
  let lengthA = 0, lengthB = 0;
  for (const chrom of hap)
    for (const t of chrom) {
      if (t.anc === ANC_A) lengthA += t.end - t.start;
      else lengthB += t.end - t.start;
    }
  return { lengthA, lengthB };
}

/** Realised ancestry-A fraction over the called tract span. */
export function ancestryFraction(hap: Haplotype): number {
  const { lengthA, lengthB } = ancestrySpan(hap);
  if (lengthA + lengthB <= 0) throw new Error('haplotype has no called tract span');
  return lengthA / (lengthA + lengthB);
}

/** Ancestry switches between contiguous tracts (switches across an uncalled gap are unobserved). */
export function countSwitches(hap: Haplotype): number {
  let n = 0;
  for (const chrom of hap)
    for (let i = 1; i < chrom.length; i++) if (chrom[i].anc !== chrom[i - 1].anc && isContiguous(chrom[i - 1], chrom[i])) n++;
  return n;
}

/**
 * Closed-form CTMC MLE of t given m̂ = L_A/L, ignoring what happens inside gaps:
 * t̂ = n_switch·L / (2·L_A·L_B).
 */
export function switchRateEstimate(hap: Haplotype): number {
  const { lengthA, lengthB } = ancestrySpan(hap);
  return (countSwitches(hap) * (lengthA + lengthB)) / (2 * lengthA * lengthB);
}

/**
 * CTMC log-likelihood of a haplotype's tracts given pulse time t and A proportion m: the stationary
 * start of each chromosome, exponential holding times (censored at chromosome and gap ends), a jump
 * at each contiguous switch and the gap transition probability across each uncalled gap.
 */
export function ctmcLogLik(hap: Haplotype, t: number, m: number): number {
  const qA = t * (1 - m), qB = t * m; // leaving rates of A and B
  const logQA = Math.log(qA), logQB = Math.log(qB);
  let ll = 0;
  for (const chrom of hap) {
    for (let i = 0; i < chrom.length; i++) {
      const tr = chrom[i];
      const isA = tr.anc === ANC_A;
      if (i === 0) ll += Math.log(isA ? m : 1 - m);
      else {
        const prev = chrom[i - 1];
        const wasA = prev.anc === ANC_A;
        const gap = tr.start - prev.end;
        if (gap < CONTIGUOUS_EPS) {
          if (wasA !== isA) ll += wasA ? logQA : logQB;
          // equal contiguous labels are one run: no event
        } else {
          const decay = Math.exp(-t * gap);
          const target = isA ? m : 1 - m;
          ll += Math.log(target + ((wasA === isA ? 1 : 0) - target) * decay);
        }
      }
      ll -= (isA ? qA : qB) * (tr.end - tr.start);
    }
  }
  return ll;
}

export interface PulseFit {
  t: number;
  m: number;
  logLik: number;
}

/**
 * Maximum-likelihood pulse time: m fixed at the realised called-span fraction (the CTMC MLE of m
 * up to end effects), t by Brent on log t over [0.2, 4000] generations.
 */
export function fitPulseTime(hap: Haplotype): PulseFit {
  const m = ancestryFraction(hap);
  if (m <= 0 || m >= 1) throw new Error(`cannot time a pulse on a haplotype with A fraction ${m}`);
  const res = brentMinimize((logT) => -ctmcLogLik(hap, Math.exp(logT), m), Math.log(0.2), Math.log(4000), { tol: 1e-9 });
  return { t: Math.exp(res.x), m, logLik: -res.fx };
}

/** The haplotype with every label on one chromosome inverted (A ↔ B). */
export function flipChromosome(hap: Haplotype, chromIndex: number): Haplotype {
  return hap.map((chrom, c) => (c === chromIndex ? chrom.map((t) => ({ ...t, anc: (1 - t.anc) as Ancestry })) : chrom));
}
