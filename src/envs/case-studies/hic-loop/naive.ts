// Naive analyses for case 7, each falling into one planted trap.

import type { CaseStudy } from '../types.js';
import { loopStrengths, REFERENCE_OPTIONS } from './reference.js';

export const naiveHic: CaseStudy['naive'] = [
  {
    name: 'no_masking',
    trap: 'no bin masking: the low-mappability pile-ups at the loop distance and the SV block inflate the expected curve',
    analyse: (files) => loopStrengths(files, { ...REFERENCE_OPTIONS, maskMappability: false, maskSv: false }),
  },
  {
    name: 'coarse_40kb',
    trap: 'the 20 kb loop read at 40 kb: the 40 kb pixel containing bins 8 and 17 dilutes the loop with its halo',
    analyse: (files) => loopStrengths(files, { ...REFERENCE_OPTIONS, resolution: '40kb' }),
  },
  {
    name: 'pooled_expected',
    trap: 'one expected curve pooled over all samples, although case and control differ in distance decay',
    analyse: (files) => loopStrengths(files, { ...REFERENCE_OPTIONS, expected: 'pooled' }),
  },
];
