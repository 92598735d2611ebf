// Case 6: nested structural subhaplotype (segment B inside an outer inversion) at Locus Q.

import type { Bounds, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { naiveLocusQ } from './naive.js';
import { locusQPrompt } from './prompt.js';
import { referenceLocusQ } from './reference.js';
import { locusQAnswerSchema } from './schema.js';
import { CASE_ID, simulateLocusQ } from './simulator.js';

/**
 * Tolerances: max(floor, 3 × RMSE_ref), floors from the design (log-OR ±0.15, log-FC ±0.08);
 * the carrier count and the code are exact. From
 * `npm run bench:cases -- --case nested-sv-locusq --seeds 200 --out docs/calibration/nested-sv-locusq.md`
 * (sub-seed 0 of seeds 0–199): RMSE_ref log-OR 0.0543 (3× = 0.163 > floor, so ±0.165),
 * log-FC 0.0239 (3× = 0.072 < floor, so ±0.08). Every naive analysis fails ≥ 1 field on
 * ≥ 98.5% of seeds; 2.0% of sub-seeds are rejected by the serving rule.
 */
export const LOCUSQ_TOLERANCE = { subhap_log_or: 0.165, expression_log_fc: 0.08 } as const;

export function locusQBounds(truth: Truth): Bounds {
  const t = LOCUSQ_TOLERANCE;
  return {
    n_calibrated_carriers: [truth.n_calibrated_carriers, truth.n_calibrated_carriers],
    target_support_code: [truth.target_support_code, truth.target_support_code],
    expression_log_fc: [truth.expression_log_fc - t.expression_log_fc, truth.expression_log_fc + t.expression_log_fc],
    subhap_log_or: [truth.subhap_log_or - t.subhap_log_or, truth.subhap_log_or + t.subhap_log_or],
  };
}

/** The support code must follow its rule on the agent's own numbers. */
export function locusQConsistency(v: Record<string, number | null>): ConsistencyCheck[] {
  const { target_support_code: code, expression_log_fc: fc, subhap_log_or: lor } = v;
  if (code === null || fc === null || lor === null) return [{ id: 'support_code_rule', ok: false, detail: 'code, expression_log_fc or subhap_log_or missing' }];
  const expected = fc > 0 && lor < 0 ? 1 : 0;
  return [{ id: 'support_code_rule', ok: code === expected, detail: `code ${code}; rule 1{fc > 0 and log-OR < 0} on the reported numbers gives ${expected}` }];
}

export const nestedSvLocusQ: CaseStudy = {
  id: CASE_ID,
  number: 6,
  title: 'Nested structural subhaplotype at Locus Q: segment-B dosage, disease and expression',
  domain: 'structural genetics',
  answerSchema: locusQAnswerSchema,
  prompt: () => locusQPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateLocusQ(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: locusQBounds,
  reference: referenceLocusQ,
  naive: naiveLocusQ,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: locusQConsistency,
  designNotes: [
    'Traps planted in every instance:',
    '- segB_depth_ratio is ≈ batch scale × (1 + 0.5 per copy); it needs per-batch calibration to copies on the clean panel (raw ratio doubles the per-unit effect).',
    '- Segment B is nested in the outer inversion, whose own disease effect has the opposite sign; without outer-dosage adjustment the segment-B effect nearly vanishes or flips.',
    '- The cohort is sampled by clinic × stream × case status, and the referral stream is enriched for segment-B carriers; source-population estimates need the n_source / n_sampled weights (an unweighted fit without cell terms is biased).',
    '- The breakpoint panel oversamples cases with a high depth ratio; fitting the association on it alone is selection-biased.',
    '- The panel has LOWQ, array-discordant and duplicated calls; the carrier count uses PASS + concordant calls, one per sample.',
    '- One expression gene responds to the outer orientation (position effect), not to B; a marginal scan on B picks it. Gene roles are shuffled per instance.',
    '- Expression is a mediator; it belongs outside the clinical model.',
  ].join('\n'),
};

export default nestedSvLocusQ;
