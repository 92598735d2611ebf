// Case 9: parent-specific ancestry fractions and single-pulse admixture times from local-ancestry tracts.

import type { Bounds, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { naiveAdmixture } from './naive.js';
import { admixturePrompt } from './prompt.js';
import { referenceAdmixture } from './reference.js';
import { admixtureAnswerSchema } from './schema.js';
import { CASE_ID, simulateAdmixture } from './simulator.js';

/**
 * Tolerances: fraction ±0.02 (absolute), t ±20% of the truth (relative): the design floors, above
 * 3 × RMSE_ref in the sweep
 * `npm run bench:cases -- --case admixture-timing --seeds 200 --out docs/calibration/admixture-timing.md`:
 * fraction RMSE 0.0022 (parent1) and 0.0009 (parent2), so 3 × RMSE = 0.0067 / 0.0027; t RMSE 0.63 / 0.53
 * generations, relative 5.9% / 5.2% (3 × = 17.7% / 15.6%, measured with the same 200 seeds, see the
 * notes in docs/calibration/admixture-timing.md). Reference pass rate 99.5%; 1 of 201 sub-seeds rejected.
 */
export const ADMIXTURE_TOLERANCE = { fraction: 0.02, tRelative: 0.2 } as const;

export function admixtureBounds(truth: Truth): Bounds {
  const f = ADMIXTURE_TOLERANCE.fraction, r = ADMIXTURE_TOLERANCE.tRelative;
  return {
    parent1_A_fraction: [truth.parent1_A_fraction - f, truth.parent1_A_fraction + f],
    parent1_t: [truth.parent1_t * (1 - r), truth.parent1_t * (1 + r)],
    parent2_A_fraction: [truth.parent2_A_fraction - f, truth.parent2_A_fraction + f],
    parent2_t: [truth.parent2_t * (1 - r), truth.parent2_t * (1 + r)],
  };
}

/** parent1 is defined as the haplotype with the smaller A fraction. */
function admixtureConsistency(v: Record<string, number | null>): ConsistencyCheck[] {
  const a = v.parent1_A_fraction, b = v.parent2_A_fraction;
  if (a === null || b === null) return [{ id: 'parent_order', ok: false, detail: 'parent1_A_fraction or parent2_A_fraction missing' }];
  return [{ id: 'parent_order', ok: a <= b, detail: `parent1 A fraction ${a} must not exceed parent2's ${b}` }];
}

export const admixtureTiming: CaseStudy = {
  id: CASE_ID,
  number: 9,
  title: 'Parent-specific ancestry and admixture timing from local-ancestry tracts',
  domain: 'population genetics',
  answerSchema: admixtureAnswerSchema,
  prompt: () => admixturePrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateAdmixture(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: admixtureBounds,
  reference: referenceAdmixture,
  naive: naiveAdmixture,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: admixtureConsistency,
  designNotes: [
    'Traps planted in every instance:',
    '- 30–50 micro-tracts per haplotype: < 0.05 M, opposite ancestry inside a real tract, posterior < 0.8 AND low_complexity_frac > 0.6. Kept, they add ~2 switches each and inflate t. A few real tracts carry only one of the two flags; real short tracts are common at high t, so a length-only filter removes real switches.',
    '- 5–10 reciprocal phase-switch pairs: h1 and h2 exchange ancestry over 0.02–0.15 M with coincident breakpoints (within 1e-4 M); unrepaired, each adds 2 switches per haplotype.',
    '- One long chromosome has A and B inverted on both haplotypes; detectable as a large likelihood gain when flipped back (both haplotypes deviate in opposite directions). Unfixed, fractions shift by several percent.',
    '- Chromosome ends outside called_start/called_end and 1–3 interior gaps per chromosome are uncalled (about 10% of the map): chromosome length is the wrong denominator, and tracts cut by ends or gaps are censored (raw mean tract length overstates t).',
    '- h1/h2 are not parent1/parent2: parents are ordered by A fraction.',
  ].join('\n'),
};

export default admixtureTiming;
