// Naive analyses for case 1, each falling into named traps of the design.

import type { Answer, CaseStudy } from '../types.js';
import { loadTxr, targetPopulation, toAnswer, type RegistryRow } from './reference.js';

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

/** Traps: right target group, but complete-case unadjusted comparison and crude toxicity among the treated. */
function crudeInTargets(files: Files): Answer {
  return toAnswer(crude(targetPopulation(loadTxr(files)), false));
}

export const naiveTxr: CaseStudy['naive'] = [
  { name: 'any_sv_complete_case', trap: 'target from any TXR1 SV call (no QC, timing, germline or expression filter); complete cases; unadjusted', analyse: anySvCompleteCase },
  { name: 'nonresponder_imputation', trap: 'unassessed week-16 visits counted as no benefit (toxicity-driven missingness), unadjusted', analyse: nonResponderImputation },
  { name: 'crude_in_targets', trap: 'confounding by indication ignored; toxicity among treated not standardised for DLR1 phenotype', analyse: crudeInTargets },
];
