// Model fits for case 6 on column-major typed arrays (n up to ~6,000, p ≤ ~12): weighted
// logistic regression with a sandwich covariance, negative-binomial log-linear regression with
// an offset and ML dispersion, and the per-batch depth-ratio → segment-B copy calibration.
// Hand-rolled normal equations keep the hot loops allocation-free.

import { brentMinimize } from '../framework/optim/brent.js';
import { cholesky, cholSolve } from '../framework/optim/cholesky.js';
import { lgamma } from '../framework/special.js';

const RANK_DEFICIENT = 'design is rank deficient (collinear columns or separation)';

/** Solves A x = b for a symmetric positive-definite p×p matrix (row-major) by Cholesky. */
export function choleskySolve(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = cholesky(A, p, 1e-12);
  if (!L) throw new Error(RANK_DEFICIENT);
  return cholSolve(L, b, p);
}

/** Inverse of a symmetric positive-definite matrix (row-major), column by column from one factor. */
export function invertSpd(A: Float64Array, p: number): Float64Array {
  const L = cholesky(A, p, 1e-12);
  if (!L) throw new Error(RANK_DEFICIENT);
  const out = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = cholSolve(L, e, p);
    for (let i = 0; i < p; i++) out[i * p + j] = col[i];
  }
  return out;
}

/** Design: an intercept plus the given columns, each of length n. */
export interface Design {
  n: number;
  cols: Float64Array[];
}

export function design(cols: ArrayLike<number>[]): Design {
  const n = cols[0].length;
  const all = [new Float64Array(n).fill(1), ...cols.map((c) => Float64Array.from(c))];
  for (const c of all) if (c.length !== n) throw new Error('design columns differ in length');
  return { n, cols: all };
}

function eta(X: Design, beta: Float64Array, i: number): number {
  let s = 0;
  for (let j = 0; j < X.cols.length; j++) s += X.cols[j][i] * beta[j];
  return s;
}

/** XᵀWX (row-major) and XᵀWz for per-row weights w and working response z. */
function normalEquations(X: Design, w: Float64Array, z: Float64Array): { A: Float64Array; b: Float64Array } {
  const p = X.cols.length;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const cj = X.cols[j];
    let sb = 0;
    for (let i = 0; i < X.n; i++) sb += cj[i] * w[i] * z[i];
    b[j] = sb;
    for (let k = 0; k <= j; k++) {
      const ck = X.cols[k];
      let s = 0;
      for (let i = 0; i < X.n; i++) s += cj[i] * w[i] * ck[i];
      A[j * p + k] = A[k * p + j] = s;
    }
  }
  return { A, b };
}

export interface RegressionFit {
  coef: Float64Array;
  /** standard errors (sandwich for the weighted logistic fit, model-based for NB) */
  se: Float64Array;
  converged: boolean;
}

const expit = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * Logistic regression with prior (sampling) weights by IRLS; the covariance is the
 * Horvitz–Thompson-style sandwich B·M·B, B = (XᵀWVX)⁻¹, M = Σ wᵢ²(yᵢ − μᵢ)² xᵢxᵢᵀ.
 */
export function weightedLogistic(X: Design, y: ArrayLike<number>, weights?: ArrayLike<number>): RegressionFit {
  const { n } = X;
  const p = X.cols.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = weights ? weights[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new Error(`bad weight ${wi} at row ${i}`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logistic outcome must be 0/1, got ${y[i]} at row ${i}`);
    w[i] = wi;
  }
  let beta: Float64Array = new Float64Array(p);
  const ww = new Float64Array(n);
  const z = new Float64Array(n);
  let converged = false;
  for (let it = 0; it < 50 && !converged; it++) {
    for (let i = 0; i < n; i++) {
      const e = eta(X, beta, i);
      const mu = Math.min(1 - 1e-12, Math.max(1e-12, expit(e)));
      const v = mu * (1 - mu);
      ww[i] = w[i] * v;
      z[i] = e + (y[i] - mu) / v;
    }
    const { A, b } = normalEquations(X, ww, z);
    const next = choleskySolve(A, b, p);
    let change = 0;
    for (let j = 0; j < p; j++) change = Math.max(change, Math.abs(next[j] - beta[j]));
    beta = next;
    converged = change < 1e-9;
  }
  // Sandwich covariance at the solution.
  const bread = new Float64Array(p * p);
  const meat = new Float64Array(p * p);
  const x = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const mu = expit(eta(X, beta, i));
    const v = w[i] * mu * (1 - mu);
    const u = w[i] * (y[i] - mu);
    for (let j = 0; j < p; j++) x[j] = X.cols[j][i];
    for (let j = 0; j < p; j++)
      for (let k = 0; k <= j; k++) {
        bread[j * p + k] += x[j] * x[k] * v;
        meat[j * p + k] += x[j] * x[k] * u * u;
      }
  }
  for (let j = 0; j < p; j++)
    for (let k = 0; k < j; k++) {
      bread[k * p + j] = bread[j * p + k];
      meat[k * p + j] = meat[j * p + k];
    }
  const B = invertSpd(bread, p);
  const se = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) s += B[j * p + a] * meat[a * p + c] * B[c * p + j];
    se[j] = Math.sqrt(s);
  }
  return { coef: beta, se, converged };
}

/** NB2 log-likelihood (size θ) of counts y at means μ. */
function nbLogLik(y: ArrayLike<number>, mu: Float64Array, theta: number): number {
  let ll = 0;
  const lgt = lgamma(theta);
  for (let i = 0; i < mu.length; i++) {
    const yi = y[i];
    ll += lgamma(yi + theta) - lgt - lgamma(yi + 1) + theta * Math.log(theta / (theta + mu[i])) + yi * Math.log(mu[i] / (theta + mu[i]));
  }
  return ll;
}

export interface NbFit extends RegressionFit {
  /** NB size (variance μ + μ²/θ) */
  theta: number;
}

/**
 * Negative-binomial (NB2) regression with log link and offset: IRLS for β at fixed θ
 * (weights μ/(1 + μ/θ)), alternated with a Brent ML update of log θ.
 */
export function negativeBinomialRegression(X: Design, y: ArrayLike<number>, offset: ArrayLike<number>): NbFit {
  const { n } = X;
  const p = X.cols.length;
  for (let i = 0; i < n; i++) if (!(y[i] >= 0) || !Number.isInteger(y[i])) throw new Error(`NB counts must be non-negative integers, got ${y[i]} at row ${i}`);
  let beta: Float64Array = new Float64Array(p);
  // Start the intercept at the log mean rate.
  let sy = 0, so = 0;
  for (let i = 0; i < n; i++) {
    sy += y[i];
    so += Math.exp(offset[i]);
  }
  beta[0] = Math.log(Math.max(sy, 0.5) / so);
  const mu = new Float64Array(n);
  const ww = new Float64Array(n);
  const z = new Float64Array(n);
  const updateMu = () => {
    for (let i = 0; i < n; i++) mu[i] = Math.exp(Math.min(eta(X, beta, i) + offset[i], 700));
  };
  let theta = 10;
  let converged = false;
  let A: Float64Array = new Float64Array(p * p);
  for (let outer = 0; outer < 20 && !converged; outer++) {
    let inner = false;
    for (let it = 0; it < 50 && !inner; it++) {
      updateMu();
      for (let i = 0; i < n; i++) {
        ww[i] = mu[i] / (1 + mu[i] / theta);
        z[i] = eta(X, beta, i) + (y[i] - mu[i]) / mu[i];
      }
      const ne = normalEquations(X, ww, z);
      A = ne.A;
      const next = choleskySolve(ne.A, ne.b, p);
      let change = 0;
      for (let j = 0; j < p; j++) change = Math.max(change, Math.abs(next[j] - beta[j]));
      beta = next;
      inner = change < 1e-10;
    }
    updateMu();
    const r = brentMinimize((lt) => -nbLogLik(y, mu, Math.exp(lt)), Math.log(0.01), Math.log(1e6), { tol: 1e-8 });
    const next = Math.exp(r.x);
    converged = inner && Math.abs(Math.log(next / theta)) < 1e-6;
    theta = next;
  }
  updateMu();
  for (let i = 0; i < n; i++) ww[i] = mu[i] / (1 + mu[i] / theta);
  A = normalEquations(X, ww, z).A;
  const cov = invertSpd(A, p);
  const se = new Float64Array(p);
  for (let j = 0; j < p; j++) se[j] = Math.sqrt(cov[j * p + j]);
  return { coef: beta, se, converged, theta };
}

/** Per-batch depth-ratio model: ratio = c_batch · (1 + 0.5·B) + N(0, σ²). */
export interface DepthCalibration {
  scale: Map<string, number>;
  sigma: number;
}

/**
 * Fits c per sequencing batch by least squares through the origin on samples with known
 * copies (the cleaned breakpoint panel), with one pooled residual σ.
 */
export function calibrateDepth(batch: readonly string[], ratio: ArrayLike<number>, copies: ArrayLike<number>): DepthCalibration {
  const sxy = new Map<string, number>();
  const sxx = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) {
    const x = 1 + 0.5 * copies[i];
    sxy.set(batch[i], (sxy.get(batch[i]) ?? 0) + x * ratio[i]);
    sxx.set(batch[i], (sxx.get(batch[i]) ?? 0) + x * x);
  }
  const scale = new Map<string, number>();
  for (const [b, s] of sxx) scale.set(b, sxy.get(b)! / s);
  let rss = 0;
  for (let i = 0; i < batch.length; i++) rss += (ratio[i] - scale.get(batch[i])! * (1 + 0.5 * copies[i])) ** 2;
  const sigma = Math.sqrt(rss / Math.max(1, batch.length - scale.size));
  return { scale, sigma };
}

export const MAX_COPIES = 4;

/**
 * Posterior-expected segment-B copies per sample given its depth ratio, the batch calibration
 * and a prior over 0..4 copies (e.g. the cohort's hard-call frequencies).
 */
export function posteriorCopies(cal: DepthCalibration, batch: readonly string[], ratio: ArrayLike<number>, prior: ArrayLike<number>): Float64Array {
  const out = new Float64Array(batch.length);
  const logPost = new Float64Array(MAX_COPIES + 1);
  for (let i = 0; i < batch.length; i++) {
    const c = cal.scale.get(batch[i]);
    if (c === undefined) throw new Error(`sequencing batch ${batch[i]} has no calibration samples`);
    let best = -Infinity;
    for (let k = 0; k <= MAX_COPIES; k++) {
      const r = (ratio[i] - c * (1 + 0.5 * k)) / cal.sigma;
      logPost[k] = Math.log(Math.max(prior[k], 1e-12)) - 0.5 * r * r;
      if (logPost[k] > best) best = logPost[k];
    }
    let tot = 0, e = 0;
    for (let k = 0; k <= MAX_COPIES; k++) {
      const q = Math.exp(logPost[k] - best);
      tot += q;
      e += k * q;
    }
    out[i] = e / tot;
  }
  return out;
}

/** Nearest copy state per sample under the batch calibration (for priors and QC). */
export function hardCopies(cal: DepthCalibration, batch: readonly string[], ratio: ArrayLike<number>): Int8Array {
  const out = new Int8Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const c = cal.scale.get(batch[i]);
    if (c === undefined) throw new Error(`sequencing batch ${batch[i]} has no calibration samples`);
    out[i] = Math.min(MAX_COPIES, Math.max(0, Math.round((ratio[i] / c - 1) / 0.5)));
  }
  return out;
}
