// Case 8: 8-founder multi-parent QTL mapping with founder-state reconstruction.

import type { Bounds, CaseInstance, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { mppAlternatives, mppMetadataGuesses, mppMistakes } from './naive.js';
import { mppPrompt } from './prompt.js';
import { referenceMppQtl } from './reference.js';
import { mppAnswerSchema } from './schema.js';
import { CASE_ID, simulateMppQtl } from './simulator.js';

/**
 * Tolerances: max(floor 3 cM, 3 × RMSE_ref) for the position, exact for the founder. On 200
 * served test instances the reference's RMSE is 0.76 cM (3 × RMSE = 2.3 cM, largest error 2.7
 * cM); the floor covers the alternatives (hard founder calls, probabilities at the markers only),
 * whose peaks sit on a coarser footing (scan grid 0.5 cM, markers ~1.1 cM apart). The QTL is
 * drawn on U(8, 117) cM (served truth SD 32.7 cM, 10.9 half-widths). Measured in
 * docs/calibration/mpp-qtl.md (`npm run bench:cases -- --case mpp-qtl --seeds 200`).
 */
export const MPP_TOLERANCE = { qtl_pos_cM: 3 } as const;

export function mppBounds(truth: Truth): Bounds {
  return {
    high_founder: [truth.high_founder, truth.high_founder],
    qtl_pos_cM: [truth.qtl_pos_cM - MPP_TOLERANCE.qtl_pos_cM, truth.qtl_pos_cM + MPP_TOLERANCE.qtl_pos_cM],
  };
}

/** Serving rule thresholds on the simulated data (see mppAccept). */
export const MPP_ACCEPT = { minQtlLod: 10, minFounderGapZ: 3, minDistinguishingMarkers: 2, minNuisanceMargin: 10 } as const;

/**
 * Serving rule on properties of the simulated data, never on an analysis: the QTL must be
 * detectable (batch-adjusted LOD with the true founder states), the high founder must stand out
 * from the runner-up, the markers within 8 cM of the QTL must tell its haplotype from every
 * other founder's, and the batch-aligned nuisance locus must outrank the QTL when batch is ignored
 * (so the batch trap exists in this instance).
 */
export function mppAccept(inst: CaseInstance): string | null {
  const m = inst.meta as Record<string, number>;
  const a = MPP_ACCEPT;
  if (!(m.qtlLod >= a.minQtlLod)) return `QTL LOD with true founder states ${m.qtlLod.toFixed(1)} < ${a.minQtlLod}`;
  if (!(m.founderGapZ >= a.minFounderGapZ)) return `high founder stands ${m.founderGapZ.toFixed(1)} SE above the runner-up (< ${a.minFounderGapZ})`;
  if (!(m.minDistinguishingMarkers >= a.minDistinguishingMarkers)) return `only ${m.minDistinguishingMarkers} markers near the QTL tell the high founder from another`;
  if (!(m.nuisanceLodUnadjusted >= m.qtlLodUnadjusted + a.minNuisanceMargin)) return `without batch the nuisance locus outranks the QTL by ${(m.nuisanceLodUnadjusted - m.qtlLodUnadjusted).toFixed(1)} LOD (< ${a.minNuisanceMargin})`;
  return null;
}

export const mppQtl: CaseStudy = {
  id: CASE_ID,
  number: 8,
  title: 'Multi-parent QTL with founder reconstruction (8-founder RILs)',
  domain: 'statistical genetics',
  answerSchema: mppAnswerSchema,
  prompt: () => mppPrompt,
  simulate(seed, subSeed) {
    const { files, truth, meta } = simulateMppQtl(seed, subSeed);
    return { caseId: CASE_ID, seed, subSeed, files, truth, meta };
  },
  bounds: mppBounds,
  reference: referenceMppQtl,
  naive: mppMistakes,
  alternatives: mppAlternatives,
  metadataGuesses: mppMetadataGuesses,
  accept: mppAccept,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  designNotes: [
    'Planted problems (never the answer values); each realistic mistake in the trap matrix is the reference with one option flipped:',
    '- founders.tsv codes the founder-minor allele as 1; the RIL calls follow another convention, reversed at 90–100% of the 2- and 3-of-8 markers and half of the 4-of-8 markers, genome-wide (unrelated to the QTL). Allele frequency reveals the reversal except at 4-of-8 markers, where the founder HMM fit does. Used as given, the HMM reads each founder as the one most unlike it (no_orientation_check).',
    '- phenotyping batch is aligned with one founder (not the high one) at a second chromosome-1 locus 25–55 cM from the QTL, and one batch shifts the phenotype by 3.8–4.4 residual SD, so a scan without batch peaks there (no_batch_covariate).',
    '- markers.tsv.gz rows and the genotype columns are out of map order; no marker carries an allele private to one founder (each allele is carried by ≥ 2 founders), so a single marker never names the founder.',
    'Measured and not claimed as traps (100 served seeds): the HMM walked in file order passes 8% (it degenerates into a single-marker analysis), a single-marker scan with the founder read off the peak marker 29%, a frequency-only coding check 86%.',
    'Legitimate alternatives that pass: regression on hard founder calls, dropping 4-of-8 markers instead of checking them with the HMM, probabilities at the markers with other HMM rates.',
    'Expected method: sort markers; coding check (frequency, then HMM fit for 4-of-8 markers); 8-state founder HMM with posteriors on a grid; Haley–Knott scan with batch, sex and age; founder effects at the peak; support interval.',
  ].join('\n'),
};

export default mppQtl;
