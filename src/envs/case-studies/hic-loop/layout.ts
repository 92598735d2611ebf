// Fixed layout of case 7: the region, the bins, the samples and the file names.

export const CASE_ID = 'hic-loop';
export const CHROM = 'chr8';
export const REGION_START = 400_000;
export const BIN_20KB = 20_000;
export const N_BINS_20KB = 80; // chr8:400,000–2,000,000
export const N_BINS_40KB = N_BINS_20KB / 2;

/** The asked-about interaction, in 20 kb bin ids. */
export const LOOP_ANCHORS = [8, 17] as const;

/** Bins with mappability below this are unreliable and masked (stated in the prompt). */
export const MAPPABILITY_MIN = 0.5;

export const SAMPLES = [
  { name: 'case_rep1', condition: 'case', replicate: 1 },
  { name: 'case_rep2', condition: 'case', replicate: 2 },
  { name: 'control_rep1', condition: 'control', replicate: 1 },
  { name: 'control_rep2', condition: 'control', replicate: 2 },
] as const;
export type SampleName = (typeof SAMPLES)[number]['name'];
export type Condition = 'case' | 'control';

export const FILES = {
  bins20: 'bins_20kb.tsv.gz',
  bins40: 'bins_40kb.tsv.gz',
  contacts20: 'contacts_20kb.npz',
  contacts40: 'contacts_40kb.npz',
  samples: 'samples.tsv.gz',
} as const;
