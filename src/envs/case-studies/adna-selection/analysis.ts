// One configurable analysis for case 10: put each locus on a chosen allele scale, model read
// errors one of three ways, map samples to generations, fit s by maximum likelihood (a
// Wright–Fisher HMM, or a deterministic logistic trajectory regression), and report the locus with
// the larger s. The reference, every realistic mistake and the alternatives are settings of it.

import type { Answer } from '../types.js';
import { loadAdna, type AdnaData, type LocusRecord } from './io.js';
import { nelderMead } from '../framework/optim/nelder-mead.js';
import { FrequencyGrid, fitSelection, likelihoodInterval, locusModel, type DerivedSample, type LocusModel, type SelectionFit } from './model.js';
import { LOCUS_LABELS } from './schema.js';
import { damageTarget, DESIGN, LOCI, type DemographyRow, type LocusLabel } from './simulator.js';

export interface AnalysisOptions {
  /** which allele is tracked: the derived one (correct) or the alt allele as reported */
  scale: 'derived' | 'alt';
  /** directional (damage one way, 0.01 the other), symmetric (seq_error both ways) or ignored */
  error: 'directional' | 'symmetric' | 'none';
  /** sample times from the generation column, or elapsed sample_year divided by this many years per generation */
  time: 'generation' | { yearsPerGeneration: number };
  /** frequency-grid states (the reference uses 401) */
  gridSize?: number;
  /** how s is fitted: the Wright–Fisher HMM, or a logistic trajectory regression without drift */
  method?: 'hmm' | 'trajectory';
  /** drift from the demography table's Ne per generation, or its harmonic mean over the series */
  ne?: 'schedule' | 'harmonic-mean';
}

export const REFERENCE_OPTIONS: AnalysisOptions = { scale: 'derived', error: 'directional', time: 'generation', gridSize: 401 };

/** Ne at generation g; outside the table, the nearest row's Ne. */
export function neSchedule(rows: readonly DemographyRow[]): (g: number) => number {
  const sorted = [...rows].sort((a, b) => a.start - b.start);
  return (g) => {
    for (const r of sorted) if (g >= r.start && g <= r.end) return r.ne;
    if (g < sorted[0].start) return sorted[0].ne;
    if (g > sorted[sorted.length - 1].end) return sorted[sorted.length - 1].ne;
    throw new Error(`demography has a gap at generation ${g}`);
  };
}

/** The locus's samples on the tracked allele's scale with per-sample miscall rates. */
export function locusSamples(rec: LocusRecord, opts: AnalysisOptions): DerivedSample[] {
  const { alleles } = rec;
  const tracked = opts.scale === 'derived' ? alleles.derived : alleles.alt;
  const other = tracked === alleles.ref ? alleles.alt : alleles.ref;
  const n = rec.generation.length;
  const out: DerivedSample[] = [];
  for (let i = 0; i < n; i++) {
    const trackedReads = alleles.alt === tracked ? rec.altReads[i] : rec.totalReads[i] - rec.altReads[i];
    const se = rec.seqError[i];
    let toTracked: number, toOther: number;
    if (opts.error === 'none') toTracked = toOther = 0;
    else if (opts.error === 'symmetric') toTracked = toOther = se;
    else {
      // seq_error is the mean of the two directional rates; the instrument gives 0.01 each way
      const damage = Math.max(DESIGN.instrumentError, 2 * se - DESIGN.instrumentError);
      toTracked = damageTarget(other) === tracked ? damage : DESIGN.instrumentError;
      toOther = damageTarget(tracked) === other ? damage : DESIGN.instrumentError;
    }
    const generation = opts.time === 'generation' ? rec.generation[i] : Math.round(rec.generation[0] + (rec.sampleYear[i] - rec.sampleYear[0]) / opts.time.yearsPerGeneration);
    out.push({ generation, derivedReads: trackedReads, totalReads: rec.totalReads[i], errAncToDer: toTracked, errDerToAnc: toOther });
  }
  return out;
}

export interface LocusFit extends SelectionFit {
  model: LocusModel;
}

/** A constant Ne: the harmonic mean of the schedule over the generations the samples span. */
export function harmonicMeanNe(rows: readonly DemographyRow[], from: number, to: number): (g: number) => number {
  const ne = neSchedule(rows);
  let inv = 0;
  for (let g = from; g <= to; g++) inv += 1 / ne(g);
  const h = (to - from + 1) / inv;
  return () => h;
}

export function fitLocus(data: AdnaData, L: LocusLabel, opts: AnalysisOptions): LocusFit {
  const samples = locusSamples(data.loci[L], opts);
  const gens = samples.map((x) => x.generation);
  const ne = opts.ne === 'harmonic-mean' ? harmonicMeanNe(data.demography, Math.min(...gens), Math.max(...gens)) : neSchedule(data.demography);
  const model = locusModel(samples, ne, new FrequencyGrid(opts.gridSize ?? 401));
  return { ...fitSelection(model), model };
}

/**
 * Logistic trajectory regression: without drift, haploid selection gives logit x_t = a + t·log(1 + s)
 * exactly; (a, s) by binomial maximum likelihood of the reads with the same per-sample miscall rates.
 */
export function fitTrajectory(samples: readonly DerivedSample[]): { s: number; logLik: number } {
  const negLogLik = ([a, b]: number[]) => {
    let ll = 0;
    for (const smp of samples) {
      const x = 1 / (1 + Math.exp(-(a + b * smp.generation)));
      const p = x * (1 - smp.errDerToAnc) + (1 - x) * smp.errAncToDer;
      const k = smp.derivedReads, n = smp.totalReads;
      ll += (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log(1 - p) : 0);
    }
    return -ll;
  };
  // start from a coarse scan of the slope (the likelihood can be flat far from the sweep)
  let best = { x: [0, 0], fx: Infinity };
  const last = Math.max(...samples.map((x) => x.generation));
  for (let b = -0.3; b <= 0.5; b += 0.01)
    for (let mid = 0; mid <= last + 20; mid += 10) {
      const x0 = [-b * mid, b];
      const fx = negLogLik(x0);
      if (fx < best.fx) best = { x: x0, fx };
    }
  const r = nelderMead(negLogLik, best.x, { step: [0.5, 0.005], maxIter: 4000, tolF: 1e-9, tolX: 1e-9 });
  return { s: Math.exp(r.x[1]) - 1, logLik: -r.fx };
}

export interface AdnaResult {
  fits: Record<LocusLabel, { s: number }>;
  selected: LocusLabel;
}

export function analyseAdna(data: AdnaData, opts: AnalysisOptions): AdnaResult {
  const fits = {} as Record<LocusLabel, { s: number }>;
  for (const L of LOCI) fits[L] = opts.method === 'trajectory' ? fitTrajectory(locusSamples(data.loci[L], opts)) : fitLocus(data, L, opts);
  return { fits, selected: fits.A.s >= fits.B.s ? 'A' : 'B' };
}

export function toAnswer(r: AdnaResult): Answer {
  return { selected_locus: LOCUS_LABELS.indexOf(r.selected), s: r.fits[r.selected].s };
}

export function analysis(opts: AnalysisOptions) {
  return (files: ReadonlyMap<string, Uint8Array>): Answer => toAnswer(analyseAdna(loadAdna(files), opts));
}

/** The reference's intervals (for reasoning text and checks, not graded). */
export function referenceIntervals(data: AdnaData): Record<LocusLabel, { s: number; ci: [number, number] }> {
  const out = {} as Record<LocusLabel, { s: number; ci: [number, number] }>;
  for (const L of LOCI) {
    const fit = fitLocus(data, L, REFERENCE_OPTIONS);
    out[L] = { s: fit.s, ci: likelihoodInterval(fit.model, fit) };
  }
  return out;
}
