// Case 5: CXCL10 eQTL in interferon-activated monocytes after ambient RNA correction.

import type { Bounds, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { naiveScEqtl } from './naive.js';
import { scEqtlPrompt } from './prompt.js';
import { referenceScEqtl } from './reference.js';
import { scEqtlAnswerSchema } from './schema.js';
import { CASE_ID, simulateScEqtl } from './simulator.js';

/**
 * Tolerance: max(floor 0.05, 3 × RMSE_ref), rounded up, from
 * `npm run bench:cases -- --case sc-eqtl-cxcl10 --seeds 200 --out docs/calibration/sc-eqtl-cxcl10.md`:
 * reference RMSE 0.0219 (bias −0.0117, from residual activation-call errors in the dirtiest lanes),
 * so 3 × RMSE = 0.0656 → ±0.066. With it the naive analyses miss on 100% / 97.5% / 96.5% of seeds and
 * 6.5% of sub-seeds are re-drawn (table in docs/calibration/sc-eqtl-cxcl10.md).
 */
export const SC_EQTL_TOLERANCE = { beta_activated: 0.066 } as const;

export function scEqtlBounds(truth: Truth): Bounds {
  const t = SC_EQTL_TOLERANCE.beta_activated;
  return { beta_activated: [truth.beta_activated - t, truth.beta_activated + t] };
}

const designNotes = `Traps planted in this case (for the rubric judge; no truth values):
- Each lane's ambient RNA is rich in the activation markers IFI6/ISG15 and carries CXCL10; contamination
  differs by lane (a few % to ~40%), so raw ISG fractions make resting cells of dirty lanes look activated.
- Dirty lanes hold mostly alt-allele donors and have smaller libraries, so every ambient error is
  confounded with genotype.
- Correct pipeline: soup per lane from empty droplets; contamination from HBB (not expressed by
  monocytes); ambient-corrected marker fractions BEFORE the activation call (per lane); donor-level
  pseudobulk count model with an ambient offset for CXCL10 and overdispersion.
- Naive analyses that fail: no correction at all; correction of CXCL10 only after calling on raw markers;
  cells treated as replicates (per-cell log-normalised regression). The effect allele is the T allele
  counted by rs_cxcl10_alt_dosage.`;

export const scEqtlCxcl10: CaseStudy = {
  id: CASE_ID,
  number: 5,
  title: 'Single-cell genomics: activated-monocyte CXCL10 eQTL after ambient RNA correction',
  domain: 'single-cell genomics',
  answerSchema: scEqtlAnswerSchema,
  prompt: () => scEqtlPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateScEqtl(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: scEqtlBounds,
  reference: referenceScEqtl,
  naive: naiveScEqtl,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  designNotes,
};

export default scEqtlCxcl10;
