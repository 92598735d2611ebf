// Case 6: nested structural subhaplotype (segment B inside an outer inversion) at Locus Q.

import type { Bounds, CaseInstance, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { alternativesLocusQ, metadataGuessesLocusQ, naiveLocusQ } from './naive.js';
import { locusQPrompt } from './prompt.js';
import { referenceLocusQ } from './reference.js';
import { locusQAnswerSchema } from './schema.js';
import { CASE_ID, simulateLocusQ } from './simulator.js';

/**
 * Tolerances: max(floor, 3 × RMSE_ref); the carrier count and the code are exact. From
 * `npm run bench:cases -- --case nested-sv-locusq --seeds 200` on the reworked simulator (effects
 * drawn per instance, 24,000-person cohort, 5,000 expression samples): 3 × RMSE_ref log-OR 0.144
 * (so ±0.145), log-FC 0.026 (±0.03 is a floor that keeps the alternatives inside).
 * Report: docs/calibration/nested-sv-locusq.md.
 */
export const LOCUSQ_TOLERANCE = { subhap_log_or: 0.145, expression_log_fc: 0.03 } as const;

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

/** Serving rule on the data: every sequencing batch needs enough reliable panel samples to calibrate. */
export const MIN_PANEL_PER_BATCH = 25;
export function acceptLocusQ(inst: CaseInstance): string | null {
  const per = (inst.meta.reliable_panel_per_batch ?? []) as number[];
  const low = per.findIndex((x) => x < MIN_PANEL_PER_BATCH);
  return per.length === 0 ? 'no panel counts' : low >= 0 ? `sequencing batch SB${low + 1} has ${per[low]} reliable panel samples (< ${MIN_PANEL_PER_BATCH})` : null;
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
  alternatives: alternativesLocusQ,
  metadataGuesses: metadataGuessesLocusQ,
  accept: acceptLocusQ,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: locusQConsistency,
  designNotes: [
    'Traps planted in every instance (effect sizes and signs are drawn per instance: |log-OR| 0.4–2.1, |log-FC| 0.15–0.75, support code 1 on half of them):',
    '- segB_depth_ratio is ≈ batch scale × (1 + 0.5 per copy); batch scales differ by up to ±25% and cases were mostly sequenced in one half of the batches, so it needs per-batch calibration to copies on the clean panel (a pooled scale miscalls copies differently in cases and controls; the raw ratio roughly doubles the per-unit effect).',
    '- Segment B is nested in the outer inversion, which has its own disease effect (either sign); without outer-dosage adjustment the segment-B estimate moves by ≈ 0.6 × that effect.',
    '- The cohort is sampled by clinic × stream × case status, and the referral stream is enriched for segment-B carriers and samples cases heavily; source-population estimates need the n_source / n_sampled weights (an unweighted fit without cell terms is biased).',
    '- The breakpoint panel oversamples cases with a high depth ratio; fitting the association on it alone is selection-biased.',
    '- The panel has LOWQ, array-discordant and duplicated calls; the carrier count uses PASS + concordant calls, one per sample.',
    '- One expression gene responds to the outer orientation (position effect, stronger than any segment-B effect), not to B; a marginal scan on B picks it. The target gene also has a smaller outer-orientation effect, so its marginal B estimate is confounded too. Gene roles are shuffled per instance.',
    '- Effect magnitudes matter: a direction with a typical magnitude is not an estimate.',
    '- Expression is a mediator; it belongs outside the clinical model (a reasoning point: expression exists for a subset only).',
    '- Legitimate variations that pass: nearest-state copy calls instead of posterior-expected copies; age bands instead of linear age.',
  ].join('\n'),
};

export default nestedSvLocusQ;
