// Statistics for runs: Wilson score intervals, unbiased pass@k and pass^k, the exact
// McNemar test and a seeded paired (task-clustered) bootstrap.

const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `successes` out of `n` (95% by default); [0, 1] when n = 0. */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** C(n, k) as a float, exact for the sizes we meet (n ≤ a few hundred epochs). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return r;
}

/**
 * Unbiased pass@k of one task with n samples of which c are correct (Chen et al. 2021):
 * 1 − C(n−c, k) / C(n, k), computed as a stable product.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples per task, got ${n}`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Unbiased pass^k (all k of k samples correct): C(c, k) / C(n, k). */
export function passHatK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass^${k} needs at least ${k} samples per task, got ${n}`);
  if (c < k) return 0;
  let prod = 1;
  for (let i = 0; i < k; i++) prod *= (c - i) / (n - i);
  return prod;
}

/**
 * Exact (binomial) McNemar test on the discordant pairs: b = A right and B wrong,
 * c = A wrong and B right. Two-sided p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const m = Math.min(b, c);
  // Sum in log space so large n does not underflow.
  let total = 0;
  let logC = 0; // log C(n, 0)
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * total);
}

/** mulberry32: small, fast, seeded PRNG with good enough statistics for resampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PairedSample {
  /** cluster id: pairs of one task resample together */
  cluster: string;
  a: number;
  b: number;
}

export interface BootstrapResult {
  /** mean(b) − mean(a) on the observed pairs */
  diff: number;
  low: number;
  high: number;
  resamples: number;
}

/**
 * Paired bootstrap of mean(b) − mean(a): resamples tasks (clusters) with replacement, keeping
 * each task's epochs together, and reports the percentile interval. Deterministic per seed.
 */
export function pairedBootstrap(pairs: PairedSample[], opts: { seed: number; resamples?: number; level?: number }): BootstrapResult {
  const resamples = opts.resamples ?? 10_000;
  const level = opts.level ?? 0.95;
  if (pairs.length === 0) return { diff: 0, low: 0, high: 0, resamples: 0 };
  const clusters = new Map<string, { sum: number; n: number }>();
  for (const p of pairs) {
    const c = clusters.get(p.cluster) ?? { sum: 0, n: 0 };
    c.sum += p.b - p.a;
    c.n += 1;
    clusters.set(p.cluster, c);
  }
  const list = [...clusters.values()];
  const diff = list.reduce((s, c) => s + c.sum, 0) / pairs.length;
  const random = seededRandom(opts.seed);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[Math.floor(random() * list.length)];
      sum += c.sum;
      n += c.n;
    }
    stats[r] = sum / n;
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  return { diff, low: quantileSorted(stats, alpha), high: quantileSorted(stats, 1 - alpha), resamples };
}

/** Linear-interpolated quantile (type 7, as R's default) of a sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Standard normal upper tail P(Z > z) (Abramowitz–Stegun 7.1.26 through erfc; |error| < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences (zeros dropped, tied |d| get mid
 * ranks). Exact null distribution for up to 30 non-zero differences without ties; otherwise the
 * normal approximation with tie and continuity corrections.
 */
export function wilcoxonSignedRank(diffs: readonly number[]): { n: number; w_plus: number; p: number } {
  const d = diffs.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { n: 0, w_plus: 0, p: 1 };
  const order = d.map((x, i) => ({ a: Math.abs(x), i })).sort((p, q) => p.a - q.a);
  const ranks = new Array<number>(n);
  let tieTerm = 0;
  for (let k = 0; k < n; ) {
    let j = k;
    while (j + 1 < n && order[j + 1].a === order[k].a) j++;
    const mid = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[order[m].i] = mid;
    const t = j - k + 1;
    tieTerm += t * t * t - t;
    k = j + 1;
  }
  const wPlus = d.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
  const total = (n * (n + 1)) / 2;
  if (n <= 30 && tieTerm === 0) {
    // counts of subsets of {1..n} by rank sum: the exact null distribution of W+
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let r = 1; r <= n; r++) for (let s = total; s >= r; s--) counts[s] += counts[s - r];
    const lo = Math.min(wPlus, total - wPlus);
    let tail = 0;
    for (let s = 0; s <= lo; s++) tail += counts[s];
    return { n, w_plus: wPlus, p: Math.min(1, (2 * tail) / 2 ** n) };
  }
  const mean = total / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sd === 0) return { n, w_plus: wPlus, p: 1 };
  const z = (Math.abs(wPlus - mean) - 0.5) / sd;
  return { n, w_plus: wPlus, p: Math.min(1, 2 * normalUpperTail(Math.max(0, z))) };
}
