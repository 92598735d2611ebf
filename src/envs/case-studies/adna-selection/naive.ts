// The trap matrix of case 10: each realistic mistake is the reference HMM with exactly one option
// flipped; the defensible alternatives differ from it only in a legitimate choice; the metadata
// guesses name a locus from loci.tsv alone.
// Measured and not served as a mistake: a constant Ne in place of the bottleneck schedule moves ŝ by
// a few per cent (drift widens the likelihood, it barely moves its peak), so it is an alternative.

import type { Alternative, Answer, CaseStudy, Mistake } from '../types.js';
import { analysis, REFERENCE_OPTIONS } from './analysis.js';
import { loadAdna } from './io.js';
import { LOCUS_LABELS } from './schema.js';
import { DESIGN, LOCI, type LocusLabel } from './simulator.js';

type Files = ReadonlyMap<string, Uint8Array>;

export const adnaMistakes: Mistake[] = [
  {
    name: 'alt_allele_scale',
    trap: 'selection fitted to the alt allele as reported; at both loci alt is the ancestral allele, so the selected sweep comes out as negative selection and the other locus (or a negative s) is reported',
    analyse: analysis({ ...REFERENCE_OPTIONS, scale: 'alt' }),
  },
  {
    name: 'symmetric_error',
    trap: 'seq_error used as the miscall rate in both directions; the damage direction is under-corrected while the derived allele is rare and damage strongest, so early frequencies read high and the sweep looks flatter',
    analyse: analysis({ ...REFERENCE_OPTIONS, error: 'symmetric' }),
  },
  {
    name: 'error_ignored',
    trap: 'reads taken at face value (no miscalls); early deamination C→T/G→A inflates the rare derived allele and flattens the sweep',
    analyse: analysis({ ...REFERENCE_OPTIONS, error: 'none' }),
  },
  {
    name: 'years_as_generations',
    trap: 'elapsed sample_year used as the number of generations (37 years per generation ignored), so s is per year, about 37 times too small',
    // a 41-state grid: a finer grid cannot undo a 37-fold time error, and each fit takes 37 times the steps
    analyse: analysis({ ...REFERENCE_OPTIONS, time: { yearsPerGeneration: 1 }, gridSize: 41 }),
  },
  {
    name: 'years_at_25_per_generation',
    trap: 'sample_year converted with a textbook 25 years per generation instead of the data\'s 37 (the generation column ignored), so the series seems 48% longer and s comes out about 32% too small',
    analyse: analysis({ ...REFERENCE_OPTIONS, time: { yearsPerGeneration: 25 } }),
  },
];

export const adnaAlternatives: Alternative[] = [
  {
    name: 'trajectory_regression',
    choice: 'no drift model: a logistic trajectory regression (logit x_t = a + t·log(1 + s)) fitted by binomial maximum likelihood with the same directional miscall rates',
    analyse: analysis({ ...REFERENCE_OPTIONS, method: 'trajectory' }),
  },
  {
    name: 'hmm_harmonic_mean_ne',
    choice: 'the HMM with one constant Ne, the harmonic mean of the demography over the sampled generations, instead of the per-generation schedule',
    analyse: analysis({ ...REFERENCE_OPTIONS, ne: 'harmonic-mean' }),
  },
  {
    name: 'hmm_coarse_grid',
    choice: 'the HMM on a 201-state frequency grid instead of 401',
    analyse: analysis({ ...REFERENCE_OPTIONS, gridSize: 201 }),
  },
];

/** The median of the design's prior on s (log-uniform): the best constant s. */
const MEDIAN_S = Math.sqrt(DESIGN.sSelMin * DESIGN.sSelMax);

/** A locus named from loci.tsv alone, s the prior median: no read is looked at. */
function fromLociTable(pick: (loci: ReturnType<typeof loadAdna>['loci']) => LocusLabel) {
  return (files: Files): Answer => ({ selected_locus: LOCUS_LABELS.indexOf(pick(loadAdna(files).loci)), s: MEDIAN_S });
}

export const adnaMetadataGuesses: NonNullable<CaseStudy['metadataGuesses']> = [
  { name: 'alt_is_ancestral_locus', analyse: fromLociTable((l) => LOCI.find((L) => l[L].alleles.alt === l[L].alleles.ancestral) ?? 'A') },
  { name: 'ancestral_C_locus', analyse: fromLociTable((l) => LOCI.find((L) => l[L].alleles.ancestral === 'C') ?? 'A') },
  { name: 'first_row_locus', analyse: fromLociTable(() => 'A') },
];
