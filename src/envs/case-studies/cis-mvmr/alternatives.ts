// Defensible alternatives for case 3: the reference pipeline with one legitimate choice changed.

import type { Alternative } from '../types.js';
import { REFERENCE_PIPELINE, mvmrAnswer, runMvmr, type MvmrPipeline } from './reference.js';

const alt = (name: string, choice: string, change: Partial<MvmrPipeline>): Alternative => ({
  name,
  choice,
  analyse: (files) => mvmrAnswer(runMvmr(files, { ...REFERENCE_PIPELINE, ...change })),
});

export const alternativesMvmr: Alternative[] = [
  alt('robust_iqr_sd', 'SD from the interquartile range of all records (below-LOD values only need their rank)', { sdMethod: 'robust_iqr' }),
  alt('strict_clumping', 'clumping at r² < 0.1 instead of 0.3', { r2Max: 0.1 }),
  alt('loose_clumping', 'clumping at r² < 0.5 instead of 0.3', { r2Max: 0.5 }),
];
