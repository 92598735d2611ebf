// Case 3: cis multivariable MR for two linked proteins (PROTA, PROTB).

import type { Bounds, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { alternativesMvmr } from './alternatives.js';
import { naiveMvmr } from './naive.js';
import { mvmrPrompt } from './prompt.js';
import { referenceMvmr } from './reference.js';
import { mvmrAnswerSchema } from './schema.js';
import { CASE_ID, MIN_EXPECTED_INSTRUMENTS, simulateMvmr } from './simulator.js';

/**
 * Tolerances: max(floor 0.035, 3 × RMSE_ref), rounded up. Reference RMSE on 200 served test
 * instances (`npm run bench:cases -- --case cis-mvmr --seeds 200 --train-seeds 100`,
 * docs/calibration/cis-mvmr.md) is 0.0119 for θA and 0.0140 for θB, so 3 × RMSE is 0.036 and
 * 0.042; the truths spread with SD 0.60 and 0.49 (θA = ±U(0.25, 0.9), θB ~ U(−0.9, 0.9)), 15 and
 * 11 half-widths.
 */
export const MVMR_TOLERANCE = { theta_PROTA: 0.04, theta_PROTB: 0.045 } as const;

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
  alternatives: alternativesMvmr,
  accept(inst) {
    // Power of the replication studies (from the simulated effects, LD and sample size), never whether an analysis succeeds.
    const n = inst.meta.replication_expected_instruments as number;
    return n < MIN_EXPECTED_INSTRUMENTS ? `replication studies expected to yield ${n} LD-independent instruments (< ${MIN_EXPECTED_INSTRUMENTS})` : null;
  },
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  designNotes: [
    'Traps planted in every instance:',
    '- allele orientation: protein files report the minor allele, the outcome GWAS swaps the effect allele on 30% of SNPs, some labels are strand complements, A/T and C/G SNPs near MAF 0.5 are ambiguous;',
    '- assay scale: PROTA effects per ln(pg/mL), PROTB per NPX (log2); the answer is per SD of log10 concentration, so the population SD comes from the measurement records on the GWAS scale;',
    '- below-LOD records (10–22% per protein) sit at the LOD: dropping them or using them as values shrinks the SD;',
    "- winner's curse: the screening studies (N = 700) are far smaller than the replication studies (N = 100,000);",
    '- shared pQTLs: two causal variants act on both proteins, so univariable MR absorbs the other protein;',
    '- residual local pleiotropy: one PROTB-only pQTL also acts directly on disease; its effect reaches its LD neighbours, so dropping outlying instruments does not remove it.',
  ].join('\n'),
};

export default cisMvmr;
