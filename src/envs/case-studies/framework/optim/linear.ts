// Linear least squares: ordinary/weighted (QR) and generalised (Cholesky whitening), with
// coefficient covariance and standard errors.

import { CholeskyDecomposition, Matrix, QrDecomposition, inverse, solve } from 'ml-matrix';

export type DesignInput = Matrix | number[][];

export function asMatrix(x: DesignInput): Matrix {
  return x instanceof Matrix ? x : new Matrix(x);
}

export interface LinearFit {
  coef: number[];
  se: number[];
  /** covariance of the coefficients */
  cov: Matrix;
  residuals: number[];
  /** residual variance estimate (RSS / df); 1 for GLS with a known covariance */
  sigma2: number;
  df: number;
}

/**
 * OLS, or WLS with non-negative weights (variance ∝ 1/w). Throws on a rank-deficient design.
 */
export function leastSquares(X: DesignInput, y: ArrayLike<number>, weights?: ArrayLike<number>): LinearFit {
  const A = asMatrix(X);
  const n = A.rows, p = A.columns;
  if (y.length !== n) throw new Error(`leastSquares: X has ${n} rows, y has ${y.length}`);
  if (n <= p) throw new Error(`leastSquares: need more rows (${n}) than columns (${p})`);
  const sw = Array.from({ length: n }, (_, i) => {
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`leastSquares: bad weight ${w} at ${i}`);
    return Math.sqrt(w);
  });
  const Aw = new Matrix(n, p);
  const yw = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) Aw.set(i, j, A.get(i, j) * sw[i]);
    yw.set(i, 0, y[i] * sw[i]);
  }
  const qr = new QrDecomposition(Aw);
  if (!fullRank(qr)) throw new Error('leastSquares: design matrix is rank deficient');
  const beta = qr.solve(yw).getColumn(0);
  const residuals = Array.from({ length: n }, (_, i) => y[i] - dot(A.getRow(i), beta));
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (residuals[i] * sw[i]) ** 2;
  const df = n - p;
  const sigma2 = rss / df;
  const xtxInv = inverse(Aw.transpose().mmul(Aw));
  const cov = xtxInv.mul(sigma2);
  return { coef: beta, se: diagSqrt(cov), cov, residuals, sigma2, df };
}

/**
 * GLS with a known error covariance Σ (e.g. an LD-aware fit): β = (XᵀΣ⁻¹X)⁻¹XᵀΣ⁻¹y,
 * Cov(β) = (XᵀΣ⁻¹X)⁻¹ (scale = 1), or × the residual variance when `estimateScale`.
 */
export function gls(X: DesignInput, y: ArrayLike<number>, sigma: DesignInput, opts: { estimateScale?: boolean } = {}): LinearFit {
  const A = asMatrix(X);
  const S = asMatrix(sigma);
  const n = A.rows, p = A.columns;
  if (S.rows !== n || S.columns !== n) throw new Error(`gls: covariance must be ${n}×${n}`);
  const chol = new CholeskyDecomposition(S);
  if (!chol.isPositiveDefinite()) throw new Error('gls: covariance is not positive definite');
  const L = chol.lowerTriangularMatrix;
  // Whitening: L⁻¹X, L⁻¹y by forward substitution.
  const Xw = forwardSolve(L, A);
  const yw = forwardSolve(L, Matrix.columnVector(Array.from(y)));
  const xtx = Xw.transpose().mmul(Xw);
  const beta = solve(xtx, Xw.transpose().mmul(yw)).getColumn(0);
  const residuals = Array.from({ length: n }, (_, i) => y[i] - dot(A.getRow(i), beta));
  const rw = yw.sub(Xw.mmul(Matrix.columnVector(beta))).getColumn(0);
  const df = n - p;
  const sigma2 = opts.estimateScale ? rw.reduce((s, r) => s + r * r, 0) / df : 1;
  const cov = inverse(xtx).mul(sigma2);
  return { coef: beta, se: diagSqrt(cov), cov, residuals, sigma2, df };
}

function forwardSolve(L: Matrix, B: Matrix): Matrix {
  const n = L.rows, m = B.columns;
  const out = new Matrix(n, m);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = B.get(i, c);
      for (let k = 0; k < i; k++) s -= L.get(i, k) * out.get(k, c);
      out.set(i, c, s / L.get(i, i));
    }
  }
  return out;
}

/** Numerical rank check on R's diagonal (ml-matrix's isFullRank only catches exact zeros). */
export function fullRank(qr: QrDecomposition, rtol = 1e-10): boolean {
  const R = qr.upperTriangularMatrix;
  const d = Array.from({ length: R.columns }, (_, j) => Math.abs(R.get(j, j)));
  const max = Math.max(...d);
  return max > 0 && d.every((v) => v > rtol * max);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function diagSqrt(m: Matrix): number[] {
  return Array.from({ length: m.rows }, (_, i) => Math.sqrt(m.get(i, i)));
}
