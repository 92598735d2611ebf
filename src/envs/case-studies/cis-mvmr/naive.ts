// The trap matrix for case 3: each realistic mistake is the reference pipeline with exactly one
// choice flipped (see REFERENCE_PIPELINE in reference.ts).

import type { Mistake } from '../types.js';
import { REFERENCE_PIPELINE, mvmrAnswer, runMvmr, type MvmrPipeline } from './reference.js';

const flip = (name: string, trap: string, change: Partial<MvmrPipeline>): Mistake => ({
  name,
  trap,
  analyse: (files) => mvmrAnswer(runMvmr(files, { ...REFERENCE_PIPELINE, ...change })),
});

export const naiveMvmr: Mistake[] = [
  flip('no_harmonisation', "allele orientation: each file's effect allele taken as reported (the outcome GWAS codes 30% of SNPs on the other allele)", { alleleFrame: 'as_reported' }),
  flip('per_unit_effects', 'assay scale: per ln(pg/mL) and per NPX effects reported as if per SD of log10 concentration', { scale: 'per_unit' }),
  flip('sd_on_linear_scale', 'assay scale: the SD of PROTA taken on linear pg/mL rather than on the log scale its GWAS reports', { sdOnRecordScale: true }),
  flip('sd_detected_only', 'below-LOD records dropped before taking the SD, which truncates the lower tail', { sdMethod: 'detected_only' }),
  // The classic discovery-only analysis (select and estimate in screening) fails on about 96% of
  // instances (docs/calibration/cis-mvmr.md), so the matrix flips only where the exposure effects come from.
  flip('screening_exposure_effects', "exposure effects taken from the small screening study (N = 700) instead of the replication study: weak-instrument dilution, plus winner's curse where instruments were also selected there", { betasFrom: 'screening' }),
  flip('no_pleiotropy_model', 'residual local pleiotropy: no heterogeneity scan, the pleiotropic pQTL kept as a valid instrument', { pleiotropy: 'none' }),
  flip('univariable_mr', 'univariable MR per protein: each estimate absorbs the effect of the other protein through shared pQTLs', { joint: false }),
];
