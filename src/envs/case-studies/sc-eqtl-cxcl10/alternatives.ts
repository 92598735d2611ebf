// Defensible alternatives for case 5: the reference pipeline with one legitimate choice changed.

import type { Alternative } from '../types.js';
import { REFERENCE_PIPELINE, runScEqtl, type ScPipeline } from './reference.js';

const alt = (name: string, choice: string, change: Partial<ScPipeline>): Alternative => ({
  name,
  choice,
  analyse: (files) => runScEqtl(files, { ...REFERENCE_PIPELINE, ...change }),
});

export const alternativesScEqtl: Alternative[] = [
  alt('ambient_from_empties', "ambient UMIs per droplet read from the lane's empty droplets (their mean total UMI) instead of from HBB in cell droplets", { ambientFrom: 'empties' }),
  alt('nb_pseudobulk', 'negative-binomial model of the donor pseudobulks (overdispersion on the whole mean, ambient included) instead of a Poisson GLMM with donor random intercepts', { model: 'nb' }),
  alt('log_linear_pseudobulk', "least squares of each donor's log ambient-subtracted CXCL10 rate on dosage (limma-style pseudobulk) instead of a count model", { model: 'log_linear' }),
  alt('two_isg_markers', 'activation called on IFI6 and ISG15 only instead of all four interferon-stimulated genes', { markers: ['IFI6', 'ISG15'] }),
];
