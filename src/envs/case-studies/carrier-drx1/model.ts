// Generative model of case 4 (DRX1 carrier screening): population parameters, the assay target
// panel, the screening call rule shared by the generator's truth and the reference pipeline, and
// the analytic detection rate of that call rule (the truth's DR, "known to the generator").
//
// DRX1 is an SMN1-like gene with a near-identical pseudogene DRX1P. Carrier kinds: a one-copy
// deletion allele (1+0), a silent two-copies-on-one-chromosome allele (2+0, invisible to dosage),
// and SNV/indel alleles, 50-80% of EUR SNV carriers (drawn per instance) on one founder haplotype tagged by three
// pathogenic-looking sites. Dosage depth ratio = a_anc·CN/2 + N(0, σ²), where a benign DRX1P
// capture variant common in AFR lowers a_AFR.

import { normalCdf } from '../framework/special.js';
import type { Rng } from '../framework/prng.js';
import { dirichlet } from '../framework/samplers.js';

export const ANCESTRIES = ['AFR', 'EUR', 'EAS', 'OTH'] as const;
export type Ancestry = (typeof ANCESTRIES)[number];
export const TIERS = [0, 1, 2] as const;

/** Carrier kinds (index into CarrierShares order). */
export const enum Kind {
  None = 0,
  Deletion = 1,
  Silent = 2,
  Snv = 3,
  Founder = 4,
}

export interface AncestryParams {
  /** carrier frequency at family-history tier 0 */
  cf0: number;
  /** shares of carrier kinds among carriers (deletion, silent 2+0, non-founder SNV/indel, founder haplotype) */
  shares: { deletion: number; silent: number; snv: number; founder: number };
  /** non-founder SNV/indel carriers: share per target id */
  snvSites: Record<string, number>;
  /** dosage capture scale a_anc (depth ratio of a CN-2 sample) */
  captureScale: number;
  /** non-carriers with a 2+1 (three-copy) genotype */
  threeCopy: number;
  /** heterozygotes for the benign DRX1P variant at the paralog-non-specific SNV site */
  pseudogeneVariant: number;
  /** background frequency of the duplication-linked marker on non-duplicated genotypes */
  linkMarkerBackground: number;
}

/** Template parameters; cf0, kind shares, capture scale and tier odds are redrawn per instance (drawParams). */
export const POPULATION: Record<Ancestry, AncestryParams> = {
  AFR: {
    cf0: 1 / 45,
    shares: { deletion: 0.62, silent: 0.3, snv: 0.08, founder: 0 },
    snvSites: { T03: 0.15, T06: 0.5, T07: 0.35 },
    captureScale: 0.87,
    threeCopy: 0.15,
    pseudogeneVariant: 0.05,
    linkMarkerBackground: 0.1,
  },
  EUR: {
    cf0: 1 / 50,
    shares: { deletion: 0.41, silent: 0.04, snv: 0.33, founder: 0.22 },
    snvSites: { T06: 0.5, T07: 0.5 },
    captureScale: 1.0,
    threeCopy: 0.05,
    pseudogeneVariant: 0.005,
    linkMarkerBackground: 0.03,
  },
  EAS: {
    cf0: 1 / 55,
    shares: { deletion: 0.85, silent: 0.05, snv: 0.1, founder: 0 },
    snvSites: { T06: 0.4, T07: 0.6 },
    captureScale: 1.0,
    threeCopy: 0.05,
    pseudogeneVariant: 0.005,
    linkMarkerBackground: 0.03,
  },
  OTH: {
    cf0: 1 / 48,
    shares: { deletion: 0.75, silent: 0.1, snv: 0.15, founder: 0 },
    snvSites: { T06: 0.4, T07: 0.6 },
    captureScale: 0.96,
    threeCopy: 0.08,
    pseudogeneVariant: 0.01,
    linkMarkerBackground: 0.05,
  },
};

/** Family-history tiers 1 and 2 multiply carrier odds (template values; redrawn per instance). */
export const TIER_ODDS = [1, 2, 4] as const;

/** Everything about the population that varies between instances. */
export interface PopulationParams {
  pop: Record<Ancestry, AncestryParams>;
  /** carrier-odds multiplier per family-history tier (tier 0 = 1) */
  tierOdds: [number, number, number];
  /** partner roster: ancestry shares (ANCESTRIES order) and tier shares */
  partnerAncestry: number[];
  partnerTiers: [number, number, number];
}

/** The template values (used by unit tests and as the centre of the per-instance draws). */
export const TEMPLATE_PARAMS: PopulationParams = {
  pop: POPULATION,
  tierOdds: [...TIER_ODDS],
  partnerAncestry: [0.3, 0.4, 0.15, 0.15],
  partnerTiers: [0.75, 0.05, 0.2],
};

/** Condition-level tier-0 carrier frequency (log-uniform) and the ± log-scale ancestry factor around it. */
export const CF0_RANGE = [1 / 450, 1 / 7] as const;
export const CF0_ANCESTRY_SPREAD = 0.5;

const logUniform = (rng: Rng, lo: number, hi: number) => Math.exp(Math.log(lo) + rng.uniform() * (Math.log(hi) - Math.log(lo)));
const uniform = (rng: Rng, lo: number, hi: number) => lo + rng.uniform() * (hi - lo);

/**
 * Per-instance population: tier-0 carrier frequency = a condition-level frequency log-uniform in
 * [1/450, 1/7] (from rarer recessive conditions to haemoglobinopathy-like ones) times a per-ancestry
 * factor e^U(−0.5, 0.5), so about 1/740 to 1/4.2; AFR silent 2+0 share U(0.2, 0.6),
 * EUR founder share of SNV carriers U(0.5, 0.8), AFR capture scale U(0.84, 0.89), tier odds ×U(1.5, 3)
 * and ×U(4, 10) (close family history: carrier relatives are common), and the partner roster's ancestry and tier mix
 * (ancestry Dirichlet(3, 1.5, 0.75, 0.75): the same source population as the AFR-rich screening roster,
 * which also keeps the screening strata that standardise the partner frequency well filled). Each field of the truth thus moves
 * along its own axis, so no single value is a good guess for another instance.
 */
export function drawParams(rng: Rng): PopulationParams {
  const pop = {} as Record<Ancestry, AncestryParams>;
  // A condition-level carrier frequency shared by the ancestries, times an ancestry factor: real
  // recessive conditions differ between each other far more than one condition differs between
  // ancestries, and a shared scale keeps the partner field (an ancestry mix) as spread as the others.
  const base = logUniform(rng, CF0_RANGE[0], CF0_RANGE[1]);
  for (const anc of ANCESTRIES) pop[anc] = { ...POPULATION[anc], shares: { ...POPULATION[anc].shares }, cf0: base * Math.exp(uniform(rng, -CF0_ANCESTRY_SPREAD, CF0_ANCESTRY_SPREAD)) };
  const afrSilent = uniform(rng, 0.2, 0.6);
  pop.AFR.shares = { deletion: 0.92 - afrSilent, silent: afrSilent, snv: 0.08, founder: 0 };
  pop.AFR.captureScale = uniform(rng, 0.84, 0.89);
  const eurSilent = uniform(rng, 0.02, 0.08);
  const eurFounder = uniform(rng, 0.5, 0.8);
  const eurSnv = 0.55;
  pop.EUR.shares = { deletion: 1 - eurSilent - eurSnv, silent: eurSilent, snv: eurSnv * (1 - eurFounder), founder: eurSnv * eurFounder };
  const tierOdds: [number, number, number] = [1, uniform(rng, 1.5, 3), uniform(rng, 4, 10)];
  const partnerAncestry = dirichlet(rng, [3, 1.5, 0.75, 0.75]).map((x) => 0.04 + 0.84 * x);
  const t2 = uniform(rng, 0.08, 0.4);
  const t1 = uniform(rng, 0.04, 0.1);
  return { pop, tierOdds, partnerAncestry, partnerTiers: [1 - t1 - t2, t1, t2] };
}

export const ASSAY = {
  /** depth-ratio noise SD */
  depthSd: 0.07,
  /** mean reads at paralog-specific sites */
  specificDepth: 45,
  /** mean reads at the non-specific site (both paralogs) and the paralog-specific subset there */
  nonSpecificDepth: 90,
  nonSpecificSpecificDepth: 28,
  /** per-read error giving stray alt reads */
  readError: 0.005,
  /** share of deletion carriers whose exon 8 is retained (exon 7-only loss by gene conversion) */
  exon7OnlyDeletion: 0.15,
  /** duplication-linked marker frequency on 2+0 and 2+1 genotypes */
  linkMarkerOnDuplication: 0.6,
  /** heterozygous VUS frequency (all ancestries) */
  vus: 0.02,
} as const;

export interface Target {
  target_id: string;
  target_type: 'CN_exon7' | 'CN_exon8' | 'SNV' | 'INDEL' | 'PSV' | 'DUP_LINK_MARKER';
  hgvs: string;
  founder_haplotype: string;
  paralog_specific: 0 | 1;
  classification: string;
}

/** The assay panel (synthetic HGVS-like labels). */
export const TARGETS: readonly Target[] = [
  { target_id: 'T01', target_type: 'CN_exon7', hgvs: 'DRX1 exon 7 copy number', founder_haplotype: '', paralog_specific: 1, classification: 'copy_number' },
  { target_id: 'T02', target_type: 'CN_exon8', hgvs: 'DRX1 exon 8 copy number', founder_haplotype: '', paralog_specific: 1, classification: 'copy_number' },
  { target_id: 'T03', target_type: 'SNV', hgvs: 'DRX1 c.212G>T', founder_haplotype: 'FH1', paralog_specific: 1, classification: 'pathogenic' },
  { target_id: 'T04', target_type: 'INDEL', hgvs: 'DRX1 c.431_434delAGTC', founder_haplotype: 'FH1', paralog_specific: 1, classification: 'pathogenic' },
  { target_id: 'T05', target_type: 'SNV', hgvs: 'DRX1 c.596A>C', founder_haplotype: 'FH1', paralog_specific: 1, classification: 'likely_pathogenic' },
  { target_id: 'T06', target_type: 'SNV', hgvs: 'DRX1 c.811C>A', founder_haplotype: '', paralog_specific: 0, classification: 'pathogenic' },
  { target_id: 'T07', target_type: 'INDEL', hgvs: 'DRX1 c.67dupG', founder_haplotype: '', paralog_specific: 1, classification: 'pathogenic' },
  { target_id: 'T08', target_type: 'PSV', hgvs: 'DRX1 c.840C>T (DRX1/DRX1P)', founder_haplotype: '', paralog_specific: 1, classification: 'benign' },
  { target_id: 'T09', target_type: 'DUP_LINK_MARKER', hgvs: 'DRX1 c.*211T>G', founder_haplotype: '', paralog_specific: 1, classification: 'risk_modifier' },
  { target_id: 'T10', target_type: 'SNV', hgvs: 'DRX1 c.1003G>A', founder_haplotype: '', paralog_specific: 1, classification: 'VUS' },
];

export const FOUNDER_SITES = ['T03', 'T04', 'T05'] as const;

/** Screening call rule for SNVs/indels (reads that can be assigned to DRX1). */
export const SNV_CALL = { minAlt: 4, minVaf: 0.2 } as const;

export function snvCalled(alt: number, total: number): boolean {
  return total > 0 && alt >= SNV_CALL.minAlt && alt / total >= SNV_CALL.minVaf;
}

/** Carrier probability at a tier: the tier multiplies the odds. */
export function carrierProbability(params: PopulationParams, anc: Ancestry, tier: number): number {
  const p = params.pop[anc].cf0;
  const odds = (p / (1 - p)) * params.tierOdds[tier];
  return odds / (1 + odds);
}

/** P(Bin(n, 1/2) passes the SNV call rule), averaged over n ~ Poisson(λ). */
export function snvSensitivity(lambda: number): number {
  let total = 0;
  let pois = Math.exp(-lambda);
  const nMax = Math.ceil(lambda + 12 * Math.sqrt(lambda) + 20);
  for (let n = 0; n <= nMax; n++) {
    if (n > 0) pois *= lambda / n;
    const kMin = Math.max(SNV_CALL.minAlt, Math.ceil(SNV_CALL.minVaf * n - 1e-12));
    // P(X ≥ kMin), X ~ Bin(n, 1/2)
    let tail = 0;
    let logC = 0; // log C(n, k), updated incrementally
    for (let k = 0; k <= n; k++) {
      if (k > 0) logC += Math.log((n - k + 1) / k);
      if (k >= kMin) tail += Math.exp(logC - n * Math.LN2);
    }
    total += pois * tail;
  }
  return total;
}

/** Mean depth of the DRX1-assignable reads at a target. */
export function specificDepthOf(targetId: string): number {
  const t = TARGETS.find((x) => x.target_id === targetId)!;
  return t.paralog_specific ? ASSAY.specificDepth : ASSAY.nonSpecificSpecificDepth;
}

/**
 * Population detection probability of the correct pipeline for carriers of one ancestry: exon-7
 * dosage called at the midpoint between the calibrated CN-1 and CN-2 centres, SNVs from
 * DRX1-assignable reads; silent 2+0 carriers are found only by a (rare) false dosage call.
 */
export function detectionRate(params: PopulationParams, anc: Ancestry): number {
  const P = params.pop[anc];
  const a = P.captureScale;
  const thr = 0.75 * a;
  const delCall = normalCdf((thr - 0.5 * a) / ASSAY.depthSd);
  const cn2Call = normalCdf((thr - a) / ASSAY.depthSd);
  const either = (p: number) => 1 - (1 - cn2Call) * (1 - p);
  let snv = 0;
  for (const [site, w] of Object.entries(P.snvSites)) snv += w * snvSensitivity(specificDepthOf(site));
  const founder = 1 - FOUNDER_SITES.reduce((m, s) => m * (1 - snvSensitivity(specificDepthOf(s))), 1);
  const s = P.shares;
  return s.deletion * delCall + s.silent * cn2Call + s.snv * either(snv) + s.founder * either(founder);
}
