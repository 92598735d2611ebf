// Reference analysis for case 8: sort markers by map position, check marker orientation
// (allele frequency against the founder pattern, then the founder HMM's leave-one-out fit),
// reconstruct founder probabilities with the 8-state HMM on a 0.5 cM grid, and run a
// Haley–Knott scan with batch, sex and age as covariates. The peak is the QTL position; the
// founder with the largest adjusted mean at the peak carries the high-effect allele.

import type { Answer } from '../types.js';
import { argmax, checkOrientation, chromosomeView, covariates, halfCmGrid, haleyKnottScan, HMM_PARAMS, type ScanResult } from './analysis.js';
import { runFounderHmm } from './hmm.js';
import { loadMpp, type MppData } from './io.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface FounderScanOptions {
  /** sort markers by position (false: walk them in file order) */
  sortMarkers: boolean;
  /** fix swapped marker coding before the HMM */
  orientation: boolean;
  /** batch indicators as covariates */
  batch: boolean;
}

export const REFERENCE_OPTIONS: FounderScanOptions = { sortMarkers: true, orientation: true, batch: true };

/** Founder-probability scan of chromosome 1 under the given analysis choices. */
export function founderScan(d: MppData, opts: FounderScanOptions): ScanResult {
  const order = opts.sortMarkers ? 'map' : 'file';
  const flip = opts.orientation ? checkOrientation(d, order).flip : undefined;
  const v = chromosomeView(d, 1, order, flip);
  // in file order there is no map to interpolate along, so probabilities stay at the markers
  const grid = opts.sortMarkers ? halfCmGrid(v.map.pos) : 'markers';
  const { posteriors } = runFounderHmm(v.map, v.geno, d.nRil, HMM_PARAMS, grid);
  return haleyKnottScan(d, posteriors, grid === 'markers' ? v.map.pos : grid, covariates(d, opts.batch));
}

export function scanAnswer(r: ScanResult): Answer {
  return { high_founder: argmax(r.founderEffects), qtl_pos_cM: r.positions[r.peak] };
}

export function referenceMppQtl(files: Files): Answer {
  return scanAnswer(founderScan(loadMpp(files), REFERENCE_OPTIONS));
}
