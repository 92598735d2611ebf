// The trap matrix of case 8: each realistic mistake is the reference pipeline with exactly one
// option flipped; the defensible alternatives differ from it in one legitimate choice; the
// metadata guesses name a founder and a position without looking at genotypes or phenotypes.

import type { Alternative, Answer, CaseStudy, Mistake } from '../types.js';
import { checkOrientation, covariates, singleMarkerScan } from './analysis.js';
import { N_FOUNDERS } from './hmm.js';
import { loadMpp } from './io.js';
import { withOptions } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

export const mppMistakes: Mistake[] = [
  {
    name: 'no_orientation_check',
    trap: 'RIL allele coding used as given: where it is reversed relative to founders.tsv the founder HMM reads each founder as the one most unlike it',
    analyse: withOptions({ orientation: 'none' }),
  },
  {
    name: 'no_batch_covariate',
    trap: 'batch left out of the scan: batch tracks one founder at another chromosome-1 locus, whose peak then wins',
    analyse: withOptions({ batch: false }),
  },
];

export const mppAlternatives: Alternative[] = [
  {
    name: 'hard_call_regression',
    choice: 'regression on the most probable founder per RIL (ANOVA on hard calls) instead of on founder probabilities',
    analyse: withOptions({ regressor: 'hard-calls' }),
  },
  {
    name: 'drop_balanced_markers',
    choice: 'coding fixed by allele frequency alone, and the 4-of-8 markers (where frequency cannot tell) dropped instead of checked against the founder HMM',
    analyse: withOptions({ orientation: 'drop-balanced' }),
  },
  {
    name: 'marker_positions_hmm_2pct_error',
    choice: 'founder probabilities at the markers only (no grid), HMM with a 2% error rate and 0.06 switches per cM',
    analyse: withOptions({ grid: 'markers', hmm: { rate: 0.06, error: 0.02 } }),
  },
];

/**
 * One-step changes measured but not claimed as traps (docs/calibration/mpp-qtl.md, 100 served
 * test seeds): the founder HMM walked in file order passes 8% (it degenerates into a
 * single-marker analysis); a batch-adjusted single-marker scan whose founder is the first (in
 * F1…F8 order) carrying the trait-increasing allele at the peak marker passes 29% (a marker names
 * the founder only by chance among the founders sharing its allele); a coding check that stops
 * after allele frequency (4-of-8 markers left as coded) passes 86%.
 */
export const mppDiagnostics: { name: string; analyse: (files: Files) => Answer }[] = [
  { name: 'markers_in_file_order', analyse: withOptions({ sortMarkers: false }) },
  { name: 'frequency_only_orientation', analyse: withOptions({ orientation: 'frequency' }) },
  {
    name: 'biallelic_scan',
    analyse: (files) => {
      const d = loadMpp(files);
      const flip = checkOrientation(d).flip;
      const g = Int8Array.from(d.genotypes, (x, c) => (flip[c % d.nMarker] && (x === 0 || x === 1) ? 1 - x : x));
      const s = singleMarkerScan({ ...d, genotypes: g }, 1, covariates(d, true));
      const up = s.effect >= 0 ? 1 : 0;
      let founder = 0;
      while (founder < N_FOUNDERS - 1 && d.founderAlleles[s.peakCol * N_FOUNDERS + founder] !== up) founder++;
      return { high_founder: founder, qtl_pos_cM: d.pos[s.peakCol] };
    },
  },
];

/** Middle of chromosome 1's marker span: a position guess from the map alone. */
function chr1Middle(files: Files): number {
  const d = loadMpp(files);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < d.nMarker; j++) if (d.chr[j] === 1) [lo, hi] = [Math.min(lo, d.pos[j]), Math.max(hi, d.pos[j])];
  return (lo + hi) / 2;
}

/** The founder carrying the minority allele at the most chromosome-1 markers (the "most divergent" founder). */
function mostDivergentFounder(files: Files): number {
  const d = loadMpp(files);
  const score = new Array<number>(N_FOUNDERS).fill(0);
  for (let j = 0; j < d.nMarker; j++) {
    if (d.chr[j] !== 1) continue;
    let k = 0;
    for (let f = 0; f < N_FOUNDERS; f++) k += d.founderAlleles[j * N_FOUNDERS + f];
    const minor = k <= N_FOUNDERS / 2 ? 1 : 0;
    for (let f = 0; f < N_FOUNDERS; f++) if (d.founderAlleles[j * N_FOUNDERS + f] === minor) score[f]++;
  }
  return score.indexOf(Math.max(...score));
}

export const mppMetadataGuesses: NonNullable<CaseStudy['metadataGuesses']> = [
  { name: 'first_founder_column_mid_chromosome', analyse: (files) => ({ high_founder: 0, qtl_pos_cM: chr1Middle(files) }) },
  { name: 'last_founder_column_mid_chromosome', analyse: (files) => ({ high_founder: N_FOUNDERS - 1, qtl_pos_cM: chr1Middle(files) }) },
  { name: 'most_divergent_founder_mid_chromosome', analyse: (files) => ({ high_founder: mostDivergentFounder(files), qtl_pos_cM: chr1Middle(files) }) },
];
