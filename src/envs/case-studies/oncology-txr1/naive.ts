// Naive analyses for case 1, each falling into named traps of the design.

import type { Answer, CaseStudy } from '../types.js';
import { aipw, loadTxr, targetPopulation, toAnswer, type RegistryRow } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Unadjusted treated-vs-other difference; unassessed benefit dropped or counted as failure. */
function crude(pop: RegistryRow[], missingAsFailure: boolean): { benefitRd: number; toxicity: number } {
  const y = (r: RegistryRow) => (r.benefit === null ? (missingAsFailure ? 0 : null) : r.benefit);
  const arm = (a: number) => pop.filter((r) => r.treated === a && y(r) !== null).map((r) => y(r) as number);
  return {
    benefitRd: 100 * (mean(arm(1)) - mean(arm(0))),
    toxicity: 100 * mean(pop.filter((r) => r.treated === 1).map((r) => r.tox)),
  };
}

/** Traps: target = any TXR1-domain SV call (decoys, germline DLR1*5, post-time-zero, ineligible), complete cases, no adjustment. */
function anySvCompleteCase(files: Files): Answer {
  const d = loadTxr(files);
  return toAnswer(crude(d.registry.filter((r) => d.anySv.has(r.id)), false));
}

/** Traps: non-responder imputation of missing week-16 assessments, no confounding adjustment. */
function nonResponderImputation(files: Files): Answer {
  return toAnswer(crude(targetPopulation(loadTxr(files)), true));
}

/**
 * Traps: target called from the SV evidence alone — samples after time zero count, germline DLR1*5
 * deletions are not removed, no expression confirmation — then analysed properly (AIPW). The decoys
 * dilute the benefit (in proportion to the effect); the post-time-zero re-biopsies, which mostly follow
 * a toxicity stop or progression, add treatment failures and so raise the toxicity whatever the effect.
 * (A crude complete-case comparison in the right targets was tried first: it missed the calibrated
 * tolerance on only 13/40 seeds, so it is not a usable naive check.)
 */
function svOnlyTargetCall(files: Files): Answer {
  const d = loadTxr(files, { baselineOnly: false, sampleQc: true, germlineFilter: false, expressionConfirm: false });
  return toAnswer(aipw(targetPopulation(d)));
}

export const naiveTxr: CaseStudy['naive'] = [
  { name: 'any_sv_complete_case', trap: 'target from any TXR1 SV call (no QC, timing, germline or expression filter); complete cases; unadjusted', analyse: anySvCompleteCase },
  { name: 'nonresponder_imputation', trap: 'unassessed week-16 visits counted as no benefit (toxicity-driven missingness), unadjusted', analyse: nonResponderImputation },
  { name: 'sv_only_target_call', trap: 'target from SV calls alone: post-time-zero samples (re-biopsies after treatment failure), germline DLR1*5 deletions and unconfirmed passenger SVs included', analyse: svOnlyTargetCall },
];
