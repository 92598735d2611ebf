// Naive analyses for case 6, each the reference with one planted trap walked into.

import type { CaseStudy } from '../types.js';
import { REFERENCE_OPTIONS, analyseLocusQ, type AnalysisOptions } from './reference.js';

const variant = (o: Partial<AnalysisOptions>) => (files: ReadonlyMap<string, Uint8Array>) => analyseLocusQ(files, { ...REFERENCE_OPTIONS, ...o });

export const naiveLocusQ: CaseStudy['naive'] = [
  { name: 'no_outer_adjustment', trap: 'outer-inversion dosage left out: its opposite-signed effect cancels the nested segment-B effect', analyse: variant({ adjustOuter: false }) },
  { name: 'raw_depth_ratio', trap: 'raw segment-B depth ratio used as the dosage (≈ 1 + 0.5 per copy, batch-scaled) instead of calibrated copies', analyse: variant({ dosage: 'raw_ratio' }) },
  { name: 'unweighted_cohort_fit', trap: 'source-population design weights ignored: case sampling depends on clinic and recruitment stream, and the referral stream is enriched for segment-B carriers', analyse: variant({ clinicalData: 'cohort_unweighted' }) },
  { name: 'panel_only_fit', trap: 'association fitted on the breakpoint panel alone, which oversamples cases with a high depth ratio, without source weights', analyse: variant({ clinicalData: 'panel_only' }) },
  { name: 'marginal_expression_scan', trap: 'expression gene chosen by a marginal scan on B, which picks the outer-orientation position-effect gene', analyse: variant({ expressionModel: 'marginal' }) },
  { name: 'all_panel_rows', trap: 'carriers counted over every panel row (low-quality, discordant and duplicate calls included)', analyse: variant({ count: 'all_rows' }) },
];
