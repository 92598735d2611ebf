// Case 1: SV-driven TXR1 activation, TXR1i benefit vs toxicity (somatic oncology).

import type { Bounds, CaseInstance, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { txrAlternatives, txrMistakes } from './naive.js';
import { txrPrompt } from './prompt.js';
import { referenceTxr } from './reference.js';
import { txrAnswerSchema } from './schema.js';
import { CASE_ID, simulateTxr } from './simulator.js';

/**
 * Tolerances: max(floor, 3 × RMSE_ref) with floors RD 2.9, toxicity 1.1, NCU 2.9 pp (the code is
 * exact). Reference RMSE from a 24-seed sweep of this simulator (80,000 patients, about 23,000 in the
 * estimand): RD 0.90 (bias −0.47: a few decoys survive the target call), toxicity 0.33, NCU 0.90 pp →
 * 3 × RMSE 2.7 / 1.0 / 2.7; the floors sit just above, against the sweep's own sampling error.
 * Re-checked by `npm run bench:cases -- --case oncology-txr1` (docs/calibration/oncology-txr1.md).
 */
export const TXR_TOLERANCE = { benefit_rd_pp: 2.9, toxicity_dropout_risk_pp: 1.1, net_clinical_utility_pp: 2.9 } as const;

export function txrBounds(truth: Truth): Bounds {
  const t = TXR_TOLERANCE;
  const range = (k: keyof typeof TXR_TOLERANCE): [number, number] => [truth[k] - t[k], truth[k] + t[k]];
  return {
    therapy_class_code: [truth.therapy_class_code, truth.therapy_class_code],
    benefit_rd_pp: range('benefit_rd_pp'),
    toxicity_dropout_risk_pp: range('toxicity_dropout_risk_pp'),
    net_clinical_utility_pp: range('net_clinical_utility_pp'),
  };
}

/** Serving rule on the simulated data only (simulator.ts → dataCheck): never on any analysis. */
export function acceptTxr(inst: CaseInstance): string | null {
  const verdict = inst.meta.data_check;
  return verdict === null ? null : String(verdict ?? 'data check missing');
}

export const oncologyTxr1: CaseStudy = {
  id: CASE_ID,
  number: 1,
  title: 'SV-driven TXR1 activation: benefit vs risk of TXR1i',
  domain: 'somatic oncology',
  answerSchema: txrAnswerSchema,
  prompt: () => txrPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateTxr(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: txrBounds,
  reference: referenceTxr,
  naive: txrMistakes,
  alternatives: txrAlternatives,
  accept: acceptTxr,
  rubric: rubric.items,
};

export default oncologyTxr1;
