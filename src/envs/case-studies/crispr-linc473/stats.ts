// Small numeric helpers for the case analyses (descriptive statistics and weighted least squares).

import { Matrix, solve } from 'ml-matrix';

export const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
export const mean = (v: readonly number[]) => (v.length ? sum(v) / v.length : NaN);

export function variance(v: readonly number[]): number {
  const m = mean(v);
  return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1);
}

export function quantile(v: readonly number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (v: readonly number[]) => quantile(v, 0.5);

export interface LinearFit {
  beta: number[];
  /** residual variance (weighted) */
  sigma2: number;
  /** (XᵀWX)⁻¹ */
  covUnscaled: number[][];
}

/** Weighted least squares; rows of X, response y, weights w (default 1). */
export function wls(x: number[][], y: number[], w?: number[]): LinearFit {
  const n = y.length;
  const p = x[0].length;
  const xtx = Matrix.zeros(p, p);
  const xty = Matrix.zeros(p, 1);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    for (let a = 0; a < p; a++) {
      xty.set(a, 0, xty.get(a, 0) + wi * x[i][a] * y[i]);
      for (let b = 0; b < p; b++) xtx.set(a, b, xtx.get(a, b) + wi * x[i][a] * x[i][b]);
    }
  }
  const beta = solve(xtx, xty).to1DArray();
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += x[i][a] * beta[a];
    rss += (w ? w[i] : 1) * (y[i] - f) ** 2;
  }
  const inv = solve(xtx, Matrix.eye(p)).to2DArray();
  return { beta, sigma2: rss / Math.max(1, n - p), covUnscaled: inv };
}
