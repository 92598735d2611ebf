// The canonical loop-strength pipeline of case 7, shared by the truth (run on the clean matrices)
// and the analyses (run on the observed ones): mask bins, ICE-balance, distance-decay expected,
// log2(observed / expected) at one pixel. Matrices are square, row-major Float64Arrays.

/** Diagonals |i − j| < IGNORE_DIAGS are dropped before balancing (self and adjacent-bin ligation). */
export const IGNORE_DIAGS = 2;

export interface BalanceResult {
  /** balanced matrix: every valid row sums to 1; invalid rows/columns and ignored diagonals are 0 */
  balanced: Float64Array;
  /** bins used (input mask minus rows left empty after masking) */
  valid: Uint8Array;
  iterations: number;
}

/** Rows with no contacts left cannot be balanced: drops them from `valid`; returns how many remain. */
function dropEmptyRows(valid: Uint8Array, sums: Float64Array, who: string): number {
  let nValid = 0;
  for (let i = 0; i < valid.length; i++) {
    if (valid[i] && sums[i] === 0) valid[i] = 0;
    nValid += valid[i];
  }
  if (nValid < 2) throw new Error(`${who}: fewer than two bins left after masking`);
  return nValid;
}

/** Mean row sum over valid bins, and the largest relative deviation from it (the convergence test). */
function coverageSpread(sums: Float64Array, valid: Uint8Array, nValid: number): { mean: number; worst: number } {
  let mean = 0;
  for (let i = 0; i < sums.length; i++) if (valid[i]) mean += sums[i];
  mean /= nValid;
  let worst = 0;
  for (let i = 0; i < sums.length; i++) if (valid[i]) worst = Math.max(worst, Math.abs(sums[i] / mean - 1));
  return { mean, worst };
}

/**
 * Iterative correction (ICE): repeatedly divide each pixel by the product of its row's and
 * column's relative coverage until every valid row has the same sum, then scale rows to sum 1.
 * One scratch vector, no per-iteration allocation.
 */
export function iceBalance(matrix: ArrayLike<number>, n: number, mask: ArrayLike<number>, opts: { ignoreDiags?: number; tol?: number; maxIter?: number } = {}): BalanceResult {
  if (matrix.length !== n * n) throw new Error(`ICE: matrix has ${matrix.length} values, expected ${n}×${n}`);
  const ignore = opts.ignoreDiags ?? IGNORE_DIAGS;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 2000;
  const m = new Float64Array(n * n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) valid[i] = mask[i] ? 1 : 0;
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    for (let j = 0; j < n; j++) {
      if (!valid[j] || Math.abs(i - j) < ignore) continue;
      const v = matrix[i * n + j];
      if (!(v >= 0)) throw new Error(`ICE: pixel (${i}, ${j}) is ${v}; counts must be finite and non-negative`);
      m[i * n + j] = v;
    }
  }
  const sums = new Float64Array(n);
  const rowSums = () => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (valid[i]) for (let j = 0, o = i * n; j < n; j++) s += m[o + j];
      sums[i] = s;
    }
  };
  rowSums();
  const nValid = dropEmptyRows(valid, sums, 'ICE');
  let iterations = 0;
  let mean = 0;
  for (; iterations < maxIter; iterations++) {
    rowSums();
    let worst;
    ({ mean, worst } = coverageSpread(sums, valid, nValid));
    if (worst < tol) break;
    for (let i = 0; i < n; i++) if (valid[i]) sums[i] /= mean; // relative coverage
    for (let i = 0; i < n; i++) {
      if (!valid[i]) continue;
      const ri = sums[i];
      for (let j = 0, o = i * n; j < n; j++) if (valid[j]) m[o + j] /= ri * sums[j];
    }
  }
  if (iterations === maxIter) throw new Error(`ICE did not converge in ${maxIter} iterations`);
  for (let k = 0; k < m.length; k++) m[k] /= mean;
  return { balanced: m, valid, iterations };
}

export type ExpectedStat = 'mean' | 'median';

/**
 * expected[d] = mean (or median) balanced contact over pixels (i, i + d) with both bins valid;
 * NaN if none.
 */
export function distanceExpected(balanced: ArrayLike<number>, n: number, valid: ArrayLike<number>, ignoreDiags = IGNORE_DIAGS, stat: ExpectedStat = 'mean'): Float64Array {
  const e = new Float64Array(n).fill(NaN);
  const vals: number[] = [];
  for (let d = ignoreDiags; d < n; d++) {
    vals.length = 0;
    for (let i = 0; i + d < n; i++) if (valid[i] && valid[i + d]) vals.push(balanced[i * n + i + d]);
    if (!vals.length) continue;
    if (stat === 'mean') e[d] = vals.reduce((a, x) => a + x, 0) / vals.length;
    else {
      vals.sort((a, b) => a - b);
      const h = vals.length >> 1;
      e[d] = vals.length % 2 ? vals[h] : (vals[h - 1] + vals[h]) / 2;
    }
  }
  return e;
}

/** Mean of several expected curves (the pooled-expected shortcut). */
export function meanExpected(curves: readonly Float64Array[]): Float64Array {
  const n = curves[0].length;
  const out = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    let s = 0;
    for (const c of curves) s += c[d];
    out[d] = s / curves.length;
  }
  return out;
}

/** log2(observed / expected) of the balanced matrix at (i, j). */
export function log2ObsExp(balanced: Float64Array, n: number, valid: ArrayLike<number>, expected: Float64Array, i: number, j: number): number {
  if (!valid[i] || !valid[j]) throw new Error(`loop anchor bin ${valid[i] ? j : i} is masked; its strength is undefined`);
  const d = Math.abs(i - j);
  const o = balanced[i * n + j];
  const e = expected[d];
  if (!(e > 0) || !(o > 0)) throw new Error(`log2(O/E) undefined at (${i}, ${j}): observed ${o}, expected ${e}`);
  return Math.log2(o / e);
}

/**
 * Matrix balancing by Sinkhorn–Knopp with symmetric square-root updates of one bias vector
 * (b_i ← b_i·√(row sum_i / mean)), the scheme behind KR-style balancing; same fixed point as ICE
 * (equal row sums), reached by a different route.
 */
export function sinkhornBalance(matrix: ArrayLike<number>, n: number, mask: ArrayLike<number>, opts: { ignoreDiags?: number; tol?: number; maxIter?: number } = {}): BalanceResult {
  const ignore = opts.ignoreDiags ?? IGNORE_DIAGS;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 10_000;
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) valid[i] = mask[i] ? 1 : 0;
  const raw = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (valid[i] && valid[j] && Math.abs(i - j) >= ignore) raw[i * n + j] = matrix[i * n + j];
  const scale = new Float64Array(n).fill(1);
  const sums = new Float64Array(n);
  const rowSums = () => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (valid[i]) for (let j = 0; j < n; j++) s += raw[i * n + j] * scale[i] * scale[j];
      sums[i] = s;
    }
  };
  rowSums();
  const nValid = dropEmptyRows(valid, sums, 'balancing');
  let iterations = 0;
  let mean = 0;
  for (; iterations < maxIter; iterations++) {
    rowSums();
    let worst;
    ({ mean, worst } = coverageSpread(sums, valid, nValid));
    if (worst < tol) break;
    for (let i = 0; i < n; i++) if (valid[i]) scale[i] *= Math.sqrt(mean / sums[i]);
  }
  if (iterations === maxIter) throw new Error(`Sinkhorn balancing did not converge in ${maxIter} iterations`);
  const balanced = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (valid[i] && valid[j]) balanced[i * n + j] = (raw[i * n + j] * scale[i] * scale[j]) / mean;
  return { balanced, valid, iterations };
}

export type Balancer = 'ice' | 'sinkhorn';

/** Balance one replicate and return its balanced matrix, valid bins and its own expected curve. */
export function balanceWithExpected(matrix: ArrayLike<number>, n: number, mask: ArrayLike<number>, opts: { balancer?: Balancer; stat?: ExpectedStat } = {}) {
  const { balanced, valid } = (opts.balancer ?? 'ice') === 'ice' ? iceBalance(matrix, n, mask) : sinkhornBalance(matrix, n, mask);
  return { balanced, valid, expected: distanceExpected(balanced, n, valid, IGNORE_DIAGS, opts.stat ?? 'mean') };
}

/** Observed/expected matrix (NaN where undefined), e.g. for the case-vs-control SV scan. */
export function obsExpMatrix(balanced: Float64Array, n: number, valid: ArrayLike<number>, expected: Float64Array): Float64Array {
  const out = new Float64Array(n * n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    for (let j = 0; j < n; j++) {
      const e = expected[Math.abs(i - j)];
      if (valid[j] && e > 0) out[i * n + j] = balanced[i * n + j] / e;
    }
  }
  return out;
}
