// Likelihood of a selection coefficient from one locus's read-count time series: a hidden
// Markov model over the derived-allele frequency on a fixed grid, Gaussian-diffusion
// Wright–Fisher transitions (one banded matrix per (s, N) pair, built once and reused for
// every generation), binomial read emissions with directional miscall rates, and a scaled
// forward algorithm. Hot loops use typed arrays and allocate nothing per generation.

import { brentMinimize } from '../framework/optim/brent.js';
import { normalCdf } from '../framework/special.js';

/** One sample of a locus on the derived-allele scale. */
export interface DerivedSample {
  generation: number;
  derivedReads: number;
  totalReads: number;
  /** P(read shows the derived allele | sampled chromosome carries the ancestral allele) */
  errAncToDer: number;
  /** P(read shows the ancestral allele | sampled chromosome carries the derived allele) */
  errDerToAnc: number;
}

/** Effective size per generation: Ne of the population *at* generation t (t = 0..). */
export type NeSchedule = (generation: number) => number;

/** Frequency grid, uniform in φ = arcsin(√x) so the drift s.d. spans about the same number of cells everywhere. */
export class FrequencyGrid {
  readonly size: number;
  readonly x: Float64Array;

  constructor(size = 201) {
    if (!Number.isInteger(size) || size < 11) throw new RangeError(`frequency grid needs ≥ 11 states, got ${size}`);
    this.size = size;
    this.x = new Float64Array(size);
    const step = Math.PI / 2 / (size - 1);
    for (let k = 0; k < size; k++) this.x[k] = Math.sin(k * step) ** 2;
    this.x[0] = 0;
    this.x[size - 1] = 1;
  }
}

/** Deterministic haploid selection step: x' = x(1 + s) / (1 + s·x). */
export function selectedFrequency(x: number, s: number): number {
  return (x * (1 + s)) / (1 + s * x);
}

/** Row-banded transition matrix: row i holds columns lo[i] .. lo[i] + len[i] − 1 at values[start[i] ..]. */
export class BandedTransition {
  readonly lo: Int32Array;
  readonly len: Int32Array;
  readonly start: Int32Array;
  values: Float64Array;

  constructor(readonly grid: FrequencyGrid, readonly s: number, readonly ne: number) {
    const K = grid.size;
    this.lo = new Int32Array(K);
    this.len = new Int32Array(K);
    this.start = new Int32Array(K);
    this.values = new Float64Array(K * 24);
    this.build();
  }

  /**
   * Each interior row: the next frequency X ~ N(x', x'(1 − x')/N), binned by linear interpolation
   * between neighbouring grid points (state j gets E[hat_j(X)]), which keeps the expected frequency
   * exact even when the drift s.d. is smaller than the grid spacing; plain CDF-difference binning
   * would freeze slow selection near the boundaries. Mass beyond 0 or 1 is absorbed there.
   */
  private build(): void {
    const { x, size: K } = this.grid;
    const row = new Float64Array(K);
    let used = 0;
    for (let i = 0; i < K; i++) {
      let lo: number, hi: number;
      if (i === 0 || i === K - 1) {
        lo = hi = i; // loss and fixation absorb
        row[i] = 1;
      } else {
        const m = selectedFrequency(x[i], this.s);
        const sd = Math.sqrt((m * (1 - m)) / this.ne);
        lo = Math.max(0, findInterval(x, m - 8 * sd));
        hi = Math.min(K - 1, findInterval(x, m + 8 * sd) + 1);
        for (let j = lo; j <= hi; j++) row[j] = 0;
        // interval k = [x_k, x_{k+1}]: probability P and partial mean M of X there
        let zPrev = (x[lo] - m) / sd;
        let cPrev = normalCdf(zPrev), dPrev = normalPdf(zPrev);
        row[lo] += cPrev; // everything below x[lo] (only 0 when lo = 0; negligible otherwise)
        for (let k = lo; k < hi; k++) {
          const z = (x[k + 1] - m) / sd;
          const c = normalCdf(z), d = normalPdf(z);
          const P = c - cPrev;
          const M = m * P - sd * (d - dPrev);
          const h = x[k + 1] - x[k];
          row[k] += Math.max(0, (x[k + 1] * P - M) / h);
          row[k + 1] += Math.max(0, (M - x[k] * P) / h);
          cPrev = c;
          dPrev = d;
        }
        row[hi] += 1 - cPrev; // everything above x[hi]
        let total = 0;
        for (let j = lo; j <= hi; j++) total += row[j];
        for (let j = lo; j <= hi; j++) row[j] /= total;
      }
      const n = hi - lo + 1;
      if (used + n > this.values.length) {
        const grown = new Float64Array(Math.max(this.values.length * 2, used + n));
        grown.set(this.values.subarray(0, used));
        this.values = grown;
      }
      this.lo[i] = lo;
      this.len[i] = n;
      this.start[i] = used;
      for (let j = 0; j < n; j++) this.values[used + j] = row[lo + j];
      used += n;
    }
  }

  /** out = inp · T (forward propagation of a row vector). `out` must not alias `inp`. */
  propagate(inp: Float64Array, out: Float64Array): void {
    out.fill(0);
    const K = inp.length;
    const { lo, len, start, values } = this;
    for (let i = 0; i < K; i++) {
      const a = inp[i];
      if (a === 0) continue;
      const base = start[i] - lo[i];
      const end = lo[i] + len[i];
      for (let j = lo[i]; j < end; j++) out[j] += a * values[base + j];
    }
  }
}

/** Largest k with x[k] ≤ v (0 when v is below the grid). */
function findInterval(x: Float64Array, v: number): number {
  let a = 0, b = x.length - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (x[mid] <= v) a = mid;
    else b = mid - 1;
  }
  return a;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Per-sample log emission rows (state-major per sample), shifted by their max; the shifts are kept. */
export interface Emissions {
  rows: Float64Array[];
  shift: Float64Array;
}

export function emissions(grid: FrequencyGrid, samples: readonly DerivedSample[]): Emissions {
  const rows: Float64Array[] = [];
  const shift = new Float64Array(samples.length);
  samples.forEach((smp, t) => {
    const { derivedReads: k, totalReads: n, errAncToDer: ead, errDerToAnc: eda } = smp;
    const logs = new Float64Array(grid.size);
    let max = -Infinity;
    for (let j = 0; j < grid.size; j++) {
      const p = grid.x[j] * (1 - eda) + (1 - grid.x[j]) * ead;
      const l = (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log(1 - p) : 0);
      logs[j] = l;
      if (l > max) max = l;
    }
    if (!Number.isFinite(max)) throw new Error(`sample at generation ${smp.generation}: no frequency explains the reads`);
    for (let j = 0; j < grid.size; j++) logs[j] = Math.exp(logs[j] - max);
    rows.push(logs);
    shift[t] = max;
  });
  return { rows, shift };
}

export interface LocusModel {
  grid: FrequencyGrid;
  /** samples sorted by generation */
  samples: DerivedSample[];
  ne: NeSchedule;
  emissions: Emissions;
}

export function locusModel(samples: readonly DerivedSample[], ne: NeSchedule, grid = new FrequencyGrid()): LocusModel {
  if (samples.length < 2) throw new Error('need at least two samples');
  const sorted = [...samples].sort((a, b) => a.generation - b.generation);
  for (let i = 1; i < sorted.length; i++)
    if (!(sorted[i].generation > sorted[i - 1].generation)) throw new Error(`generations must be distinct and increasing (${sorted[i].generation} repeats)`);
  for (const smp of sorted) {
    if (!Number.isInteger(smp.generation)) throw new Error(`generation ${smp.generation} is not an integer`);
    if (!(smp.totalReads >= smp.derivedReads && smp.derivedReads >= 0)) throw new Error(`bad read counts at generation ${smp.generation}`);
    for (const e of [smp.errAncToDer, smp.errDerToAnc]) if (!(e >= 0 && e < 0.5)) throw new Error(`miscall rate ${e} at generation ${smp.generation} outside [0, 0.5)`);
  }
  return { grid, samples: sorted, ne, emissions: emissions(grid, sorted) };
}

/** Log-likelihood of s (up to a constant that does not depend on s): uniform prior at the first sample. */
export function logLikelihood(model: LocusModel, s: number): number {
  const { grid, samples, ne, emissions: em } = model;
  const K = grid.size;
  const matrices = new Map<number, BandedTransition>();
  let a = new Float64Array(K).fill(1 / K);
  let b = new Float64Array(K);
  let ll = 0;
  for (let t = 0; t < samples.length; t++) {
    if (t > 0) {
      for (let g = samples[t - 1].generation; g < samples[t].generation; g++) {
        const n = ne(g + 1);
        let T = matrices.get(n);
        if (!T) matrices.set(n, (T = new BandedTransition(grid, s, n)));
        T.propagate(a, b);
        const tmp = a;
        a = b;
        b = tmp;
      }
    }
    const e = em.rows[t];
    let sum = 0;
    for (let j = 0; j < K; j++) sum += (a[j] *= e[j]);
    if (!(sum > 0)) return -Infinity;
    ll += Math.log(sum) + em.shift[t];
    const inv = 1 / sum;
    for (let j = 0; j < K; j++) a[j] *= inv;
  }
  return ll;
}

export interface SelectionFit {
  s: number;
  logLik: number;
}

export const S_RANGE: [number, number] = [-0.2, 0.6];
const SCAN_STEP = 0.0125;

/** Maximum-likelihood s: a coarse scan (the likelihood can be flat far from the optimum), then Brent. */
export function fitSelection(model: LocusModel, range: [number, number] = S_RANGE): SelectionFit {
  const [lo, hi] = range;
  let best = lo, bestLl = -Infinity;
  for (let s = lo; s <= hi + 1e-12; s += SCAN_STEP) {
    const ll = logLikelihood(model, s);
    if (ll > bestLl) {
      bestLl = ll;
      best = s;
    }
  }
  const r = brentMinimize((s) => -logLikelihood(model, s), Math.max(lo, best - SCAN_STEP), Math.min(hi, best + SCAN_STEP), { tol: 1e-4 });
  return -r.fx >= bestLl ? { s: r.x, logLik: -r.fx } : { s: best, logLik: bestLl };
}

/** Approximate 95% profile-likelihood interval (log L within 1.92 of the maximum), clipped to the range. */
export function likelihoodInterval(model: LocusModel, fit: SelectionFit, range: [number, number] = S_RANGE): [number, number] {
  const cut = fit.logLik - 1.92;
  const bound = (dir: -1 | 1): number => {
    const edge = dir < 0 ? range[0] : range[1];
    let inner = fit.s, outer = fit.s;
    for (let d = SCAN_STEP / 2; ; d += SCAN_STEP / 2) {
      outer = fit.s + dir * d;
      if (dir * (outer - edge) >= 0) return edge;
      if (logLikelihood(model, outer) < cut) break;
      inner = outer;
    }
    for (let i = 0; i < 10; i++) {
      const mid = (inner + outer) / 2;
      if (logLikelihood(model, mid) >= cut) inner = mid;
      else outer = mid;
    }
    return (inner + outer) / 2;
  };
  return [bound(-1), bound(1)];
}
