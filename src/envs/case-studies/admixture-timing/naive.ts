// The trap matrix of case 9: each realistic mistake is the reference pipeline with exactly one
// step skipped or done the common wrong way (one option flipped), and the defensible alternatives
// that differ from it only in a legitimate choice.

import type { Alternative, Answer, Mistake } from '../types.js';
import { analyseAdmixture, REFERENCE_PIPELINE, type PipelineOptions } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

const withOption = (change: Partial<PipelineOptions>) => (f: Files): Answer => analyseAdmixture(f, { ...REFERENCE_PIPELINE, ...change });

export const admixtureMistakes: Mistake[] = [
  {
    name: 'no_micro_tract_filter',
    trap: 'short low-posterior, low-complexity micro-tracts kept as real ancestry switches (t inflated)',
    analyse: withOption({ microFilter: 'none' }),
  },
  {
    name: 'micro_filter_posterior_only',
    trap: 'short tracts dropped on low posterior alone, removing real short tracts that are merely uncertain (t deflated)',
    analyse: withOption({ microFilter: 'posterior' }),
  },
  {
    name: 'micro_filter_low_complexity_only',
    trap: 'short tracts dropped on low-complexity share alone, removing real short tracts in low-complexity sequence (t deflated)',
    analyse: withOption({ microFilter: 'low-complexity' }),
  },
  {
    name: 'micro_filter_length_only',
    trap: 'every short tract dropped whatever its QC values, removing most real short tracts (t deflated)',
    analyse: withOption({ microFilter: 'length' }),
  },
  {
    name: 'no_reciprocal_repair',
    trap: 'reciprocal phase-switch pairs (coincident breakpoints, ancestries exchanged between h1 and h2) counted as real switches (t inflated)',
    analyse: withOption({ reciprocalRepair: false }),
  },
  {
    name: 'no_inversion_fix',
    trap: 'chromosome with A/B labels inverted on both haplotypes taken at face value (fractions shifted)',
    analyse: withOption({ inversionFix: false }),
  },
  {
    name: 'map_length_for_t',
    trap: 'switch rate per Morgan of the full genetic map instead of the called span (t deflated by the uncalled share)',
    analyse: withOption({ timing: 'map-length' }),
  },
  {
    name: 'raw_tract_means',
    trap: 't from 1 / mean tract length, counting tracts cut by chromosome ends and gaps as complete (no censoring; t inflated)',
    analyse: withOption({ timing: 'tract-means' }),
  },
];

export const admixtureAlternatives: Alternative[] = [
  {
    name: 'switch_count_mle',
    choice: 't from the closed-form switch count n·L/(2·L_A·L_B) over contiguous tracts instead of the full CTMC likelihood with gap transitions',
    analyse: withOption({ timing: 'switch-count' }),
  },
  {
    name: 'joint_ml_t_and_m',
    choice: 't and the ancestry proportion both fitted by maximum likelihood (Nelder–Mead) instead of m fixed at the realised fraction',
    analyse: withOption({ timing: 'joint-ml' }),
  },
  {
    name: 'inversion_by_z_scores',
    choice: 'inverted chromosome found from per-chromosome ancestry z-scores (CTMC time-average variance) instead of a likelihood-ratio scan',
    analyse: withOption({ inversionFix: 'z-score' }),
  },
];
