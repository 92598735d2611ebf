// Reference analysis for case 3, from the files only, written as one pipeline with option flags so
// that each realistic mistake (naive.ts) and each defensible alternative (alternatives.ts) is the
// reference with one choice changed:
// 1. harmonise every file to the LD panel's alt allele (swap, strand complement), drop A/T–C/G SNPs
//    with MAF > 0.42 and SNPs whose alleles or outcome frequency cannot be reconciled;
// 2. convert per-unit effects to per SD of log10 concentration; the population SD on each GWAS's
//    scale comes from the measurement records by a left-censored normal fit (below-LOD values count
//    as "somewhere below the LOD", not as the LOD and not as missing);
// 3. instruments: replication |z| > 5 for either protein, greedy clumping at r² < 0.3, with exposure
//    effects from the same large replication studies (at N = 100,000 every selected pQTL has
//    |z| far above the threshold, so winner's curse is negligible; the small screening studies are
//    not used);
// 4. GLS with Σ = S_Γ (R_J + 1e-3·I) S_Γ on the two exposures jointly;
// 5. residual local pleiotropy: add the LD column of the best single SNP (per-allele scale) if it
//    lowers Q by more than 15 (scored on a wider set of pQTL SNPs; one factorisation for all
//    candidates).

import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Answer } from '../types.js';
import { readText } from '../framework/gzip.js';
import { npyNumbers, readNpz } from '../framework/npy.js';
import { parseTsv, type Table } from '../framework/tsv.js';
import { requireFile } from '../framework/files.js';
import { nelderMead } from '../framework/optim/index.js';
import { normalCdf } from '../framework/special.js';
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
  /** +1 where the file's effect allele is the panel's alt allele, −1 where it is the ref allele */
  orientation: number[];
}

export interface MvmrData {
  panel: Panel;
  screenA: Aligned;
  screenB: Aligned;
  repA: Aligned;
  repB: Aligned;
  outcome: Aligned;
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

/** Read a summary-statistics file and orient each beta to the panel's alt allele. */
export function alignFile(files: Files, path: string, panel: Panel, palindromeMaf = 0.42): Aligned {
  const t = parseTsv(readText(requireFile(files, path)));
  const J = panel.snp.length;
  const beta = new Array<number>(J).fill(NaN);
  const se = new Array<number>(J).fill(NaN);
  const orientation = new Array<number>(J).fill(0);
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
    const [ea, oa] = [r[cea], r[coa]];
    const alt = panel.alt[j];
    const ref = panel.ref[j];
    const maf = Math.min(panel.altFreq[j], 1 - panel.altFreq[j]);
    if (COMPLEMENT[alt] === ref && maf > palindromeMaf) continue; // strand cannot be resolved
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
    orientation[j] = sign;
  }
  return { beta, se, unit, orientation };
}

/** How the population SD of a protein is taken from measurement records with a detection limit. */
export type SdMethod = 'censored_normal' | 'robust_iqr' | 'detected_only';

/** Robust SD (IQR/1.349): below-LOD values sit in the bottom tail, below the first quartile. */
export function robustSd(values: number[]): number {
  return (quantile(values, 0.75) - quantile(values, 0.25)) / 1.3489795;
}

/** ML fit of a normal left-censored at `lod`: detected values x, `nBelow` values known only to be < lod. */
export function censoredNormalSd(x: number[], nBelow: number, lod: number): number {
  const n = x.length;
  const m0 = x.reduce((a, b) => a + b, 0) / n;
  const s0 = Math.sqrt(x.reduce((a, b) => a + (b - m0) ** 2, 0) / (n - 1));
  const nll = ([mu, logS]: number[]) => {
    const s = Math.exp(logS);
    let ll = -n * logS;
    for (const v of x) ll -= 0.5 * ((v - mu) / s) ** 2;
    if (nBelow > 0) ll += nBelow * Math.log(Math.max(normalCdf((lod - mu) / s), 1e-300));
    return -ll;
  };
  const fit = nelderMead(nll, [m0, Math.log(s0)], { step: [0.1 * s0, 0.1], tolF: 1e-10, tolX: 1e-9 });
  return Math.exp(fit.x[1]);
}

const measurementCache = new WeakMap<Files, Table>();

/**
 * Population SD of a protein on the scale its GWAS reports (or, with linearScale, on the scale the
 * records are written in), from the measurement records.
 */
export function unitSd(files: Files, protein: string, gwasUnit: string, method: SdMethod, linearScale = false): number {
  let t = measurementCache.get(files);
  if (!t) measurementCache.set(files, (t = parseTsv(readText(requireFile(files, 'protein_measurements.tsv.gz')))));
  const [cp, cu, cv, cl] = ['protein', 'unit', 'value', 'below_lod'].map((c) => col(t, c));
  const rows = t.rows.filter((r) => r[cp] === protein);
  if (rows.length === 0) throw new Error(`no measurement records for ${protein}`);
  const recUnit = rows[0][cu];
  let f: (v: number) => number;
  if (linearScale) f = (v) => v;
  else if (/^ln\(/.test(gwasUnit) && recUnit === 'pg/mL') f = Math.log;
  else if (/^log10\(/.test(gwasUnit) && recUnit === 'pg/mL') f = Math.log10;
  else if (/NPX/.test(gwasUnit) && recUnit === 'NPX') f = (v) => v;
  else throw new Error(`cannot map measurement unit ${recUnit} to GWAS scale ${gwasUnit}`);
  const below = rows.filter((r) => r[cl] === '1');
  const detected = rows.filter((r) => r[cl] !== '1').map((r) => f(Number(r[cv])));
  if (method === 'robust_iqr') return robustSd(rows.map((r) => f(Number(r[cv]))));
  if (method === 'censored_normal') {
    const lod = below.length ? f(Number(below[0][cv])) : Math.min(...detected);
    return censoredNormalSd(detected, below.length, lod);
  }
  // detected values only
  const m = detected.reduce((a, b) => a + b, 0) / detected.length;
  return Math.sqrt(detected.reduce((a, b) => a + (b - m) ** 2, 0) / (detected.length - 1));
}

const loadCache = new WeakMap<Files, MvmrData>();

/** Parsed and aligned files (cached per files object, so the mistakes and alternatives do not re-parse). */
export function loadMvmr(files: Files): MvmrData {
  const hit = loadCache.get(files);
  if (hit) return hit;
  const panel = loadPanel(files);
  const a = (p: string) => alignFile(files, p, panel);
  const d: MvmrData = {
    panel,
    screenA: a('prota_screening.tsv.gz'),
    screenB: a('protb_screening.tsv.gz'),
    repA: a('prota_replication.tsv.gz'),
    repB: a('protb_replication.tsv.gz'),
    outcome: a('disease_gwas.tsv.gz'),
  };
  loadCache.set(files, d);
  return d;
}

/** |z| > zMin in any of `sources`, greedy clumping by max |z| at r² < r2Max. */
export function selectInstruments(d: MvmrData, opts: { zMin: number; r2Max: number; sources: Aligned[] }): number[] {
  const J = d.panel.snp.length;
  const { sources } = opts;
  const usable = (j: number) => [d.repA, d.repB, d.outcome, ...sources].every((f) => Number.isFinite(f.beta[j]));
  const score = Array.from({ length: J }, (_, j) => (usable(j) ? Math.max(...sources.map((f) => Math.abs(f.beta[j] / f.se[j]))) : 0));
  const order = [...Array(J).keys()].filter((j) => score[j] > opts.zMin).sort((x, y) => score[y] - score[x]);
  const kept: number[] = [];
  for (const j of order) if (kept.every((k) => d.panel.R[j][k] ** 2 < opts.r2Max)) kept.push(j);
  return kept.sort((x, y) => x - y);
}

/**
 * A whitened GLS problem: Σ = S (R + ridge·I) S is factorised once, then any number of design
 * matrices (the base exposures, each pleiotropy candidate) reuse the factor.
 */
export class Whitened {
  private readonly L: Matrix;
  readonly n: number;
  constructor(se: number[], R: number[][], ridge: number) {
    const n = (this.n = se.length);
    const sigma = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) sigma.set(i, k, se[i] * se[k] * (R[i][k] + (i === k ? ridge : 0)));
    const chol = new CholeskyDecomposition(sigma);
    if (!chol.isPositiveDefinite()) throw new Error('GLS covariance is not positive definite');
    this.L = chol.lowerTriangularMatrix;
  }
  /** L⁻¹ v by forward substitution. */
  solve(v: number[]): number[] {
    const { L, n } = this;
    const u = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let k = 0; k < i; k++) s -= L.get(i, k) * u[k];
      u[i] = s / L.get(i, i);
    }
    return u;
  }
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

export interface GlsFit {
  coef: number[];
  /** Cochran-type heterogeneity statistic: whitened residual sum of squares */
  q: number;
  residual: number[];
  /** whitened columns, for follow-up projections */
  cols: number[][];
  xtxInv: Matrix;
}

/** Least squares on already whitened columns and response. */
export function fitWhitened(cols: number[][], yw: number[]): GlsFit {
  const p = cols.length;
  const xtx = new Matrix(p, p);
  const xty = new Matrix(p, 1);
  for (let a = 0; a < p; a++) {
    xty.set(a, 0, dot(cols[a], yw));
    for (let b = 0; b < p; b++) xtx.set(a, b, dot(cols[a], cols[b]));
  }
  const chol = new CholeskyDecomposition(xtx);
  if (!chol.isPositiveDefinite()) throw new Error('GLS design is rank deficient');
  const coef = chol.solve(xty).to1DArray();
  const residual = yw.map((v, i) => v - cols.reduce((s, c, a) => s + c[i] * coef[a], 0));
  const xtxInv = chol.solve(Matrix.eye(p));
  return { coef, q: dot(residual, residual), residual, cols, xtxInv };
}

/** GLS of y on the columns of X (rows = SNPs) with covariance Σ = S (R + ridge·I) S. */
export function gls(X: number[][], y: number[], se: number[], R: number[][], ridge: number): GlsFit {
  const w = new Whitened(se, R, ridge);
  const p = X[0].length;
  return fitWhitened(Array.from({ length: p }, (_, c) => w.solve(X.map((row) => row[c]))), w.solve(y));
}

/** Drop in Q from adding whitened column u to a fit: (u⊥·r)² / (u⊥·u⊥), u⊥ = u projected off the design. */
function qDrop(fit: GlsFit, u: number[]): number {
  const p = fit.cols.length;
  const xu = fit.cols.map((c) => dot(c, u));
  const g = Array.from({ length: p }, (_, a) => xu.reduce((s, v, b) => s + fit.xtxInv.get(a, b) * v, 0));
  const uPerp = u.map((v, i) => v - fit.cols.reduce((s, c, a) => s + c[i] * g[a], 0));
  const uu = dot(uPerp, uPerp);
  return uu > 1e-12 ? dot(uPerp, fit.residual) ** 2 / uu : 0;
}

/** The analysis choices a pipeline makes; the reference is REFERENCE_PIPELINE. */
export interface MvmrPipeline {
  /**
   * allele frame: the LD panel's alt allele; the PROTA replication file's effect allele (files agree
   * with each other, R used as given); or each file's effect allele as reported (no harmonisation)
   */
  alleleFrame: 'panel' | 'exposure_file' | 'as_reported';
  /** how per-unit effects become per SD of log10 concentration */
  scale: 'per_sd' | 'per_unit';
  sdMethod: SdMethod;
  /** SD taken on the records' own scale (pg/mL) instead of the GWAS's log scale */
  sdOnRecordScale: boolean;
  /** study the instruments are selected in */
  selectIn: 'screening' | 'replication';
  /** study the exposure effects are taken from */
  betasFrom: 'screening' | 'replication';
  r2Max: number;
  /** covariance of the outcome effects: panel LD, or independent instruments */
  ld: 'gls' | 'independent';
  pleiotropy: 'ld_column' | 'none';
  /** both proteins in one model, or one univariable MR per protein */
  joint: boolean;
}

export const REFERENCE_PIPELINE: MvmrPipeline = {
  alleleFrame: 'panel',
  scale: 'per_sd',
  sdMethod: 'censored_normal',
  sdOnRecordScale: false,
  selectIn: 'replication',
  betasFrom: 'replication',
  r2Max: 0.3,
  ld: 'gls',
  pleiotropy: 'ld_column',
  joint: true,
};

const Z_MIN = 5;
const GLS_RIDGE = 1e-3;
const Q_DROP_MIN = 15;

function sdG(d: MvmrData): number[] {
  return d.panel.altFreq.map((f) => Math.sqrt(2 * f * (1 - f)));
}

/**
 * Residual local pleiotropy: a direct effect α of SNP k on the outcome appears at SNP j as
 * α·R[j][k]/sd_j per allele. Candidates are SNPs with a clear replication pQTL signal. The choice of k
 * is scored on a wider set of pQTL SNPs (clumped at r² < 0.8) than the instruments, so that a handful
 * of instruments cannot be over-fitted; k is kept if it lowers Q by more than 15 there.
 */
export function scanPleiotropy(d: MvmrData, R: number[][], exposures: Aligned[]): number | null {
  const g = sdG(d);
  const z = (k: number) => Math.max(...exposures.map((f) => Math.abs(f.beta[k] / f.se[k])));
  const ok = (k: number) => [...exposures, d.outcome].every((f) => Number.isFinite(f.beta[k]));
  const candidates = [...Array(d.panel.snp.length).keys()].filter((k) => ok(k) && z(k) > Z_MIN);
  const order = [...candidates].sort((a, b) => z(b) - z(a));
  const wide: number[] = [];
  for (const k of order) if (wide.every((w) => d.panel.R[k][w] ** 2 < 0.8)) wide.push(k);
  if (wide.length < exposures.length + 3) return null;
  const w = new Whitened(wide.map((j) => d.outcome.se[j]), wide.map((a) => wide.map((b) => R[a][b])), 1e-2);
  const base = fitWhitened(exposures.map((f) => w.solve(wide.map((j) => f.beta[j]))), w.solve(wide.map((j) => d.outcome.beta[j])));
  let best: { k: number; drop: number } | null = null;
  for (const k of candidates) {
    const drop = qDrop(base, w.solve(wide.map((j) => R[j][k] / g[j])));
    if (!best || drop > best.drop) best = { k, drop };
  }
  return best && best.drop > Q_DROP_MIN ? best.k : null;
}

/** Per-unit coefficients of the exposures on the outcome for one instrument set. */
function fitExposures(d: MvmrData, p: MvmrPipeline, R: number[][], selectFrom: Aligned[], exposures: Aligned[]): number[] {
  const J = selectInstruments(d, { zMin: Z_MIN, r2Max: p.r2Max, sources: selectFrom });
  // As many instruments as exposures is just identified (Q = 0); fewer cannot identify the effects.
  if (J.length < exposures.length) throw new Error(`only ${J.length} instruments after clumping`);
  const g = sdG(d);
  const RJ = J.map((a) => J.map((b) => R[a][b]));
  const w = new Whitened(J.map((j) => d.outcome.se[j]), RJ, GLS_RIDGE);
  const design = (js: number[], extra: number | null) => js.map((j) => [...exposures.map((f) => f.beta[j]), ...(extra === null ? [] : [R[j][extra] / g[j]])]);
  const fitOn = (js: number[], wh: Whitened, extra: number | null) => {
    const X = design(js, extra);
    return fitWhitened(X[0].map((_, c) => wh.solve(X.map((r) => r[c]))), wh.solve(js.map((j) => d.outcome.beta[j])));
  };
  let fit = fitOn(J, w, null);
  // A pleiotropy term needs a spare degree of freedom beyond the exposures.
  if (p.pleiotropy === 'ld_column' && J.length > exposures.length + 1) {
    const k = scanPleiotropy(d, R, exposures);
    if (k !== null) fit = fitOn(J, w, k);
  }
  return fit.coef.slice(0, exposures.length);
}

/** Runs a pipeline on the files: θ per SD of log10 concentration (or per unit, if scale is per_unit). */
export function runMvmr(files: Files, p: MvmrPipeline): { thetaA: number; thetaB: number } {
  const base = loadMvmr(files);
  let d = base;
  if (p.alleleFrame === 'exposure_file') {
    // Harmonised to each other on the PROTA replication file's effect allele, so the betas agree with
    // each other but not with the panel's signed R.
    const s = base.repA.orientation.map((o) => (o === 0 ? NaN : o));
    const flip = (f: Aligned): Aligned => ({ ...f, beta: f.beta.map((b, j) => b * s[j]) });
    d = { ...base, screenA: flip(base.screenA), screenB: flip(base.screenB), repA: flip(base.repA), repB: flip(base.repB), outcome: flip(base.outcome) };
  } else if (p.alleleFrame === 'as_reported') {
    // Each beta back on its file's own effect allele.
    const asIs = (f: Aligned): Aligned => ({ ...f, beta: f.beta.map((b, j) => b * f.orientation[j]) });
    d = { ...base, screenA: asIs(base.screenA), screenB: asIs(base.screenB), repA: asIs(base.repA), repB: asIs(base.repB), outcome: asIs(base.outcome) };
  }
  const J = d.panel.snp.length;
  const R = p.ld === 'gls' ? d.panel.R : Array.from({ length: J }, (_, a) => Array.from({ length: J }, (_, b) => (a === b ? 1 : 0)));
  const sel = p.selectIn === 'screening' ? [d.screenA, d.screenB] : [d.repA, d.repB];
  const exp = p.betasFrom === 'screening' ? [d.screenA, d.screenB] : [d.repA, d.repB];
  // Clumping always uses the panel LD (d.panel.R); only the outcome covariance changes with `ld`.
  let coefA: number, coefB: number;
  if (p.joint) [coefA, coefB] = fitExposures(d, p, R, sel, exp);
  else {
    [coefA] = fitExposures(d, p, R, [sel[0]], [exp[0]]);
    [coefB] = fitExposures(d, p, R, [sel[1]], [exp[1]]);
  }
  if (p.scale === 'per_unit') return { thetaA: coefA, thetaB: coefB };
  const sdA = unitSd(files, 'PROTA', d.repA.unit, p.sdMethod, p.sdOnRecordScale);
  const sdB = unitSd(files, 'PROTB', d.repB.unit, p.sdMethod, p.sdOnRecordScale);
  return { thetaA: coefA * sdA, thetaB: coefB * sdB };
}

export const mvmrAnswer = (r: { thetaA: number; thetaB: number }): Answer => ({ theta_PROTA: r.thetaA, theta_PROTB: r.thetaB });

export function referenceMvmr(files: Files): Answer {
  return mvmrAnswer(runMvmr(files, REFERENCE_PIPELINE));
}
