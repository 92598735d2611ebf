// Case 8: 8-founder multi-parent QTL mapping with founder-state reconstruction.

import type { Bounds, CaseStudy, Truth } from '../types.js';
import rubric from './rubric.json' with { type: 'json' };
import { naiveMppQtl } from './naive.js';
import { mppPrompt } from './prompt.js';
import { referenceMppQtl } from './reference.js';
import { mppAnswerSchema } from './schema.js';
import { CASE_ID, simulateMppQtl } from './simulator.js';

/**
 * Tolerances: max(floor 4 cM, 3 × RMSE_ref) for the position, exact for the founder. The floor is
 * the design's 4 cM (a founder segment spans ~14 cM; the scan grid is 0.5 cM). Sweep
 * `nice -n 10 npm run bench:cases -- --case mpp-qtl --seeds 200 --out docs/calibration/mpp-qtl.md`:
 * RMSE_ref 0.962 cM (bias +0.13, max 4.09), so 3 × RMSE = 2.89 < 4 and the floor holds; the
 * reference passes 199/200 seeds and names the founder on 200/200.
 */
export const MPP_TOLERANCE = { qtl_pos_cM: 4 } as const;

export function mppBounds(truth: Truth): Bounds {
  return {
    high_founder: [truth.high_founder, truth.high_founder],
    qtl_pos_cM: [truth.qtl_pos_cM - MPP_TOLERANCE.qtl_pos_cM, truth.qtl_pos_cM + MPP_TOLERANCE.qtl_pos_cM],
  };
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
  naive: naiveMppQtl,
  rubric: rubric.items,
  redFlags: rubric.red_flags,
  designNotes: [
    'Planted traps (never the answer values):',
    '- markers.tsv.gz rows and the genotype columns are shuffled out of map order; an HMM walked in file order reconstructs nothing.',
    '- 8% of markers have their 0/1 coding swapped in ril_genotypes.npz relative to founders.tsv.gz, including the 3 most QTL-informative markers within 5 cM of the QTL; allele frequency reveals swaps except where 4 of 8 founders carry allele 1, where the founder-HMM fit must be used.',
    '- phenotyping batch is aligned with F2 ancestry at a second chromosome-1 locus 30 cM from the QTL and one batch shifts the phenotype strongly, so scans without the batch covariate peak at that nuisance locus.',
    '- a single-marker (biallelic) scan cannot name a founder: each marker groups several founders, and the best markers near the QTL are the swapped ones.',
    'Expected method: sort markers; orientation check; 8-state founder HMM with posteriors on a grid; Haley–Knott scan with batch, sex and age; founder effects at the peak; support interval.',
  ].join('\n'),
};

export default mppQtl;
