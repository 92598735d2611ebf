// Logistic regression for case 1's many-row, few-column designs (≈ 10,000 patients × ≤ 15 columns,
// fitted ~10 times per analysis and for each mistake and alternative): Newton–Raphson on the normal
// equations, p × p Cholesky, flat typed arrays. The same maximum-likelihood estimates as the
// framework's QR-based IRLS (optim/glm.ts), which builds an n × p matrix object per iteration and
// made these fits most of an analysis's time. Responses may be fractions in [0, 1] (quasi-binomial
// regression of fitted probabilities, as the two-stage AIPW needs). A tiny ridge penalty (RIDGE·|β|²/2,
// against a log-likelihood summed over ~10⁴ rows) keeps the estimates finite under quasi-separation
// (e.g. toxicity stops among assessed comparator patients, a rare cell) and changes nothing else.

import { cholesky, cholSolve } from '../framework/optim/cholesky.js';
import { expit } from '../framework/special.js';

const RIDGE = 1e-3;

/** Coefficients of logit P(y = 1 | x) = x·β (ridge-penalised as above; collinear columns share their effect). */
export function logitCoef(X: readonly (readonly number[])[], y: ArrayLike<number>, maxIter = 50): number[] {
  const n = X.length;
  if (n === 0) throw new Error('logitCoef: no rows');
  if (y.length !== n) throw new Error(`logitCoef: X has ${n} rows, y has ${y.length}`);
  const p = X[0].length;
  // One flat row-major copy of the design and the response: the iterations then run on typed arrays.
  const A = new Float64Array(n * p);
  const Y = new Float64Array(n);
  let binary = true;
  for (let i = 0; i < n; i++) {
    const x = X[i];
    if (x.length !== p) throw new Error(`logitCoef: row ${i} has ${x.length} columns, expected ${p}`);
    for (let j = 0; j < p; j++) A[i * p + j] = x[j];
    const v = y[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`logitCoef: bad response ${v} at row ${i}`);
    Y[i] = v;
    if (v !== 0 && v !== 1) binary = false;
  }
  let beta = new Float64Array(p);
  let prev = beta;
  let prevDev = Infinity;
  const H = new Float64Array(p * p);
  const g = new Float64Array(p);
  const LOG_EPS = Math.log(1e-15);
  for (let it = 0; it < maxIter; it++) {
    H.fill(0);
    g.fill(0);
    let dev = 0;
    for (let i = 0, o = 0; i < n; i++, o += p) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += A[o + j] * beta[j];
      const mu = expit(eta);
      const yi = Y[i];
      // Binomial deviance; for 0/1 responses only the observed outcome's log-probability.
      if (binary) dev -= 2 * Math.max(LOG_EPS, Math.log(yi === 1 ? mu : 1 - mu));
      else {
        const m = Math.min(1 - 1e-15, Math.max(1e-15, mu));
        dev += 2 * ((yi > 0 ? yi * Math.log(yi / m) : 0) + (yi < 1 ? (1 - yi) * Math.log((1 - yi) / (1 - m)) : 0));
      }
      const w = mu * (1 - mu);
      const r = yi - mu;
      for (let j = 0; j < p; j++) {
        const xj = A[o + j];
        g[j] += xj * r;
        const wx = w * xj;
        const row = j * p;
        for (let k = 0; k <= j; k++) H[row + k] += wx * A[o + k];
      }
    }
    for (let j = 0; j < p; j++) {
      dev += RIDGE * beta[j] * beta[j];
      g[j] -= RIDGE * beta[j];
      H[j * p + j] += RIDGE;
    }
    // Step-halving keeps the penalised deviance monotone (as the framework's IRLS does).
    if (dev > prevDev * (1 + 1e-12) + 1e-12) {
      const back = beta;
      beta = prev.map((b, j) => (b + back[j]) / 2);
      if (Math.max(...beta.map((b, j) => Math.abs(b - prev[j]))) < 1e-12) break;
      continue;
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k * p + j] = H[j * p + k];
    const L = cholesky(H, p, 1e-10);
    if (!L) throw new Error('logitCoef: design is singular (separation or collinear columns)');
    const step = cholSolve(L, g, p);
    prev = beta;
    prevDev = dev;
    beta = beta.map((b, j) => b + step[j]);
    let maxStep = 0;
    for (let j = 0; j < p; j++) maxStep = Math.max(maxStep, Math.abs(step[j]));
    // Newton converges quadratically: a step below 1e-8 leaves the estimates unchanged to ~1e-15.
    if (maxStep < 1e-8) break;
  }
  return Array.from(beta);
}
