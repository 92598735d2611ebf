// The trap matrix of case 1: each mistake is the reference pipeline (reference.ts → analyseTxr) with
// exactly one step skipped or done the common wrong way; and the defensible alternatives, which
// differ from it only in the estimator.

import type { Alternative, Mistake } from '../types.js';
import { analyseTxr } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

export const txrMistakes: Mistake[] = [
  {
    name: 'ineligible_included',
    trap: 'analysis_set ignored: ineligible patients (prior TXR1-pathway therapy, organ dysfunction) kept in the subgroup',
    analyse: (f: Files) => analyseTxr(f, { eligibleOnly: false }),
  },
  {
    name: 'post_time_zero_samples',
    trap: 'samples collected after time zero used for the target call (acquired SVs in re-biopsies that follow treatment failure)',
    analyse: (f: Files) => analyseTxr(f, { baselineOnly: false }),
  },
  {
    name: 'no_sample_qc',
    trap: 'no sample QC: low-purity, short-N50 and failed-library samples used (artefactual SV calls, degraded-RNA expression)',
    analyse: (f: Files) => analyseTxr(f, { sampleQc: false }),
  },
  {
    name: 'no_germline_filter',
    trap: 'germline DLR1*5 deletions not removed from the tumour SV calls',
    analyse: (f: Files) => analyseTxr(f, { germlineFilter: false }),
  },
  {
    name: 'sv_without_expression',
    trap: 'target called from the SV evidence alone, without expression confirmation (passenger SVs kept)',
    analyse: (f: Files) => analyseTxr(f, { expressionConfirm: false }),
  },
  {
    name: 'expression_without_sv',
    trap: 'target called from TXR1 overexpression alone, without SV evidence (amplification without an SV kept)',
    analyse: (f: Files) => analyseTxr(f, { requireSv: false }),
  },
  {
    name: 'complete_case_benefit',
    trap: 'benefit from assessed patients only (toxicity-driven missing week-16 visits ignored)',
    analyse: (f: Files) => analyseTxr(f, {}, { benefit: 'complete_case' }),
  },
  {
    name: 'nonresponder_imputation',
    trap: 'unassessed week-16 visits counted as no benefit',
    analyse: (f: Files) => analyseTxr(f, {}, { benefit: 'nonresponder' }),
  },
  {
    name: 'unadjusted_benefit',
    trap: 'no confounding adjustment: TXR1i and comparator arms compared as if exchangeable (missingness still weighted)',
    analyse: (f: Files) => analyseTxr(f, {}, { benefit: 'unadjusted' }),
  },
];

/**
 * Measured but not claimed: the crude toxicity rate among treated patients (not standardised to the
 * subgroup) missed by about 3.4 pp on average but landed inside the then ±2.4 pp tolerance on about one
 * seed in ten (very toxic regimens: the phenotype gap in risk saturates). Not re-measured since the
 * drug ranges, the DLR1 toxicity effects and the tolerances changed, so it stays out of the trap matrix
 * (issue 20: a trap that is not shown to bite is not claimed).
 */
export const txrWeakMistakes: Mistake[] = [
  {
    name: 'crude_toxicity',
    trap: 'toxicity as the crude rate among treated patients, not standardised to the whole subgroup',
    analyse: (f: Files) => analyseTxr(f, {}, { toxicity: 'crude' }),
  },
];

export const txrAlternatives: Alternative[] = [
  {
    name: 'ipw',
    choice: 'inverse probability weighting (treatment × assessment weights, normalised) instead of AIPW for both quantities',
    analyse: (f: Files) => analyseTxr(f, {}, { benefit: 'ipw', toxicity: 'ipw' }),
  },
  {
    name: 'gformula',
    choice: 'parametric g-formula: outcome regressions standardised over the subgroup, integrating over the toxicity stop',
    analyse: (f: Files) => analyseTxr(f, {}, { benefit: 'gformula', toxicity: 'gformula' }),
  },
  {
    name: 'stricter_target_call',
    choice: 'stricter evidence thresholds for the target call (expression z ≥ 2.5, ≥ 4 alt reads, CCF ≥ 0.4)',
    analyse: (f: Files) => analyseTxr(f, { zMin: 2.5, minAlt: 4, minCcf: 0.4 }),
  },
];
