// Seeded samplers over Rng. Every sampler takes the stream first so a simulator can give each
// component its own `rng.split('component')` and keep draws independent of each other.
//
// Methods: normal = Marsaglia polar; gamma = Marsaglia–Tsang (with the U^(1/a) boost below 1);
// beta from two gammas; Poisson = inversion below λ = 30, PTRS (Hörmann 1993) above; binomial =
// inversion when n·min(p,1−p) < 30, otherwise exact beta-splitting recursion (Knuth, TAOCP 3.4.1)
// down to that regime; negative binomial = gamma–Poisson mixture; multinomial = sequential
// binomials; categorical = Vose's alias table.

import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from './prng.js';
import { lgamma } from './special.js';

function check(cond: boolean, msg: string): void {
  if (!cond) throw new RangeError(msg);
}

export function normal(rng: Rng, mean = 0, sd = 1): number {
  check(sd >= 0 && Number.isFinite(sd) && Number.isFinite(mean), `normal(mean=${mean}, sd=${sd})`);
  if (rng.spareNormal !== null) {
    const z = rng.spareNormal;
    rng.spareNormal = null;
    return mean + sd * z;
  }
  for (;;) {
    const u = 2 * rng.uniform() - 1;
    const v = 2 * rng.uniform() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) {
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      rng.spareNormal = v * f;
      return mean + sd * u * f;
    }
  }
}

/** n independent normals. */
export function normals(rng: Rng, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = normal(rng, mean, sd);
  return out;
}

export function lognormal(rng: Rng, meanLog = 0, sdLog = 1): number {
  return Math.exp(normal(rng, meanLog, sdLog));
}

export function exponential(rng: Rng, rate = 1): number {
  check(rate > 0, `exponential(rate=${rate})`);
  return -Math.log(rng.uniformOpen()) / rate;
}

/** Gamma with shape k > 0 and scale θ (mean kθ). */
export function gamma(rng: Rng, shape: number, scale = 1): number {
  check(shape > 0 && scale > 0 && Number.isFinite(shape) && Number.isFinite(scale), `gamma(shape=${shape}, scale=${scale})`);
  if (shape < 1) {
    // Boost: G(a) = G(a+1) · U^(1/a).
    return gamma(rng, shape + 1, scale) * Math.pow(rng.uniformOpen(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

export function chiSquared(rng: Rng, df: number): number {
  return gamma(rng, df / 2, 2);
}

export function studentT(rng: Rng, df: number): number {
  return normal(rng) / Math.sqrt(chiSquared(rng, df) / df);
}

export function beta(rng: Rng, a: number, b: number): number {
  check(a > 0 && b > 0, `beta(a=${a}, b=${b})`);
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

export function dirichlet(rng: Rng, alpha: readonly number[]): number[] {
  const g = alpha.map((a) => gamma(rng, a));
  const s = g.reduce((p, q) => p + q, 0);
  return g.map((x) => x / s);
}

export function poisson(rng: Rng, lambda: number): number {
  check(lambda >= 0 && Number.isFinite(lambda), `poisson(lambda=${lambda})`);
  if (lambda === 0) return 0;
  if (lambda < 30) {
    // Inversion by sequential search.
    let k = 0;
    let p = Math.exp(-lambda);
    let cdf = p;
    const u = rng.uniform();
    while (u > cdf) {
      k++;
      p *= lambda / k;
      cdf += p;
      if (p === 0 && cdf < u) break; // numerical floor; the tail is negligible here
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze.
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.uniform() - 0.5;
    const V = rng.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
  }
}

export function binomial(rng: Rng, n: number, p: number): number {
  check(Number.isSafeInteger(n) && n >= 0 && p >= 0 && p <= 1, `binomial(n=${n}, p=${p})`);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  let successes = 0;
  // Beta splitting: the a-th order statistic of n uniforms is Beta(a, n+1−a); it tells how many
  // of the n trials fall below p without drawing them one by one.
  while (n * Math.min(p, 1 - p) >= 30) {
    const a = 1 + (n >> 1);
    const b = n + 1 - a;
    const x = beta(rng, a, b);
    if (x >= p) {
      n = a - 1;
      p = p / x;
    } else {
      successes += a;
      n = b - 1;
      p = (p - x) / (1 - x);
    }
  }
  return successes + binomialInversion(rng, n, p);
}

function binomialInversion(rng: Rng, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const ratio = q / (1 - q);
  let prob = Math.exp(n * Math.log1p(-q));
  let cdf = prob;
  let k = 0;
  const u = rng.uniform();
  while (u > cdf && k < n) {
    prob *= (ratio * (n - k)) / (k + 1);
    k++;
    cdf += prob;
  }
  return flip ? n - k : k;
}

/**
 * Negative binomial by mean μ and size r (a.k.a. dispersion; variance μ + μ²/r), the RNA-seq
 * parameterisation. Gamma–Poisson: λ ~ Gamma(r, μ/r), X ~ Poisson(λ).
 */
export function negativeBinomial(rng: Rng, mean: number, size: number): number {
  check(mean >= 0 && size > 0, `negativeBinomial(mean=${mean}, size=${size})`);
  if (mean === 0) return 0;
  return poisson(rng, gamma(rng, size, mean / size));
}

export function geometric(rng: Rng, p: number): number {
  check(p > 0 && p <= 1, `geometric(p=${p})`);
  if (p === 1) return 0;
  // number of failures before the first success
  return Math.floor(Math.log(rng.uniformOpen()) / Math.log1p(-p));
}

/** Multinomial counts for n draws over (possibly unnormalised, non-negative) weights. */
export function multinomial(rng: Rng, n: number, weights: readonly number[]): number[] {
  check(Number.isSafeInteger(n) && n >= 0, `multinomial(n=${n})`);
  const total = sumWeights(weights);
  const out = new Array<number>(weights.length).fill(0);
  let left = n;
  let mass = total;
  for (let i = 0; i < weights.length - 1 && left > 0; i++) {
    const p = mass > 0 ? Math.min(1, Math.max(0, weights[i] / mass)) : 0;
    out[i] = binomial(rng, left, p);
    left -= out[i];
    mass -= weights[i];
  }
  if (weights.length > 0) out[weights.length - 1] += left;
  return out;
}

function sumWeights(weights: readonly number[]): number {
  check(weights.length > 0, 'weights must be non-empty');
  let s = 0;
  for (const w of weights) {
    check(w >= 0 && Number.isFinite(w), `weights must be finite and non-negative, got ${w}`);
    s += w;
  }
  check(s > 0, 'weights must not all be zero');
  return s;
}

/** Vose alias table: O(1) categorical draws after O(k) setup. */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const total = sumWeights(weights);
    const k = weights.length;
    this.prob = new Float64Array(k);
    this.alias = new Int32Array(k);
    const scaled = weights.map((w) => (w * k) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((s, i) => (s < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
  }

  get size(): number {
    return this.prob.length;
  }

  sample(rng: Rng): number {
    const i = rng.below(this.prob.length);
    return rng.uniform() < this.prob[i] ? i : this.alias[i];
  }
}

/** One categorical draw (index) from non-negative weights. For many draws build an AliasTable. */
export function categorical(rng: Rng, weights: readonly number[]): number {
  const total = sumWeights(weights);
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  // rounding: return the last index with positive weight
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}

/** Multivariate normal draw with mean vector and covariance (Cholesky; covariance must be PD). */
export function multivariateNormal(rng: Rng, mean: readonly number[], cov: Matrix | number[][]): number[] {
  const c = cov instanceof Matrix ? cov : new Matrix(cov);
  const chol = new CholeskyDecomposition(c);
  if (!chol.isPositiveDefinite()) throw new RangeError('multivariateNormal: covariance is not positive definite');
  const L = chol.lowerTriangularMatrix;
  const n = mean.length;
  const z = Array.from({ length: n }, () => normal(rng));
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = mean[i];
    for (let j = 0; j <= i; j++) s += L.get(i, j) * z[j];
    out[i] = s;
  }
  return out;
}
