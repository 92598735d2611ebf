// Case 2: LINC473 transcript vs locus (CRISPRi tiling, guide-level locus model, CasRx follow-up).

import type { Bounds, CaseInstance, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { alternativesLinc } from './alternatives.js';
import { naiveLinc } from './naive.js';
import { lincPrompt } from './prompt.js';
import { referenceLinc } from './reference.js';
import { lincAnswerSchema } from './schema.js';
import { CASE_ID, simulateLinc } from './simulator.js';

/**
 * Tolerances: max(floor, 3 × RMSE_ref) from the calibration sweep
 * `npm run bench:cases -- --case crispr-linc473 --seeds 200` (docs/calibration/crispr-linc473.md): RMSE βL 0.0085, βK 0.0350, so βK ±0.106;
 * Floors from the design notes: βL ±0.04, βK ±0.08.
 */
export const LINC_TOLERANCE = { lncrna_specific_lfc: 0.035, neighbor_mediated_lfc: 0.075 } as const;

export function lincBounds(truth: Truth): Bounds {
  const t = LINC_TOLERANCE;
  return {
    advance_target: [truth.advance_target, truth.advance_target],
    lncrna_specific_lfc: [truth.lncrna_specific_lfc - t.lncrna_specific_lfc, truth.lncrna_specific_lfc + t.lncrna_specific_lfc],
    neighbor_mediated_lfc: [truth.neighbor_mediated_lfc - t.neighbor_mediated_lfc, truth.neighbor_mediated_lfc + t.neighbor_mediated_lfc],
  };
}

/** Serving rule on the simulated design (no analysis): enough KIN1-repressing guides survive the day-0 filter. */
export const LINC_ACCEPT = { minKin1Guides: 12 } as const;

export function lincAccept(inst: CaseInstance): string | null {
  const n = Number(inst.meta.kin1_informative_guides);
  return n >= LINC_ACCEPT.minKin1Guides ? null : `only ${n} well-represented guides repress KIN1 by >= 30%`;
}

export const crisprLinc473: CaseStudy = {
  id: CASE_ID,
  number: 2,
  title: 'lncRNA transcript or genomic locus? (LINC473 / KIN1)',
  domain: 'functional genomics',
  answerSchema: lincAnswerSchema,
  prompt: () => lincPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateLinc(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: lincBounds,
  reference: referenceLinc,
  naive: naiveLinc,
  alternatives: alternativesLinc,
  accept: lincAccept,
  rubric: rubric.items,
};

export default crisprLinc473;
