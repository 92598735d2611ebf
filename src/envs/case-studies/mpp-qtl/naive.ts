// Naive analyses for case 8, each falling into one planted trap of the design.

import type { Answer, CaseStudy } from '../types.js';
import { covariates, singleMarkerScan } from './analysis.js';
import { N_FOUNDERS } from './hmm.js';
import { loadMpp, type MppData } from './io.js';
import { founderScan, REFERENCE_OPTIONS, scanAnswer } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

/**
 * A biallelic analyst's answer: the peak marker's position, and as founder the first founder
 * (in F1..F8 order) that founders.tsv lists with the trait-increasing allele as coded in the
 * genotype file — no founder reconstruction, no orientation check.
 */
function biallelic(d: MppData, withBatch: boolean): Answer {
  const s = singleMarkerScan(d, 1, covariates(d, withBatch));
  const up = s.effect >= 0 ? 1 : 0;
  let founder = 0;
  for (let f = 0; f < N_FOUNDERS; f++)
    if (d.founderAlleles[s.peakCol * N_FOUNDERS + f] === up) {
      founder = f;
      break;
    }
  return { high_founder: founder, qtl_pos_cM: d.pos[s.peakCol] };
}

export const naiveMppQtl: CaseStudy['naive'] = [
  {
    name: 'biallelic_scan_no_batch',
    trap: 'single-marker scan without the batch covariate: peaks at the batch-aligned nuisance locus',
    analyse: (files: Files) => biallelic(loadMpp(files), false),
  },
  {
    name: 'founder_scan_no_batch',
    trap: 'founder HMM and Haley–Knott scan done right, but batch left out: the nuisance peak wins',
    analyse: (files: Files) => scanAnswer(founderScan(loadMpp(files), { ...REFERENCE_OPTIONS, batch: false })),
  },
  {
    name: 'biallelic_scan_batch',
    trap: 'batch-adjusted single-marker scan: right position, but the founder is read off one biallelic marker whose coding is swapped',
    analyse: (files: Files) => biallelic(loadMpp(files), true),
  },
  {
    name: 'markers_in_file_order',
    trap: 'founder HMM run over markers in file order (never sorted by position): reconstruction is noise',
    analyse: (files: Files) => scanAnswer(founderScan(loadMpp(files), { ...REFERENCE_OPTIONS, sortMarkers: false })),
  },
  {
    name: 'no_orientation_check',
    trap: 'founder HMM on the swapped marker coding as given',
    analyse: (files: Files) => scanAnswer(founderScan(loadMpp(files), { ...REFERENCE_OPTIONS, orientation: false })),
  },
];
