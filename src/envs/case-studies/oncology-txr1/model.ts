// Shared facts of the TXR1/DLR1 model: the DLR1 star-allele table, the phenotype rule, the genomic
// region, and the clinical outcome model used for both simulation and the oracle truth.

import { expit } from '../framework/special.js';

// Frequencies: more no-function alleles than the design notes (PM ≈ 26%, *5 carriers ≈ 36%), so the
// DLR1-driven toxicity and the germline *5 decoys carry weight in the subgroup.
export const DLR1_ALLELES = [
  { allele: '*1', freq: 0.31, value: 1, structural: 0 },
  { allele: '*2', freq: 0.18, value: 0.5, structural: 0 },
  { allele: '*3', freq: 0.17, value: 0, structural: 0 },
  { allele: '*4', freq: 0.14, value: 0, structural: 0 },
  { allele: '*5', freq: 0.2, value: 0, structural: 1 }, // whole-gene deletion in the TXR1/DLR1 region
] as const;

export type Phenotype = 'NM' | 'IM' | 'PM';

/** Activity score → phenotype: ≥ 1.5 normal, 0.5–1 intermediate, 0 poor. */
export function phenotypeOf(activity: number): Phenotype {
  return activity >= 1.5 ? 'NM' : activity > 0 ? 'IM' : 'PM';
}

/** chr22 region (synthetic coordinates): TXR1 regulatory domain and the DLR1 *5 deletion. */
export const REGION = {
  chrom: 'chr22',
  txr1DomainStart: 42_080_000,
  txr1DomainEnd: 42_200_000,
  dlr1Del5Bp1: 42_126_000,
  dlr1Del5Bp2: 42_139_000,
} as const;

export interface ClinicalCovariates {
  age: number;
  ecog: number;
  burden: number;
  priorLines: number;
  priorResistance: number;
  lineage: 'A' | 'B' | 'C';
  phenotype: Phenotype;
}

/** Week-16 benefit log-odds without treatment and without a toxicity stop (prior resistance −1.6; design notes −1.2). */
export function benefitEta(c: ClinicalCovariates): number {
  const lin = c.lineage === 'A' ? 0 : c.lineage === 'B' ? 0.3 : -0.3;
  return 0.2 - 0.5 * (c.ecog === 1 ? 1 : 0) - 1.2 * (c.ecog === 2 ? 1 : 0) - 0.5 * Math.log(c.burden) - 1.6 * c.priorResistance - 0.2 * c.priorLines + lin;
}

/**
 * 8-week treatment-limiting toxicity risk under TXR1i (DLR1 IM +0.7, PM +1.8 log-odds: a strong
 * pharmacogenetic effect that still leaves most of the variation in toxicity to chance). `toxShift` is
 * the scenario's log-odds shift of the whole toxicity profile (larger = a more toxic regimen).
 */
export function toxRiskTxr1i(c: ClinicalCovariates, toxShift = 0): number {
  return expit(-2.0 + toxShift + 0.4 * (c.ecog === 2 ? 1 : 0) + 0.7 * (c.phenotype === 'IM' ? 1 : 0) + 1.8 * (c.phenotype === 'PM' ? 1 : 0) + 0.02 * (c.age - 64));
}

export const TOX_RISK_OTHER = expit(-3.2);
// A treatment-limiting toxicity stop at 8 weeks lowers the chance of week-16 benefit (design notes: 1.2;
// 3.0 log-odds: the drug is stopped by week 8, so few of these patients still benefit at week 16; with
// less, ignoring the toxicity-driven missing visits biases the benefit by less than the tolerance on
// the most and least toxic regimens).
export const TOX_BENEFIT_PENALTY = 3.0;

/**
 * P(benefit) under a therapy, integrating over the toxicity stop: `shift` is the therapy's log-odds in
 * this instance (the comparator's level, plus the TXR1i effect in this patient's tumour under TXR1i),
 * `toxRisk` the patient's risk of a toxicity stop under that therapy.
 */
export function benefitProb(c: ClinicalCovariates, shift: number, toxRisk: number): number {
  const eta = benefitEta(c) + shift;
  return toxRisk * expit(eta - TOX_BENEFIT_PENALTY) + (1 - toxRisk) * expit(eta);
}

export const NCU_TOX_WEIGHT = 0.35;
