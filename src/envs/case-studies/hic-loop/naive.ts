// The trap matrix of case 7: each realistic mistake is the reference pipeline with exactly one
// step skipped or done the common wrong way (one option flipped), and the defensible alternatives
// that differ from it only in a legitimate choice.

import type { Alternative, Answer, Mistake } from '../types.js';
import { loopStrengths, REFERENCE_OPTIONS, type PipelineOptions } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

const withOption = (change: Partial<PipelineOptions>) => (files: Files): Answer => loopStrengths(files, { ...REFERENCE_OPTIONS, ...change });

export const hicMistakes: Mistake[] = [
  {
    name: 'no_mappability_mask',
    trap: 'low-mappability bins kept: ICE inflates their depleted rows, whose flat multimapping background distorts the expected curve',
    analyse: withOption({ maskMappability: false }),
  },
  {
    name: 'no_sv_mask',
    trap: 'the case-only SV left in: its non-separable block of ectopic contacts survives ICE and inflates the case expected curve',
    analyse: withOption({ maskSv: false }),
  },
  {
    name: 'sv_masked_in_case_only',
    trap: 'the SV segment masked in the case samples only, so control is balanced and its expected built on other bins than case',
    analyse: withOption({ svMaskScope: 'case-only' }),
  },
  {
    name: 'median_expected',
    trap: 'expected(d) as the median instead of the stated mean over pixels at distance d',
    analyse: withOption({ expectedStat: 'median' }),
  },
  {
    name: 'pooled_expected',
    trap: 'one expected curve pooled over all samples, although case and control differ in distance decay',
    analyse: withOption({ expected: 'pooled' }),
  },
  {
    name: 'coarse_40kb',
    trap: 'the 20 kb loop read at 40 kb: the 40 kb pixel containing bins 8 and 17 dilutes the loop with its halo',
    analyse: withOption({ resolution: '40kb' }),
  },
];

export const hicAlternatives: Alternative[] = [
  {
    name: 'apa_aggregate',
    choice: 'APA-style: the replicates\' observed/expected at the pixel aggregated (averaged) before taking log2, instead of averaging per-replicate log2 O/E',
    analyse: withOption({ combine: 'apa' }),
  },
  {
    name: 'sinkhorn_balancing',
    choice: 'matrix balanced by Sinkhorn–Knopp square-root updates (KR-style) instead of ICE; same equal-row-sum target',
    analyse: withOption({ balancer: 'sinkhorn' }),
  },
];
