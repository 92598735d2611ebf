// Generalised linear models by IRLS (Fisher scoring with canonical links): logistic and
// Poisson, with prior weights and offsets, step-halving when the deviance goes up, and the
// usual (XᵀWX)⁻¹ coefficient covariance.

import { Matrix, QrDecomposition, inverse } from 'ml-matrix';
import { expit } from '../special.js';
import { type DesignInput, asMatrix, diagSqrt, dot, fullRank } from './linear.js';

export type GlmFamily = 'binomial' | 'poisson';

export interface GlmOptions {
  family: GlmFamily;
  /** prior weights (binomial: number of trials when y is a proportion) */
  weights?: ArrayLike<number>;
  offset?: ArrayLike<number>;
  maxIter?: number;
  /** relative deviance change for convergence */
  tol?: number;
}

export interface GlmFit {
  coef: number[];
  se: number[];
  cov: Matrix;
  deviance: number;
  /** fitted means μ */
  fitted: number[];
  /** linear predictor η (offset included) */
  eta: number[];
  iterations: number;
  converged: boolean;
}

function meanOf(family: GlmFamily, eta: number): number {
  return family === 'binomial' ? expit(eta) : Math.exp(Math.min(eta, 700));
}

function unitDeviance(family: GlmFamily, y: number, mu: number): number {
  if (family === 'binomial') {
    const a = y > 0 ? y * Math.log(y / mu) : 0;
    const b = y < 1 ? (1 - y) * Math.log((1 - y) / (1 - mu)) : 0;
    return 2 * (a + b);
  }
  return 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - (y - mu));
}

export function fitGlm(X: DesignInput, y: ArrayLike<number>, opts: GlmOptions): GlmFit {
  const A = asMatrix(X);
  const n = A.rows, p = A.columns;
  const fam = opts.family;
  if (y.length !== n) throw new Error(`fitGlm: X has ${n} rows, y has ${y.length}`);
  const w = Array.from({ length: n }, (_, i) => (opts.weights ? opts.weights[i] : 1));
  const off = Array.from({ length: n }, (_, i) => (opts.offset ? opts.offset[i] : 0));
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi) || (fam === 'binomial' && (yi < 0 || yi > 1)) || (fam === 'poisson' && yi < 0)) throw new Error(`fitGlm(${fam}): bad response ${yi} at row ${i}`);
    if (!(w[i] >= 0)) throw new Error(`fitGlm: bad weight ${w[i]} at row ${i}`);
  }
  const maxIter = opts.maxIter ?? 50;
  const tol = opts.tol ?? 1e-10;
  const rows = Array.from({ length: n }, (_, i) => A.getRow(i));
  const deviance = (beta: number[]) => {
    let d = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) d += w[i] * unitDeviance(fam, y[i], clampMu(fam, meanOf(fam, dot(rows[i], beta) + off[i])));
    return d;
  };
  // Start from the mean-matched intercept-free point (β = 0) — adequate with step-halving.
  let beta = new Array<number>(p).fill(0);
  let dev = deviance(beta);
  let converged = false;
  let iter = 0;
  let XtWX = new Matrix(p, p);
  for (iter = 1; iter <= maxIter; iter++) {
    const Xw = new Matrix(n, p);
    const zw = new Matrix(n, 1);
    for (let i = 0; i < n; i++) {
      const eta = dot(rows[i], beta) + off[i];
      const mu = clampMu(fam, meanOf(fam, eta));
      const varMu = fam === 'binomial' ? mu * (1 - mu) : mu; // = dμ/dη for canonical links
      const wi = w[i] * varMu;
      const z = eta - off[i] + (y[i] - mu) / varMu;
      const s = Math.sqrt(wi);
      for (let j = 0; j < p; j++) Xw.set(i, j, rows[i][j] * s);
      zw.set(i, 0, z * s);
    }
    const qr = new QrDecomposition(Xw);
    if (!fullRank(qr)) throw new Error('fitGlm: weighted design is rank deficient (separation or collinear columns)');
    let next = qr.solve(zw).getColumn(0);
    let nextDev = deviance(next);
    // Step-halving keeps the deviance monotone.
    for (let h = 0; h < 30 && !(nextDev <= dev * (1 + 1e-12) + 1e-12); h++) {
      next = next.map((b, j) => (b + beta[j]) / 2);
      nextDev = deviance(next);
    }
    const change = Math.abs(nextDev - dev) / (Math.abs(nextDev) + 0.1);
    beta = next;
    dev = nextDev;
    XtWX = Xw.transpose().mmul(Xw);
    if (change < tol) {
      converged = true;
      break;
    }
  }
  // Covariance at the final β.
  const Xw = new Matrix(n, p);
  const fitted: number[] = [];
  const etas: number[] = [];
  for (let i = 0; i < n; i++) {
    const eta = dot(rows[i], beta) + off[i];
    const mu = clampMu(fam, meanOf(fam, eta));
    etas.push(eta);
    fitted.push(mu);
    const s = Math.sqrt(w[i] * (fam === 'binomial' ? mu * (1 - mu) : mu));
    for (let j = 0; j < p; j++) Xw.set(i, j, rows[i][j] * s);
  }
  XtWX = Xw.transpose().mmul(Xw);
  const cov = inverse(XtWX);
  return { coef: beta, se: diagSqrt(cov), cov, deviance: dev, fitted, eta: etas, iterations: Math.min(iter, maxIter), converged };
}

function clampMu(fam: GlmFamily, mu: number): number {
  if (fam === 'binomial') return Math.min(1 - 1e-15, Math.max(1e-15, mu));
  return Math.max(1e-300, mu);
}

/** Logistic regression (y in [0, 1]; proportions with trial counts as weights). */
export function logisticRegression(X: DesignInput, y: ArrayLike<number>, opts: Omit<GlmOptions, 'family'> = {}): GlmFit {
  return fitGlm(X, y, { ...opts, family: 'binomial' });
}

/** Poisson regression with log link (offset = log exposure). */
export function poissonRegression(X: DesignInput, y: ArrayLike<number>, opts: Omit<GlmOptions, 'family'> = {}): GlmFit {
  return fitGlm(X, y, { ...opts, family: 'poisson' });
}
