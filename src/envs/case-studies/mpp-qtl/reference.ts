// Reference analysis for case 8: sort markers by map position, check marker orientation
// (allele frequency against the founder pattern, then the founder HMM's leave-one-out fit),
// reconstruct founder probabilities with the 8-state HMM on a 0.5 cM grid, and run a
// Haley–Knott scan with batch, sex and age as covariates. The peak is the QTL position; the
// founder with the largest adjusted mean at the peak carries the high-effect allele.

import type { Answer } from '../types.js';
import { argmax, balancedMarkers, checkOrientation, chromosomeView, covariates, halfCmGrid, haleyKnottScan, HMM_PARAMS, type ScanResult } from './analysis.js';
import { type FounderPosteriors, type HmmParams, N_FOUNDERS, runFounderHmm } from './hmm.js';
import { loadMpp, type MppData } from './io.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface FounderScanOptions {
  /** sort markers by position (false: walk them in file order) */
  sortMarkers: boolean;
  /**
   * marker coding: 'full' fixes swaps by allele frequency and, where frequency cannot tell (4 of 8
   * founders carry allele 1), by the founder HMM's leave-one-out fit; 'frequency' stops after the
   * frequency step; 'drop-balanced' fixes by frequency and drops the 4-of-8 markers; 'none' uses
   * the coding as given
   */
  orientation: 'full' | 'frequency' | 'drop-balanced' | 'none';
  /** batch indicators as covariates */
  batch: boolean;
  /** regress on founder probabilities (Haley–Knott) or on the most probable founder (hard calls) */
  regressor: 'probabilities' | 'hard-calls';
  hmm: HmmParams;
  /** where founder probabilities are evaluated: a 0.5 cM grid or the markers themselves */
  grid: 'half-cM' | 'markers';
}

export const REFERENCE_OPTIONS: FounderScanOptions = { sortMarkers: true, orientation: 'full', batch: true, regressor: 'probabilities', hmm: HMM_PARAMS, grid: 'half-cM' };

/** Replaces each RIL's founder probabilities by an indicator of its most probable founder. */
function hardCalls(p: FounderPosteriors): void {
  for (let o = 0; o < p.probs.length; o += N_FOUNDERS) {
    let b = 0;
    for (let f = 1; f < N_FOUNDERS; f++) if (p.probs[o + f] > p.probs[o + b]) b = f;
    for (let f = 0; f < N_FOUNDERS; f++) p.probs[o + f] = f === b ? 1 : 0;
  }
}

/** Founder-probability scan of chromosome 1 under the given analysis choices. */
export function founderScan(d: MppData, opts: FounderScanOptions): ScanResult {
  const order = opts.sortMarkers ? 'map' : 'file';
  let flip: Uint8Array | undefined;
  let keep: Uint8Array | undefined;
  if (opts.orientation === 'full' || opts.orientation === 'frequency') flip = checkOrientation(d, order, opts.orientation === 'full').flip;
  else if (opts.orientation === 'drop-balanced') {
    flip = checkOrientation(d, order, false).flip;
    keep = balancedMarkers(d).map((b) => 1 - b);
  }
  const v = chromosomeView(d, 1, order, flip, keep);
  // in file order there is no map to interpolate along, so probabilities stay at the markers
  const grid = opts.sortMarkers && opts.grid === 'half-cM' ? halfCmGrid(v.map.pos) : 'markers';
  const { posteriors } = runFounderHmm(v.map, v.geno, d.nRil, opts.hmm, grid);
  if (opts.regressor === 'hard-calls') hardCalls(posteriors);
  return haleyKnottScan(d, posteriors, grid === 'markers' ? v.map.pos : grid, covariates(d, opts.batch));
}

export function scanAnswer(r: ScanResult): Answer {
  return { high_founder: argmax(r.founderEffects), qtl_pos_cM: r.positions[r.peak] };
}

/** The reference pipeline with some options changed (each mistake and alternative is one change). */
export const withOptions = (change: Partial<FounderScanOptions>) => (files: Files): Answer => scanAnswer(founderScan(loadMpp(files), { ...REFERENCE_OPTIONS, ...change }));

export function referenceMppQtl(files: Files): Answer {
  return scanAnswer(founderScan(loadMpp(files), REFERENCE_OPTIONS));
}
