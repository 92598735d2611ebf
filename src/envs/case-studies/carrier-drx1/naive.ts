// Naive analyses for case 4: each is the reference pipeline with one step done the naive way, so
// each falls into exactly one planted trap.

import type { Answer, CaseStudy } from '../types.js';
import { REFERENCE_OPTIONS, estimate, toAnswer, type PipelineOptions } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

const variant = (change: Partial<PipelineOptions>) => (files: Files): Answer => toAnswer(estimate(files, { ...REFERENCE_OPTIONS, ...change }));

/** Defensible alternatives: a different, legitimate choice at one step. */
export const alternativesCarrier: NonNullable<CaseStudy['alternatives']> = [
  {
    name: 'mixture_dosage_calibration',
    choice: 'copy-number scale per ancestry from an unsupervised Gaussian mixture over all assayed samples (deletion where the CN-1 posterior wins) instead of a regression on the labelled controls',
    analyse: variant({ dosage: 'mixture' }),
  },
  {
    name: 'partner_from_screening_strata',
    choice: 'partner frequency from the screening cohort’s ancestry × tier strata alone, standardised to the partner roster (the partners’ own tests left out; same source population)',
    analyse: variant({ partners: 'screening_strata' }),
  },
  {
    name: 'qc_complete_case',
    choice: 'QC-passing rows taken as they are within ancestry (QC failure is too rare and too weakly tied to tier to bias the frequency)',
    analyse: variant({ qc: 'complete_case' }),
  },
];

export const naiveCarrier: CaseStudy['naive'] = [
  {
    name: 'nominal_cn_threshold',
    trap: 'no ancestry-specific dosage calibration: CN = 2 × depth ratio (threshold 0.75) for everyone, so the DRX1P capture variant makes false AFR deletion calls',
    analyse: variant({ dosage: 'nominal' }),
  },
  {
    name: 'pooled_detection_rate',
    trap: 'one detection rate pooled over all controls, ignoring that silent 2+0 carriers are common in AFR (AFR residual risk far too low)',
    analyse: variant({ performance: 'pooled' }),
  },
  {
    name: 'no_silent_carriers',
    trap: 'detection rate taken from carrier controls the screen can see (silent 2+0 controls left out), so screen-negative carriers are assumed away',
    analyse: variant({ performance: 'detectable' }),
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
