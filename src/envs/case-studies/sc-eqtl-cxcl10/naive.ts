// The trap matrix for case 5: each realistic mistake is the reference pipeline with exactly one
// option flipped (see REFERENCE_PIPELINE in reference.ts). Cells treated as replicates (a per-cell
// log1p regression) is not in the matrix: its point estimate lands within the tolerance on about
// 40% of instances (docs/calibration/sc-eqtl-cxcl10.md); it stays a rubric red flag, because its
// error is in the inference (pseudo-replication), not reliably in the number. One contamination
// fraction per lane (SoupX's default; `ambient: 'lane_fraction'`) calls like raw markers but
// under-subtracts ambient CXCL10 from the small cells it wrongly selects, and the two errors cancel
// for strongly negative effects: it passes about 10% of instances, so it is not claimed either.

import type { Mistake } from '../types.js';
import { REFERENCE_PIPELINE, runScEqtl, type ScPipeline } from './reference.js';

const flip = (name: string, trap: string, change: Partial<ScPipeline>): Mistake => ({
  name,
  trap,
  analyse: (files) => runScEqtl(files, { ...REFERENCE_PIPELINE, ...change }),
});

export const naiveScEqtl: Mistake[] = [
  flip('no_ambient_correction', 'no ambient correction at all: activation called per lane on raw marker fractions and raw CXCL10 counts modelled', { ambient: 'none' }),
  flip('correction_after_calling', 'activation called per lane on raw (contaminated) marker fractions; the ambient correction is applied to CXCL10 only afterwards', { correctMarkers: false }),
  flip('no_target_ambient', 'activation called on corrected markers, but the ambient CXCL10 left in the counts the eQTL models', { correctTarget: false }),
];
