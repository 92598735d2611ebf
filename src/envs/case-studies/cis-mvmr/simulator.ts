// Simulator for case 3: cis multivariable MR of two linked proteins (PROTA, PROTB) on a binary disease.
//
// Generative model (standardised scale: per SD of genotype dosage, per SD of log10 concentration):
// 200 SNPs over 2 Mb whose haplotypes threshold a latent Gaussian AR(1) (ρ = 0.97), so LD decays along
// the locus; 4 causal pQTLs per protein, 2 shared; outcome log-odds Γ = θA·bA + θB·bB + α·e_p with one
// pleiotropic B variant p. Summary statistics are β̂ = R·b + N(0, R/N) with R the population LD, then
// converted to per-allele, per-unit effects (PROTA in ln(pg/mL), PROTB in NPX = log2 units).
// Planted traps: effect alleles not aligned with the LD panel (minor allele in the protein files, 30%
// swapped in the outcome), strand-flipped labels, ambiguous A/T–C/G SNPs near MAF 0.5 reported on the
// other strand in the outcome, assay units (ln vs log2 vs SD of log10), below-LOD values, winner's
// curse in the small screening study, LD between instruments, residual local pleiotropy.

import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { CaseFile, Truth } from '../types.js';
import { gzip } from '../framework/gzip.js';
import { npyArray, writeNpz } from '../framework/npy.js';
import { Rng } from '../framework/prng.js';
import { normal } from '../framework/samplers.js';
import { normalQuantile, twoSidedP } from '../framework/special.js';
import { writeTsv, type Cell } from '../framework/tsv.js';

export const CASE_ID = 'cis-mvmr';

export const DESIGN = {
  nSnp: 200,
  startBp: 50_000_000,
  spacingBp: 10_000,
  rho: 0.97,
  panelN: 5_000,
  populationHaplotypes: 20_000,
  screeningN: 700,
  replicationN: 100_000,
  nCases: 200_000,
  nControls: 1_800_000,
  measurementsPerProtein: 8_000,
  /** per-SD-genotype pQTL effects, |b| ~ U(lo, hi) */
  effect: [0.13, 0.27],
  /** θA = ±U(lo, hi): PROTA always has an effect */
  thetaA: [0.25, 0.9],
  /** θB ~ U(−hi, hi): from clearly harmful through null to clearly protective */
  thetaB: 0.9,
  /** direct (pleiotropic) effect of one B-only pQTL on the outcome, ±U(lo, hi) per SD of genotype */
  alpha: [0.06, 0.1],
  /** share of each protein's records below the assay's limit of detection, U(lo, hi) */
  belowLod: [0.1, 0.22],
};

export type MvmrDesign = typeof DESIGN;

/** Expected |z| a SNP needs to count as a powered instrument (instruments are selected at |z| > 5). */
export const POWER_Z = 5.2;
/** Expected LD-independent instruments needed for two exposures plus a pleiotropy term and spare degrees of freedom. */
export const MIN_EXPECTED_INSTRUMENTS = 5;

const BASES = ['A', 'C', 'G', 'T'] as const;
const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' };
export const isPalindromic = (a: string, b: string) => COMPLEMENT[a] === b;

export interface MvmrLatent {
  thetaA: number;
  thetaB: number;
  sdLog10A: number;
  sdLog10B: number;
  causalA: number[];
  causalB: number[];
  pleiotropic: number;
  alpha: number;
  /** per-SD-genotype causal effects on each protein */
  bA: number[];
  bB: number[];
  popR: number[][];
  sdG: number[];
  /** standardised SE of the outcome GWAS */
  outcomeSe: number;
  replicationN: number;
}

export interface MvmrSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  latent: MvmrLatent;
}

/**
 * Standard normals by the polar method from 32-bit uniforms (one PRNG word per coordinate, half of
 * what the 53-bit sampler spends): the latent haplotype Gaussians are only ever thresholded, and
 * these ~6 million draws are most of the time it takes to open an instance.
 */
function fillNormals32(rng: Rng, out: Float64Array): void {
  for (let i = 0; i < out.length; ) {
    const u = rng.nextU32() * 4.656612873077393e-10 - 1; // 2^-31
    const v = rng.nextU32() * 4.656612873077393e-10 - 1;
    const q = u * u + v * v;
    if (q <= 0 || q >= 1) continue;
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    out[i++] = u * f;
    if (i < out.length) out[i++] = v * f;
  }
}

/** Haplotypes (0/1 for the alt allele) from a thresholded latent AR(1) Gaussian. */
function haplotypes(rng: Rng, n: number, thresholds: number[], rho: number): Uint8Array {
  const J = thresholds.length;
  const out = new Uint8Array(n * J);
  const s = Math.sqrt(1 - rho ** 2);
  const z = new Float64Array(J);
  for (let h = 0; h < n; h++) {
    fillNormals32(rng, z);
    let x = z[0];
    for (let j = 0; j < J; j++) {
      if (j > 0) x = rho * x + s * z[j];
      out[h * J + j] = x > thresholds[j] ? 1 : 0;
    }
  }
  return out;
}

/** Per-SNP bitsets over haplotypes h0, h0+step, h0+2·step, … (alt allele = 1). */
function bitsets(haps: Uint8Array, J: number, h0: number, step: number, count: number): Uint32Array[] {
  const words = Math.ceil(count / 32);
  const out = Array.from({ length: J }, () => new Uint32Array(words));
  for (let i = 0; i < count; i++) {
    const base = (h0 + i * step) * J;
    for (let j = 0; j < J; j++) if (haps[base + j]) out[j][i >>> 5] |= 1 << (i & 31);
  }
  return out;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) >>> 0;
}

function andCount(a: Uint32Array, b: Uint32Array): number {
  let c = 0;
  for (let w = 0; w < a.length; w++) c += popcount(a[w] & b[w]);
  return c;
}

/**
 * Correlation of alt-allele dosages over individuals made of `ploidy` consecutive haplotypes
 * (ploidy 1: haplotype-level LD; ploidy 2: genotype dosages as in a reference panel).
 */
function correlation(haps: Uint8Array, nHap: number, J: number, ploidy: 1 | 2): { R: number[][]; freq: number[] } {
  const n = nHap / ploidy;
  const sets = Array.from({ length: ploidy }, (_, c) => bitsets(haps, J, c, ploidy, n));
  const mean = Array.from({ length: J }, (_, j) => sets.reduce((a, s) => a + andCount(s[j], s[j]), 0) / n);
  const cross = (a: number, b: number) => {
    let c = 0;
    for (const sa of sets) for (const sb of sets) c += andCount(sa[a], sb[b]);
    return c / n;
  };
  const cov = Array.from({ length: J }, () => new Array<number>(J).fill(0));
  for (let a = 0; a < J; a++) for (let b = a; b < J; b++) cov[a][b] = cov[b][a] = cross(a, b) - mean[a] * mean[b];
  const sd = cov.map((r, j) => Math.sqrt(Math.max(r[j], 1e-12)));
  const R = cov.map((r, a) => r.map((c, b) => (a === b ? 1 : c / (sd[a] * sd[b]))));
  return { R, freq: mean.map((m) => m / ploidy) };
}

function cholesky(R: number[][]): Matrix {
  for (let jitter = 1e-8; jitter < 1; jitter *= 10) {
    const m = new Matrix(R);
    for (let i = 0; i < R.length; i++) m.set(i, i, 1 + jitter);
    const c = new CholeskyDecomposition(m);
    if (c.isPositiveDefinite()) return c.lowerTriangularMatrix;
  }
  throw new Error('LD matrix is not positive definite');
}

/** m + L·z/√N: correlated sampling noise of marginal standardised effects. */
function noisy(rng: Rng, m: number[], L: Matrix, n: number): number[] {
  const J = m.length;
  const z = Array.from({ length: J }, () => normal(rng));
  return m.map((mj, i) => {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L.get(i, k) * z[k];
    return mj + s / Math.sqrt(n);
  });
}

/**
 * Instruments the screening study is expected to yield: SNPs whose expected marginal |z| (from the
 * population effects, no sampling noise) is at least zMin for either protein, greedily clumped at
 * r² < 0.3 — a power property of the simulated design, computed without any estimator.
 */
export function expectedInstruments(mA: number[], mB: number[], R: number[][], n: number, zMin: number): number {
  const z = mA.map((a, j) => Math.max(Math.abs(a), Math.abs(mB[j])) * Math.sqrt(n));
  const order = [...z.keys()].filter((j) => z[j] >= zMin).sort((a, b) => z[b] - z[a]);
  const kept: number[] = [];
  for (const j of order) if (kept.every((k) => R[j][k] ** 2 < 0.3)) kept.push(j);
  return kept.length;
}

const matVec = (R: number[][], v: number[]) => R.map((row) => row.reduce((a, r, k) => a + r * v[k], 0));
const sig = (x: number, digits = 6) => Number(x.toPrecision(digits));

export function simulateMvmr(seed: number, subSeed: number, design: MvmrDesign = DESIGN): MvmrSimulation {
  const DESIGN = design;
  const root = Rng.from(CASE_ID, seed, subSeed);
  const J = DESIGN.nSnp;

  // Locus: alleles, frequencies and LD.
  const lr = root.split('locus');
  const alt: string[] = [];
  const ref: string[] = [];
  const altFreqTarget: number[] = [];
  for (let j = 0; j < J; j++) {
    let a: string, b: string;
    if (lr.bernoulli(0.12)) [a, b] = lr.bernoulli(0.5) ? ['A', 'T'] : ['C', 'G'];
    else {
      a = lr.pick(BASES);
      do b = lr.pick(BASES);
      while (b === a || COMPLEMENT[a] === b);
    }
    alt.push(a);
    ref.push(b);
    const maf = lr.uniformRange(0.05, 0.5);
    altFreqTarget.push(lr.bernoulli(0.5) ? maf : 1 - maf);
  }
  const thresholds = altFreqTarget.map((f) => normalQuantile(1 - f));
  const pop = haplotypes(root.split('population'), DESIGN.populationHaplotypes, thresholds, DESIGN.rho);
  const popLd = correlation(pop, DESIGN.populationHaplotypes, J, 1);
  const panelHaps = haplotypes(root.split('panel'), 2 * DESIGN.panelN, thresholds, DESIGN.rho);
  const panel = correlation(panelHaps, 2 * DESIGN.panelN, J, 2);
  const panelAltFreq = panel.freq;
  const freq = popLd.freq; // population alt frequency
  const sdG = freq.map((f) => Math.sqrt(2 * f * (1 - f)));

  // Effects: causal variants among common, non-ambiguous SNPs, at least 15 SNPs (150 kb) apart, so the clumped instruments keep each signal.
  const er = root.split('effects');
  const eligible = [...Array(J).keys()].filter((j) => j > 5 && j < J - 5 && !isPalindromic(alt[j], ref[j]) && Math.min(freq[j], 1 - freq[j]) > 0.1);
  const causal: number[] = [];
  while (causal.length < 6) {
    const c = er.pick(eligible);
    if (causal.every((x) => Math.abs(x - c) >= 15)) causal.push(c);
  }
  const causalA = causal.slice(0, 4);
  const causalB = [causal[0], causal[1], causal[4], causal[5]];
  const effect = () => (er.bernoulli(0.5) ? 1 : -1) * er.uniformRange(DESIGN.effect[0], DESIGN.effect[1]);
  const bA = new Array<number>(J).fill(0);
  const bB = new Array<number>(J).fill(0);
  for (const c of causalA) bA[c] = effect();
  for (const c of causalB) bB[c] = effect();
  // Continuous draws (no point mass at 0): the direct effects, their signs and the pleiotropy.
  const thetaA = (er.bernoulli(0.5) ? 1 : -1) * er.uniformRange(DESIGN.thetaA[0], DESIGN.thetaA[1]);
  const thetaB = er.uniformRange(-DESIGN.thetaB, DESIGN.thetaB);
  const pleiotropic = causal[4];
  const alpha = (er.bernoulli(0.5) ? 1 : -1) * er.uniformRange(DESIGN.alpha[0], DESIGN.alpha[1]);
  const gammaStd = bA.map((a, j) => thetaA * a + thetaB * bB[j] + (j === pleiotropic ? alpha : 0));
  const sdLog10A = er.uniformRange(0.15, 0.3);
  const sdLog10B = er.uniformRange(0.15, 0.3);
  const unitA = sdLog10A * Math.LN10; // SD of ln(pg/mL)
  const unitB = sdLog10B * Math.log2(10); // SD of NPX (log2)

  // Summary statistics.
  const L = cholesky(popLd.R);
  const mA = matVec(popLd.R, bA);
  const mB = matVec(popLd.R, bB);
  const mY = matVec(popLd.R, gammaStd);
  const sr = root.split('sumstats');
  const snpId = (j: number) => `rs${200000 + j * 7 + (j % 3)}`;
  const pos = (j: number) => DESIGN.startBp + j * DESIGN.spacingBp;

  const proteinFile = (m: number[], n: number, unitSd: number, unitLabel: string, stream: string) => {
    const r = sr.split(stream);
    const est = noisy(r, m, L, n);
    const rows: Cell[][] = [];
    for (let j = 0; j < J; j++) {
      const perAllele = (est[j] / sdG[j]) * unitSd;
      const se = (1 / Math.sqrt(n) / sdG[j]) * unitSd;
      const maf = Math.min(freq[j], 1 - freq[j]);
      // Report the minor allele as the effect allele (not the panel's alt allele).
      const altIsMinor = freq[j] <= 0.5;
      let ea = altIsMinor ? alt[j] : ref[j];
      let oa = altIsMinor ? ref[j] : alt[j];
      const b = altIsMinor ? perAllele : -perAllele;
      // A few non-ambiguous SNPs are reported on the reverse strand.
      if (!isPalindromic(ea, oa) && r.bernoulli(0.05)) [ea, oa] = [COMPLEMENT[ea], COMPLEMENT[oa]];
      rows.push([snpId(j), pos(j), ea, oa, sig(maf, 4), sig(b), sig(se, 5), sig(twoSidedP(b / se), 4), n, unitLabel]);
    }
    return gzip(writeTsv(['snp', 'pos_bp', 'effect_allele', 'other_allele', 'maf', 'beta', 'se', 'pval', 'n', 'trait_unit'], rows));
  };

  const files: CaseFile[] = [
    { path: 'prota_screening.tsv.gz', data: proteinFile(mA, DESIGN.screeningN, unitA, 'ln(pg/mL)', 'prota_screening') },
    { path: 'protb_screening.tsv.gz', data: proteinFile(mB, DESIGN.screeningN, unitB, 'NPX (log2)', 'protb_screening') },
    { path: 'prota_replication.tsv.gz', data: proteinFile(mA, DESIGN.replicationN, unitA, 'ln(pg/mL)', 'prota_replication') },
    { path: 'protb_replication.tsv.gz', data: proteinFile(mB, DESIGN.replicationN, unitB, 'NPX (log2)', 'protb_replication') },
  ];

  // Disease GWAS: alt-allele effects, with 30% of rows swapped to the other allele, some strand flips,
  // and ambiguous high-MAF A/T, C/G SNPs reported on the reverse strand half of the time.
  const dr = sr.split('disease');
  const nTot = DESIGN.nCases + DESIGN.nControls;
  const phi = DESIGN.nCases / nTot;
  const seStd = 1 / Math.sqrt(nTot * phi * (1 - phi));
  const yEst = noisy(dr, mY, L, 1 / seStd ** 2);
  const dRows: Cell[][] = [];
  for (let j = 0; j < J; j++) {
    let b = yEst[j] / sdG[j];
    const se = seStd / sdG[j];
    let eaf = Math.min(0.999, Math.max(0.001, freq[j] + normal(dr, 0, 0.005)));
    let ea = alt[j];
    let oa = ref[j];
    if (dr.bernoulli(0.3)) {
      [ea, oa] = [oa, ea];
      b = -b;
      eaf = 1 - eaf;
    }
    const pal = isPalindromic(ea, oa);
    const flipStrand = pal ? Math.min(freq[j], 1 - freq[j]) > 0.42 && dr.bernoulli(0.5) : dr.bernoulli(0.08);
    if (flipStrand) [ea, oa] = [COMPLEMENT[ea], COMPLEMENT[oa]];
    dRows.push([snpId(j), pos(j), ea, oa, sig(eaf, 4), sig(b), sig(se, 5), sig(twoSidedP(b / se), 4), DESIGN.nCases, DESIGN.nControls]);
  }
  files.push({
    path: 'disease_gwas.tsv.gz',
    data: gzip(writeTsv(['snp', 'pos_bp', 'effect_allele', 'other_allele', 'eaf', 'beta_logodds', 'se', 'pval', 'n_cases', 'n_controls'], dRows)),
  });

  // LD reference panel (n = 2,000), signed to the panel's alt allele.
  files.push({
    path: 'locus_ld.npz',
    data: writeNpz({
      R: npyArray('float64', panel.R.flat(), [J, J]),
      snp: npyArray('str', Array.from({ length: J }, (_, j) => snpId(j))),
      alt_allele: npyArray('str', alt),
      ref_allele: npyArray('str', ref),
      alt_freq: npyArray('float64', panelAltFreq),
    }),
  });

  // Protein measurement records: PROTA by immunoassay in pg/mL (linear), PROTB by proximity
  // extension in NPX (log2, arbitrary offset); values below the LOD are reported at the LOD.
  const mr = root.split('measurements');
  const mRows: Cell[][] = [];
  const recs = (protein: string, platform: string, unit: string, sd: number, toValue: (log10: number) => number, lodQ: number, digits: number) => {
    const x = Array.from({ length: DESIGN.measurementsPerProtein }, () => normal(mr, 0, sd));
    const values = x.map(toValue);
    const sorted = [...values].sort((a, b) => a - b);
    const lod = sig(sorted[Math.floor(lodQ * values.length)], 3);
    values.forEach((v, i) => {
      const below = v < lod;
      mRows.push([`${protein === 'PROTA' ? 'A' : 'B'}${String(i + 1).padStart(5, '0')}`, protein, platform, unit, below ? lod : sig(v, digits), below ? 1 : 0]);
    });
  };
  const muA = mr.uniformRange(2.0, 2.8);
  recs('PROTA', 'sandwich_immunoassay', 'pg/mL', sdLog10A, (x) => 10 ** (muA + x), mr.uniformRange(DESIGN.belowLod[0], DESIGN.belowLod[1]), 4);
  const offB = mr.uniformRange(3, 7);
  recs('PROTB', 'proximity_extension', 'NPX', sdLog10B, (x) => offB + x * Math.log2(10), mr.uniformRange(DESIGN.belowLod[0], DESIGN.belowLod[1]), 4);
  files.push({ path: 'protein_measurements.tsv.gz', data: gzip(writeTsv(['sample_id', 'protein', 'platform', 'unit', 'value', 'below_lod'], mRows)) });

  return {
    files,
    truth: { theta_PROTA: thetaA, theta_PROTB: thetaB },
    meta: {
      n_snps: J,
      panel_n: DESIGN.panelN,
      screening_n: DESIGN.screeningN,
      replication_n: DESIGN.replicationN,
      // Power of each study: LD-independent SNPs whose expected |z| clears the bar.
      replication_expected_instruments: expectedInstruments(mA, mB, popLd.R, DESIGN.replicationN, POWER_Z),
      screening_expected_instruments: expectedInstruments(mA, mB, popLd.R, DESIGN.screeningN, POWER_Z),
    },
    latent: { thetaA, thetaB, sdLog10A, sdLog10B, causalA, causalB, pleiotropic, alpha, bA, bB, popR: popLd.R, sdG, outcomeSe: seStd, replicationN: DESIGN.replicationN },
  };
}
