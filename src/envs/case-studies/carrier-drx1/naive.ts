// Naive analyses for case 4: each is the reference pipeline with one step done the naive way, so
// each falls into exactly one planted trap.

import type { Answer, CaseStudy } from '../types.js';
import { REFERENCE_OPTIONS, estimate, toAnswer, type PipelineOptions } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

const variant = (change: Partial<PipelineOptions>) => (files: Files): Answer => toAnswer(estimate(files, { ...REFERENCE_OPTIONS, ...change }));

export const naiveCarrier: CaseStudy['naive'] = [
  {
    name: 'pooled_cn_threshold',
    trap: 'no ancestry-specific dosage calibration: CN = 2 × depth ratio (threshold 0.75) for everyone and assay performance pooled over ancestries, so the DRX1P capture variant makes false AFR deletion calls',
    analyse: variant({ dosage: 'nominal', performance: 'pooled' }),
  },
  {
    name: 'pooled_detection_rate',
    trap: 'one detection rate pooled over all controls, ignoring that silent 2+0 carriers are common in AFR (AFR residual risk far too low)',
    analyse: variant({ performance: 'pooled' }),
  },
  {
    name: 'paralog_unaware_reads',
    trap: 'SNV calls from all reads at the paralog-non-specific site, so the benign DRX1P variant is called as a DRX1 carrier',
    analyse: variant({ reads: 'total' }),
  },
  {
    name: 'no_founder_collapse',
    trap: 'carrier frequency as the sum of per-variant frequencies, counting the three-site EUR founder haplotype three times',
    analyse: variant({ collapse: false }),
  },
  {
    name: 'includes_cascade',
    trap: 'cascade-testing relatives (half of them carriers) kept in the carrier-frequency denominator',
    analyse: variant({ collections: ['screening', 'cascade'] }),
  },
  {
    name: 'tested_partners_only',
    trap: 'partner carrier frequency from tested partners as they are, not standardised to the full roster (testing rises with family-history tier)',
    analyse: variant({ partners: 'tested_only' }),
  },
];
