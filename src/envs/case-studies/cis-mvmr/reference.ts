// Reference analysis for case 3, from the files only:
// 1. harmonise every file to the LD panel's alt allele (swap, strand complement), drop A/T–C/G SNPs
//    with MAF > 0.42 and SNPs whose alleles or outcome frequency cannot be reconciled;
// 2. convert per-unit effects to per SD of log10 concentration with SD_unit from the measurement
//    records on each GWAS's scale (robust IQR-based SD, so below-LOD values only need their rank);
// 3. instruments: screening |z| > 5 for either protein, greedy clumping at r² < 0.3; exposure effects
//    from the independent replication studies (no winner's curse);
// 4. GLS with Σ = S_Γ (R_J + 1e-3·I) S_Γ on the two exposures jointly;
// 5. residual local pleiotropy: add the LD column of the best single SNP (per-allele scale) if it
//    lowers Q by more than 15.

import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Answer } from '../types.js';
import { readText } from '../framework/gzip.js';
import { npyNumbers, readNpz } from '../framework/npy.js';
import { parseTsv, type Table } from '../framework/tsv.js';
import { requireFile } from '../framework/files.js';
import { quantile } from '../crispr-linc473/stats.js';

type Files = ReadonlyMap<string, Uint8Array>;
const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' };

export interface Panel {
  snp: string[];
  alt: string[];
  ref: string[];
  altFreq: number[];
  R: number[][];
  index: Map<string, number>;
}

/** One summary-statistics file aligned to the panel: NaN where the SNP was dropped. */
export interface Aligned {
  beta: number[];
  se: number[];
  unit: string;
}

export interface MvmrData {
  panel: Panel;
  screenA: Aligned;
  screenB: Aligned;
  repA: Aligned;
  repB: Aligned;
  outcome: Aligned;
  /** SD of each protein on its GWAS scale (from the measurement records) */
  sdUnitA: number;
  sdUnitB: number;
}

export function loadPanel(files: Files): Panel {
  const z = readNpz(requireFile(files, 'locus_ld.npz'));
  const snp = z.snp.data as string[];
  const J = snp.length;
  const flat = npyNumbers(z.R);
  const R = Array.from({ length: J }, (_, i) => Array.from(flat.subarray(i * J, (i + 1) * J)));
  return {
    snp,
    alt: z.alt_allele.data as string[],
    ref: z.ref_allele.data as string[],
    altFreq: Array.from(npyNumbers(z.alt_freq)),
    R,
    index: new Map(snp.map((s, i) => [s, i])),
  };
}

function col(t: Table, name: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new Error(`missing column ${name}`);
  return i;
}

export interface AlignOptions {
  /** align alleles to the panel (otherwise take the reported effect allele as the alt allele) */
  harmonise: boolean;
  /** drop A/T and C/G SNPs with minor-allele frequency above this */
  palindromeMaf: number;
}

/** Read a summary-statistics file and orient each beta to the panel's alt allele. */
export function alignFile(files: Files, path: string, panel: Panel, opts: AlignOptions): Aligned {
  const t = parseTsv(readText(requireFile(files, path)));
  const J = panel.snp.length;
  const beta = new Array<number>(J).fill(NaN);
  const se = new Array<number>(J).fill(NaN);
  const betaCol = t.header.includes('beta') ? 'beta' : 'beta_logodds';
  const [cs, cea, coa, cb, cse] = ['snp', 'effect_allele', 'other_allele', betaCol, 'se'].map((c) => col(t, c));
  const cfreq = t.header.includes('eaf') ? col(t, 'eaf') : -1;
  const cmaf = t.header.includes('maf') ? col(t, 'maf') : -1;
  const unit = t.header.includes('trait_unit') ? t.rows[0][col(t, 'trait_unit')] : 'log-odds';
  for (const r of t.rows) {
    const j = panel.index.get(r[cs]);
    if (j === undefined) continue;
    const b = Number(r[cb]);
    const s = Number(r[cse]);
    if (!Number.isFinite(b) || !Number.isFinite(s) || s <= 0) continue;
    if (!opts.harmonise) {
      beta[j] = b;
      se[j] = s;
      continue;
    }
    const [ea, oa] = [r[cea], r[coa]];
    const alt = panel.alt[j];
    const ref = panel.ref[j];
    const maf = Math.min(panel.altFreq[j], 1 - panel.altFreq[j]);
    if (COMPLEMENT[alt] === ref && maf > opts.palindromeMaf) continue; // strand cannot be resolved
    let sign = 0;
    if (ea === alt && oa === ref) sign = 1;
    else if (ea === ref && oa === alt) sign = -1;
    else if (COMPLEMENT[ea] === alt && COMPLEMENT[oa] === ref) sign = 1;
    else if (COMPLEMENT[ea] === ref && COMPLEMENT[oa] === alt) sign = -1;
    if (sign === 0) continue;
    // Frequency check where the file reports an effect-allele frequency.
    if (cfreq >= 0) {
      const f = Number(r[cfreq]);
      const altF = sign === 1 ? f : 1 - f;
      if (Math.abs(altF - panel.altFreq[j]) > 0.15) continue;
    } else if (cmaf >= 0 && Math.abs(Number(r[cmaf]) - maf) > 0.15) continue;
    beta[j] = sign * b;
    se[j] = s;
  }
  return { beta, se, unit };
}

/** Robust SD (IQR/1.349): below-LOD values sit in the bottom tail, below the first quartile. */
export function robustSd(values: number[]): number {
  return (quantile(values, 0.75) - quantile(values, 0.25)) / 1.3489795;
}

/** SD of a protein on the scale its GWAS reports, from the measurement records. */
export function unitSd(files: Files, protein: string, gwasUnit: string, opts: { robust: boolean; transform: boolean }): number {
  const t = parseTsv(readText(requireFile(files, 'protein_measurements.tsv.gz')));
  const [cp, cu, cv, cl] = ['protein', 'unit', 'value', 'below_lod'].map((c) => col(t, c));
  const rows = t.rows.filter((r) => r[cp] === protein);
  if (rows.length === 0) throw new Error(`no measurement records for ${protein}`);
  const recUnit = rows[0][cu];
  let f: (v: number) => number;
  if (!opts.transform) f = (v) => v;
  else if (/^ln\(/.test(gwasUnit) && recUnit === 'pg/mL') f = Math.log;
  else if (/^log10\(/.test(gwasUnit) && recUnit === 'pg/mL') f = Math.log10;
  else if (/NPX/.test(gwasUnit) && recUnit === 'NPX') f = (v) => v;
  else throw new Error(`cannot map measurement unit ${recUnit} to GWAS scale ${gwasUnit}`);
  if (opts.robust) return robustSd(rows.map((r) => f(Number(r[cv]))));
  const v = rows.filter((r) => r[cl] !== '1').map((r) => f(Number(r[cv])));
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

const loadCache = new WeakMap<Files, Map<string, MvmrData>>();

/** Parsed and aligned files (cached per files object, so naive analyses do not re-parse). */
export function loadMvmr(files: Files, opts: AlignOptions = { harmonise: true, palindromeMaf: 0.42 }): MvmrData {
  const key = JSON.stringify(opts);
  let perFiles = loadCache.get(files);
  if (!perFiles) loadCache.set(files, (perFiles = new Map()));
  const hit = perFiles.get(key);
  if (hit) return hit;
  const d = parseMvmr(files, opts);
  perFiles.set(key, d);
  return d;
}

function parseMvmr(files: Files, opts: AlignOptions): MvmrData {
  const panel = loadPanel(files);
  const a = (p: string) => alignFile(files, p, panel, opts);
  const screenA = a('prota_screening.tsv.gz');
  const screenB = a('protb_screening.tsv.gz');
  const repA = a('prota_replication.tsv.gz');
  const repB = a('protb_replication.tsv.gz');
  const outcome = a('disease_gwas.tsv.gz');
  return {
    panel,
    screenA,
    screenB,
    repA,
    repB,
    outcome,
    sdUnitA: unitSd(files, 'PROTA', repA.unit, { robust: true, transform: true }),
    sdUnitB: unitSd(files, 'PROTB', repB.unit, { robust: true, transform: true }),
  };
}

/** Screening |z| > threshold for either protein, greedy clumping by max |z| at r² < r2Max. */
export function selectInstruments(d: MvmrData, opts: { zMin: number; r2Max: number; sources?: Aligned[] }): number[] {
  const J = d.panel.snp.length;
  const sources = opts.sources ?? [d.screenA, d.screenB];
  const usable = (j: number) => [d.repA, d.repB, d.outcome, ...sources].every((f) => Number.isFinite(f.beta[j]));
  const score = Array.from({ length: J }, (_, j) => (usable(j) ? Math.max(...sources.map((f) => Math.abs(f.beta[j] / f.se[j]))) : 0));
  const order = [...Array(J).keys()].filter((j) => score[j] > opts.zMin).sort((x, y) => score[y] - score[x]);
  const kept: number[] = [];
  for (const j of order) if (kept.every((k) => d.panel.R[j][k] ** 2 < opts.r2Max)) kept.push(j);
  return kept.sort((x, y) => x - y);
}

export interface GlsFit {
  coef: number[];
  q: number;
}

/** GLS of y on the columns of X with covariance Σ = S (R + ridge·I) S. */
export function gls(X: number[][], y: number[], se: number[], R: number[][], ridge: number): GlsFit {
  const n = y.length;
  const sigma = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) sigma.set(i, k, se[i] * se[k] * (R[i][k] + (i === k ? ridge : 0)));
  const chol = new CholeskyDecomposition(sigma);
  if (!chol.isPositiveDefinite()) throw new Error('GLS covariance is not positive definite');
  const Lw = chol.lowerTriangularMatrix;
  // Whiten: solve L·u = v.
  const solveL = (v: number[]) => {
    const u = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let k = 0; k < i; k++) s -= Lw.get(i, k) * u[k];
      u[i] = s / Lw.get(i, i);
    }
    return u;
  };
  const p = X[0].length;
  const cols = Array.from({ length: p }, (_, c) => solveL(X.map((row) => row[c])));
  const yw = solveL(y);
  const xtx = new Matrix(p, p);
  const xty = new Matrix(p, 1);
  for (let a = 0; a < p; a++) {
    xty.set(a, 0, cols[a].reduce((s, v, i) => s + v * yw[i], 0));
    for (let b = 0; b < p; b++) xtx.set(a, b, cols[a].reduce((s, v, i) => s + v * cols[b][i], 0));
  }
  const coef = new CholeskyDecomposition(xtx).solve(xty).to1DArray();
  let q = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += cols[a][i] * coef[a];
    q += (yw[i] - f) ** 2;
  }
  return { coef, q };
}

export interface MvmrOptions {
  /** exposure betas taken from replication (true) or from the screening studies (false) */
  replicationBetas: boolean;
  /** multiply per-unit effects by the SD on the GWAS scale */
  convertUnits: boolean;
  pleiotropyScan: boolean;
}

/** Joint cis-MVMR estimate (per SD of log10 concentration when convertUnits). */
interface PerUnitFit {
  coefA: number;
  coefB: number;
  instruments: number[];
  pleiotropicSnp: number | null;
}

// Fits per data object and options: naive analyses that only change the unit conversion reuse them.
const fitCache = new WeakMap<MvmrData, Map<string, PerUnitFit>>();

function fitPerUnit(d: MvmrData, replicationBetas: boolean, pleiotropyScan: boolean): PerUnitFit {
  const key = `${replicationBetas}|${pleiotropyScan}`;
  let perData = fitCache.get(d);
  if (!perData) fitCache.set(d, (perData = new Map()));
  const hit = perData.get(key);
  if (hit) return hit;
  const J = selectInstruments(d, { zMin: 5, r2Max: 0.3 });
  if (J.length < 3) throw new Error(`only ${J.length} instruments after clumping`);
  const [ea, eb] = replicationBetas ? [d.repA, d.repB] : [d.screenA, d.screenB];
  const X = J.map((j) => [ea.beta[j], eb.beta[j]]);
  const y = J.map((j) => d.outcome.beta[j]);
  const se = J.map((j) => d.outcome.se[j]);
  const RJ = J.map((a) => J.map((b) => d.panel.R[a][b]));
  let fit = gls(X, y, se, RJ, 1e-3);
  let pleio: number | null = null;
  if (pleiotropyScan) {
    pleio = scanPleiotropy(d, J, X, y, se, RJ);
    if (pleio !== null) {
      const sdG = d.panel.altFreq.map((f) => Math.sqrt(2 * f * (1 - f)));
      fit = gls(J.map((j, i) => [...X[i], d.panel.R[j][pleio!] / sdG[j]]), y, se, RJ, 1e-3);
    }
  }
  const out = { coefA: fit.coef[0], coefB: fit.coef[1], instruments: J, pleiotropicSnp: pleio };
  perData.set(key, out);
  return out;
}

/** Joint cis-MVMR estimate (per SD of log10 concentration when convertUnits). */
export function mvmr(d: MvmrData, opts: MvmrOptions): { thetaA: number; thetaB: number; instruments: number[]; pleiotropicSnp: number | null } {
  const f = fitPerUnit(d, opts.replicationBetas, opts.pleiotropyScan);
  const sA = opts.convertUnits ? d.sdUnitA : 1;
  const sB = opts.convertUnits ? d.sdUnitB : 1;
  return { thetaA: f.coefA * sA, thetaB: f.coefB * sB, instruments: f.instruments, pleiotropicSnp: f.pleiotropicSnp };
}

/**
 * Residual local pleiotropy: a direct effect α of SNP k on the outcome appears at SNP j as
 * α·R[j][k]/sd_j per allele. Candidates are SNPs with a clear replication pQTL signal. The choice of k
 * is scored on a wider set of pQTL SNPs (clumped at r² < 0.8) than the instruments, so that a handful
 * of instruments cannot be over-fitted; k is kept if it lowers Q by more than 15 there.
 */
export function scanPleiotropy(d: MvmrData, J: number[], X: number[][], y: number[], se: number[], RJ: number[][]): number | null {
  const sdG = d.panel.altFreq.map((f) => Math.sqrt(2 * f * (1 - f)));
  const z = (f: Aligned, k: number) => Math.abs(f.beta[k] / f.se[k]);
  const ok = (k: number) => [d.repA, d.repB, d.outcome].every((f) => Number.isFinite(f.beta[k]));
  const candidates = [...Array(d.panel.snp.length).keys()].filter((k) => ok(k) && Math.max(z(d.repA, k), z(d.repB, k)) > 5);
  const order = [...candidates].sort((a, b) => Math.max(z(d.repA, b), z(d.repB, b)) - Math.max(z(d.repA, a), z(d.repB, a)));
  const wide: number[] = [];
  for (const k of order) if (wide.every((w) => d.panel.R[k][w] ** 2 < 0.8)) wide.push(k);
  if (wide.length < 5) return null;
  const Xw = wide.map((j) => [d.repA.beta[j], d.repB.beta[j]]);
  const yw = wide.map((j) => d.outcome.beta[j]);
  const sw = wide.map((j) => d.outcome.se[j]);
  const Rw = wide.map((a) => wide.map((b) => d.panel.R[a][b]));
  const base = gls(Xw, yw, sw, Rw, 1e-2).q;
  let best: { k: number; q: number } | null = null;
  for (const k of candidates) {
    const q = gls(wide.map((j, i) => [...Xw[i], d.panel.R[j][k] / sdG[j]]), yw, sw, Rw, 1e-2).q;
    if (!best || q < best.q) best = { k, q };
  }
  void J, X, y, se, RJ;
  return best && base - best.q > 15 ? best.k : null;
}

export function referenceMvmr(files: Files): Answer {
  const d = loadMvmr(files);
  const r = mvmr(d, { replicationBetas: true, convertUnits: true, pleiotropyScan: true });
  return { theta_PROTA: r.thetaA, theta_PROTB: r.thetaB };
}
