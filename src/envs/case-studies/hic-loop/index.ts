// Case 7: Hi-C loop strength after masking low-mappability pile-ups and a case-only SV block.

import type { Bounds, CaseInstance, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { CASE_ID } from './layout.js';
import { hicAlternatives, hicMistakes } from './naive.js';
import { hicPrompt } from './prompt.js';
import { referenceHic } from './reference.js';
import { hicAnswerSchema } from './schema.js';
import { simulateHic } from './simulator.js';

/**
 * Tolerances: max(floor 0.015, 3 × RMSE_ref) per field, from the calibration sweep in
 * docs/calibration/hic-loop.md. The reference is exact (RMSE 0: after masking, observed and clean
 * matrices agree on every pixel the pipeline uses, and the SV scan finds the planted segment), so
 * the floor decides; it covers APA-style aggregation of the replicates' O/E (at most 0.007 from the
 * per-replicate log mean over 40 seeds) and balancing by another algorithm with the same target.
 * Summing replicate counts before the pipeline is another estimand (up to ~0.03 away); the prompt
 * pins the per-replicate mean.
 */
export const HIC_TOLERANCE = { case_loop_strength: 0.015, control_loop_strength: 0.015, delta_loop_strength: 0.015 } as const;

export function hicBounds(truth: Truth): Bounds {
  const out: Bounds = {};
  for (const [k, t] of Object.entries(HIC_TOLERANCE)) out[k] = [truth[k] - t, truth[k] + t];
  return out;
}

/**
 * Serving rule on the simulated data (no analysis): the SV block must carry enough ectopic contacts
 * in each case replicate to be detectable (power), read from the generating parameters in meta.
 */
export function hicAccept(inst: CaseInstance): string | null {
  const ectopic = Number(inst.meta.svEctopicMin);
  if (!(ectopic >= HIC_ACCEPT.minEctopicContacts)) return `SV block carries only ${Math.round(ectopic)} expected ectopic contacts in a case replicate`;
  return null;
}

export const HIC_ACCEPT = { minEctopicContacts: 400 } as const;

/** The agent's delta must be its own case − control (rounding allowed). */
export function hicConsistency(v: Record<string, number | null>): ConsistencyCheck[] {
  const { case_loop_strength: c, control_loop_strength: k, delta_loop_strength: d } = v;
  if (c === null || k === null || d === null) return [{ id: 'delta_is_difference', ok: false, detail: 'a loop-strength field is missing' }];
  const gap = Math.abs(d - (c - k));
  return [{ id: 'delta_is_difference', ok: gap <= 0.01, detail: `delta − (case − control) = ${gap.toFixed(4)} (allowed 0.01)` }];
}

const designNotes = `Traps planted in the data (never the answer values); each is one realistic mistake in the trap matrix:
- A segmental-duplication cluster of 7–10 bins with mappability 0.15–0.45: MAPQ filtering leaves their rows depleted (coverage ∝ mappability³, row totals well below a typical bin's) with a flat background of mis-placed multimapping pairs. Unmasked, ICE amplifies those rows and the flat background distorts the expected curve and the balancing.
- A case-only structural variant adds a non-separable block of ectopic contacts (bins s…s+3 × s+5…s+14, ×3–5); ICE cannot absorb it, so it must be detected (case vs control, depth- and distance-scaled) and its segment masked in all samples. Masking it in case only leaves control processed on other bins than case.
- Contact domains (TAD-like, 10–16 bins, 1.5–2.2× internal enrichment) make the per-distance pixel distribution skewed, so a median expected differs from the stated mean expected.
- Case and control differ in long-range distance decay (slope beyond 200 kb), so one expected curve pooled over samples biases each condition in opposite directions (delta most).
- The 40 kb matrices have their own bin ids; the 40 kb pixel containing bins 8 and 17 dilutes the loop with its halo.
- The truth is the stated pipeline on the artifact-free counts, not the generative loop multiplier (ICE, domains and masking move O/E away from it). Loop strengths are drawn per instance and condition.
Legitimate alternatives that pass: APA-style aggregation of replicate O/E, Sinkhorn/KR-style balancing.`;

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
  naive: hicMistakes,
  alternatives: hicAlternatives,
  accept: hicAccept,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: hicConsistency,
  designNotes,
};

export default hicLoop;
