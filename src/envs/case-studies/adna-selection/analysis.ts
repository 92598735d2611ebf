// One configurable analysis for case 10: put each locus on a chosen allele scale, model read
// errors one of three ways, map samples to generations, fit s by HMM maximum likelihood, and
// report the locus with the larger s. The reference and every naive analysis are settings of it.

import type { Answer } from '../types.js';
import { loadAdna, type AdnaData, type LocusRecord } from './io.js';
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
  /** frequency-grid states (the reference uses 201) */
  gridSize?: number;
}

export const REFERENCE_OPTIONS: AnalysisOptions = { scale: 'derived', error: 'directional', time: 'generation' };

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

export function fitLocus(data: AdnaData, L: LocusLabel, opts: AnalysisOptions): LocusFit {
  const model = locusModel(locusSamples(data.loci[L], opts), neSchedule(data.demography), new FrequencyGrid(opts.gridSize ?? 201));
  return { ...fitSelection(model), model };
}

export interface AdnaResult {
  fits: Record<LocusLabel, LocusFit>;
  selected: LocusLabel;
}

export function analyseAdna(data: AdnaData, opts: AnalysisOptions): AdnaResult {
  const fits = {} as Record<LocusLabel, LocusFit>;
  for (const L of LOCI) fits[L] = fitLocus(data, L, opts);
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
  const r = analyseAdna(data, REFERENCE_OPTIONS);
  const out = {} as Record<LocusLabel, { s: number; ci: [number, number] }>;
  for (const L of LOCI) out[L] = { s: r.fits[L].s, ci: likelihoodInterval(r.fits[L].model, r.fits[L]) };
  return out;
}
