// Case 7: Hi-C loop strength after masking low-mappability pile-ups and a case-only SV block.

import type { Bounds, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { CASE_ID } from './layout.js';
import { naiveHic } from './naive.js';
import { hicPrompt } from './prompt.js';
import { referenceHic } from './reference.js';
import { hicAnswerSchema } from './schema.js';
import { simulateHic } from './simulator.js';

/**
 * Tolerances: max(floor 0.12, 3 × RMSE_ref) from
 * `npm run bench:cases -- --case hic-loop --seeds 200 --out docs/calibration/hic-loop.md`.
 * 200 seeds: reference RMSE 0 for all three fields (max abs error 0: after masking, the observed and
 * clean matrices are identical, and the SV scan found the planted segment on every seed), so the
 * floor sets the half-width. Naive fail-≥1-field rates: no_masking 100%, coarse_40kb 100%,
 * pooled_expected 99.5%; 1 of 201 sub-seeds rejected (0.5%); simulate + reference 232 ms mean.
 * The floor (design note §9) covers legitimate analyst choices such as median- instead of
 * mean-expected (+0.06 / +0.03 in the design prototype).
 */
export const HIC_TOLERANCE = { case_loop_strength: 0.12, control_loop_strength: 0.12, delta_loop_strength: 0.12 } as const;

export function hicBounds(truth: Truth): Bounds {
  const out: Bounds = {};
  for (const [k, t] of Object.entries(HIC_TOLERANCE)) out[k] = [truth[k] - t, truth[k] + t];
  return out;
}

/** The agent's delta must be its own case − control (rounding allowed). */
export function hicConsistency(v: Record<string, number | null>): ConsistencyCheck[] {
  const { case_loop_strength: c, control_loop_strength: k, delta_loop_strength: d } = v;
  if (c === null || k === null || d === null) return [{ id: 'delta_is_difference', ok: false, detail: 'a loop-strength field is missing' }];
  const gap = Math.abs(d - (c - k));
  return [{ id: 'delta_is_difference', ok: gap <= 0.01, detail: `delta − (case − control) = ${gap.toFixed(4)} (allowed 0.01)` }];
}

const designNotes = `Traps planted in the data (never the answer values):
- Three pairs of low-mappability bins (mappability 0.15–0.45) exactly 9 bins apart, the loop distance, carry multimapping pile-ups of ×80–150 the expectation in every sample; without the mappability mask they inflate expected(9) and the loop O/E drops by ~1.2 log2.
- A case-only structural variant adds a non-separable block of ectopic contacts (bins s…s+3 × s+5…s+14, ×3–5); ICE cannot absorb it, so it must be detected (case vs control, depth- and distance-scaled) and its segment masked in all samples.
- Case and control differ in long-range distance decay (slope beyond 200 kb), so one expected curve pooled over samples biases each condition in opposite directions (delta most).
- The 40 kb matrices have their own bin ids; the 40 kb pixel containing bins 8 and 17 dilutes the loop with its halo.
- The truth is the stated pipeline on the artifact-free counts, not the generative loop multiplier (ICE and masking lower O/E below it).`;

export const hicLoop: CaseStudy = {
  id: CASE_ID,
  number: 7,
  title: 'Hi-C loop strength after artifact masking',
  domain: 'regulatory genomics',
  answerSchema: hicAnswerSchema,
  prompt: () => hicPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateHic(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: hicBounds,
  reference: referenceHic,
  naive: naiveHic,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: hicConsistency,
  designNotes,
};

export default hicLoop;
