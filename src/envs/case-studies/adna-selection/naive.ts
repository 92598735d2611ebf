// Naive analyses for case 10, each the reference HMM with one planted trap left in.
// Two further traps were measured but are not serving checks, because at the tolerance
// (max(0.01, 0.25·s)) they pass too often (seeds 100–139, development script not kept): symmetric
// error (seq_error both ways; s biased −28% ± 14%, passes 15/40) and sample_year converted at 25
// years per generation (s biased −31% ± 7%, passes 6/40). The rubric still asks about both.

import type { CaseStudy } from '../types.js';
import { analysis, REFERENCE_OPTIONS } from './analysis.js';

export const naiveAdna: CaseStudy['naive'] = [
  {
    name: 'alt_allele_scale',
    trap: 'selection fitted to the alt allele as reported; at the more strongly selected locus alt is the ancestral allele, so its s comes out negative and the other locus is picked',
    analyse: analysis({ ...REFERENCE_OPTIONS, scale: 'alt' }),
  },
  {
    name: 'error_ignored',
    trap: 'reads taken at face value (no miscalls); early deamination C→T/G→A inflates the rare derived allele and flattens the sweep',
    analyse: analysis({ ...REFERENCE_OPTIONS, error: 'none' }),
  },
  {
    name: 'years_as_generations',
    trap: 'elapsed sample_year used as the number of generations (37 years per generation ignored), so s is per year, about 37 times too small',
    // a 41-state grid: a finer grid cannot undo a 37-fold time error, and each fit takes 37 times the steps
    analyse: analysis({ ...REFERENCE_OPTIONS, time: { yearsPerGeneration: 1 }, gridSize: 41 }),
  },
];
