// Naive analyses for case 9: the reference pipeline with one QC step switched off (or replaced by
// the common shortcut), each falling into one planted trap. Skipping the reciprocal-switch repair
// was tried too, but with 5–10 pairs against 100–250 real switches per haplotype it missed a
// tolerance on only 26 of 100 seeds, so it is not a valid naive check (the repair stays in the
// reference, where it removes a +2–20% bias in t).

import type { CaseStudy } from '../types.js';
import { analyseAdmixture, REFERENCE_PIPELINE } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

export const naiveAdmixture: CaseStudy['naive'] = [
  {
    name: 'no_micro_tract_filter',
    trap: 'short low-posterior, low-complexity micro-tracts kept as real ancestry switches (t inflated)',
    analyse: (f: Files) => analyseAdmixture(f, { ...REFERENCE_PIPELINE, microFilter: 'none' }),
  },
  {
    name: 'no_inversion_fix',
    trap: 'chromosome with A/B labels inverted on both haplotypes taken at face value (fractions shifted)',
    analyse: (f: Files) => analyseAdmixture(f, { ...REFERENCE_PIPELINE, inversionFix: false }),
  },
  {
    name: 'chromosome_length_denominator',
    trap: 'A fraction and switch rate per Morgan of full chromosome length instead of the called tract span',
    analyse: (f: Files) => analyseAdmixture(f, { ...REFERENCE_PIPELINE, denominator: 'chromosome' }),
  },
  {
    name: 'raw_tract_means',
    trap: 't from 1 / mean tract length, counting tracts cut by chromosome ends and gaps as complete',
    analyse: (f: Files) => analyseAdmixture(f, { ...REFERENCE_PIPELINE, timing: 'tract-means' }),
  },
];
