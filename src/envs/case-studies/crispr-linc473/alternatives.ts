// Defensible alternatives for case 2: the reference pipeline with one legitimate choice changed.

import type { Alternative } from '../types.js';
import { lincAnswer, REFERENCE_PIPELINE, runLinc, type LincPipeline } from './reference.js';

const alt = (name: string, choice: string, change: Partial<LincPipeline>): Alternative => ({
  name,
  choice,
  analyse: (files) => lincAnswer(runLinc(files, { ...REFERENCE_PIPELINE, ...change })),
});

export const alternativesLinc: Alternative[] = [
  alt('gc_matched_controls', 'GC bias removed by centring each guide on the median of the 15 control guides closest in GC, instead of a fitted trend', { gc: 'matched_controls' }),
  alt('casrx_drop_offtarget', 'CasRx guides that knock down KIN1 mRNA (kd_KIN1 > 0.1) dropped instead of modelled', { casrxKin1: 'drop' }),
  alt('arrayed_drop_mismatch', 'arrayed wells whose sequenced guide differs from the intended one dropped instead of re-assigned', { arrayed: 'drop_mismatch' }),
  alt('unweighted_locus_model', 'locus model fitted by ordinary least squares instead of inverse-variance weights', { weights: 'ols' }),
  alt('screen_only', 'arrayed follow-up used only as a check: locus model on the screen LFCs alone', { arrayed: 'none' }),
];
