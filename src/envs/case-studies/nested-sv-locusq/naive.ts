// Naive analyses for case 6, each the reference with one planted trap walked into.

import type { CaseStudy } from '../types.js';
import { REFERENCE_OPTIONS, analyseLocusQ, type AnalysisOptions } from './reference.js';

const variant = (o: Partial<AnalysisOptions>) => (files: ReadonlyMap<string, Uint8Array>) => analyseLocusQ(files, { ...REFERENCE_OPTIONS, ...o });

export const naiveLocusQ: CaseStudy['naive'] = [
  { name: 'no_outer_adjustment', trap: 'outer-inversion dosage left out: its own disease effect (either sign) loads onto the nested segment-B dosage', analyse: variant({ adjustOuter: false }) },
  { name: 'raw_depth_ratio', trap: 'raw segment-B depth ratio used as the dosage (≈ 1 + 0.5 per copy, batch-scaled) instead of calibrated copies', analyse: variant({ dosage: 'raw_ratio' }) },
  { name: 'unweighted_cohort_fit', trap: 'source-population design weights ignored: case sampling depends on clinic and recruitment stream, and the referral stream is enriched for segment-B carriers', analyse: variant({ clinicalData: 'cohort_unweighted' }) },
  { name: 'panel_only_fit', trap: 'association fitted on the breakpoint panel alone, which oversamples cases with a high depth ratio, without source weights', analyse: variant({ clinicalData: 'panel_only' }) },
  { name: 'marginal_expression_scan', trap: 'expression gene chosen by a marginal scan on B, which picks the outer-orientation position-effect gene', analyse: variant({ expressionModel: 'marginal' }) },
  { name: 'pooled_batch_calibration', trap: 'depth ratio calibrated to copies with one scale pooled over sequencing batches, whose capture efficiency differs by up to ±25%', analyse: variant({ calibration: 'pooled' }) },
  { name: 'sign_only_effects', trap: 'effects reported by direction only, with a literature-typical magnitude (log-OR ±0.2, log-FC ±0.2) instead of the fitted per-copy values', analyse: variant({ effects: 'sign_only' }) },
  { name: 'all_panel_rows', trap: 'carriers counted over every panel row (low-quality, discordant and duplicate calls included)', analyse: variant({ count: 'all_rows' }) },
];

/** Defensible alternatives: one legitimate choice made differently. */
export const alternativesLocusQ: NonNullable<CaseStudy['alternatives']> = [
  { name: 'hard_copy_calls', choice: 'segment-B dosage as the nearest calibrated copy state instead of the posterior-expected copies', analyse: variant({ copies: 'hard' }) },
  { name: 'age_bands', choice: 'age adjusted by the cohort’s age bands (18–49, 50–64, 65+) instead of a linear term', analyse: variant({ age: 'bands' }) },
];

/**
 * Metadata guess: the carrier count done properly from the panel (it needs no modelling), the
 * more common code, and mid-range magnitudes under that code's signs — no association or
 * expression model fitted.
 */
export const metadataGuessesLocusQ: NonNullable<CaseStudy['metadataGuesses']> = [
  {
    name: 'panel_count_plus_constants',
    analyse: (files) => ({ ...analyseLocusQ(files, { ...REFERENCE_OPTIONS, effects: 'sign_only' }), target_support_code: 1, expression_log_fc: 0.45, subhap_log_or: -1.25 }),
  },
];
