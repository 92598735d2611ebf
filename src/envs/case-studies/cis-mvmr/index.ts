// Case 3: cis multivariable MR for two linked proteins (PROTA, PROTB).

import type { Bounds, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { naiveMvmr } from './naive.js';
import { mvmrPrompt } from './prompt.js';
import { referenceMvmr } from './reference.js';
import { mvmrAnswerSchema } from './schema.js';
import { CASE_ID, simulateMvmr } from './simulator.js';

/**
 * Tolerances: max(floor 0.06, 3 × RMSE_ref) from the 200-seed sweep
 * `npm run bench:cases -- --case cis-mvmr --seeds 200 --out docs/calibration/cis-mvmr.md`:
 * RMSE θA 0.0215, θB 0.0319 (θB's tail comes from a few seeds with few instruments).
 */
export const MVMR_TOLERANCE = { theta_PROTA: 0.065, theta_PROTB: 0.096 } as const;

export function mvmrBounds(truth: Truth): Bounds {
  const t = MVMR_TOLERANCE;
  return {
    theta_PROTA: [truth.theta_PROTA - t.theta_PROTA, truth.theta_PROTA + t.theta_PROTA],
    theta_PROTB: [truth.theta_PROTB - t.theta_PROTB, truth.theta_PROTB + t.theta_PROTB],
  };
}

export const cisMvmr: CaseStudy = {
  id: CASE_ID,
  number: 3,
  title: 'Two linked protein targets: cis multivariable MR (PROTA / PROTB)',
  domain: 'statistical genetics',
  answerSchema: mvmrAnswerSchema,
  prompt: () => mvmrPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateMvmr(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: mvmrBounds,
  reference: referenceMvmr,
  naive: naiveMvmr,
  rubric: rubric.items,
};

export default cisMvmr;
