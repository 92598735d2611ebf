// Case 9: parent-specific ancestry fractions and single-pulse admixture times from local-ancestry tracts.

import type { Bounds, CaseInstance, CaseStudy, ConsistencyCheck, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { admixtureAlternatives, admixtureMistakes } from './naive.js';
import { admixturePrompt } from './prompt.js';
import { referenceAdmixture } from './reference.js';
import { admixtureAnswerSchema } from './schema.js';
import { CASE_ID, DESIGN, expectedCalledMorgan, simulateAdmixture } from './simulator.js';

/**
 * Tolerances, max(floor, 3 × RMSE_ref) from the calibration sweeps in
 * docs/calibration/admixture-timing.md. Fractions ±0.003 absolute (reference RMSE ≈ 0.0007, so
 * 3 × RMSE ≈ 0.0021, largest error 0.0023 over 120 development haplotypes; the floor covers the rare
 * pair or inversion a repair misses). t: the reference's relative error is the Poisson noise of the haplotype's
 * junctions, RMSE ≈ k/√S with S = 2·t·f(1 − f)·L the expected switches over the called length L
 * (f the A fraction), so the relative half-width is max(tFloor, tNoise/√S) with tNoise = 3·k
 * measured on served instances; a recent pulse (few junctions) gets a wider window than an old one.
 */
export const ADMIXTURE_TOLERANCE = { fraction: 0.003, tFloor: 0.1, tNoise: 3.5 } as const;

/** Relative half-width of a parent's t window, from its truth (t, A fraction). */
export function tRelativeTolerance(t: number, fraction: number): number {
  const switches = 2 * t * fraction * (1 - fraction) * NOMINAL_CALLED_MORGAN;
  return Math.max(ADMIXTURE_TOLERANCE.tFloor, ADMIXTURE_TOLERANCE.tNoise / Math.sqrt(Math.max(switches, 1)));
}

const NOMINAL_CALLED_MORGAN = expectedCalledMorgan();

export function admixtureBounds(truth: Truth): Bounds {
  const f = ADMIXTURE_TOLERANCE.fraction;
  const tWindow = (t: number, frac: number): [number, number] => {
    const r = tRelativeTolerance(t, frac);
    return [t * (1 - r), t * (1 + r)];
  };
  return {
    parent1_A_fraction: [truth.parent1_A_fraction - f, truth.parent1_A_fraction + f],
    parent1_t: tWindow(truth.parent1_t, truth.parent1_A_fraction),
    parent2_A_fraction: [truth.parent2_A_fraction - f, truth.parent2_A_fraction + f],
    parent2_t: tWindow(truth.parent2_t, truth.parent2_A_fraction),
  };
}

/**
 * Serving rule on the simulated data: the parents' realised fractions are far enough apart that
 * their order is unambiguous, and the inverted chromosome carries enough likelihood evidence
 * (generative t and m) to be identifiable. Never on any estimator's success.
 */
export function admixtureAccept(inst: CaseInstance): string | null {
  const gap = inst.truth.parent2_A_fraction - inst.truth.parent1_A_fraction;
  if (gap < DESIGN.minFractionGap) return `parents' A fractions only ${gap.toFixed(3)} apart`;
  const evidence = Number(inst.meta.inversionEvidence);
  if (!(evidence >= DESIGN.inversionMinEvidence)) return `inverted chromosome carries only ${evidence.toFixed(1)} nats of evidence`;
  return null;
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
  naive: admixtureMistakes,
  alternatives: admixtureAlternatives,
  accept: admixtureAccept,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  consistency: admixtureConsistency,
  designNotes: [
    'Traps planted in every instance (each is one realistic mistake in the trap matrix). Each parent\'s pulse time is drawn log-uniformly over 14–400 generations, independently; artifact counts scale with the expected switches:',
    '- Micro-tracts, 20–28% as many as the haplotype\'s real switches: < 0.01 M (shorter for old pulses), opposite ancestry inside a real tract, posterior < 0.8 AND low_complexity_frac > 0.6. Kept, they add ~2 switches each and inflate t.',
    '- About 20–26% of real tracts (all < 0.05 M; at most half of the short ones) carry a low posterior only, and as many a high low-complexity share only: filtering short tracts on either flag alone, or on length alone, deletes real switches and deflates t (and moves the fractions).',
    '- Reciprocal phase-switch pairs, 12–18% as many as an average haplotype\'s real switches: h1 and h2 exchange ancestry over 0.004–0.03 M (shorter for old pulses) with coincident breakpoints (within 1e-4 M); unrepaired, each adds 2 switches per haplotype and shifts both fractions.',
    '- One chromosome (drawn in proportion to its called length) has A and B inverted on both haplotypes; detectable as a likelihood or z-score gain when flipped back (both haplotypes deviate in opposite directions). Unfixed, fractions shift.',
    '- Chromosome ends outside called_start/called_end and 12–16 interior gaps per Morgan are uncalled (about a third of the map): the map length is the wrong denominator for the switch rate, and tracts cut by ends or gaps are censored (raw mean tract length overstates t).',
    '- h1/h2 are not parent1/parent2: parents are ordered by A fraction.',
    'Legitimate alternatives that pass: closed-form switch-count MLE, joint ML of t and m, z-score inversion scan.',
].join('\n'),
};

export default admixtureTiming;
