// Analysis building blocks for case 5: soup profiles from empty droplets, contamination from a
// non-expressed gene, ambient-corrected marker fractions, a two-component mixture activation call,
// donor pseudobulks and the donor-level negative-binomial eQTL model with an ambient term.

import { brentMinimize, nelderMead } from '../framework/optim/index.js';
import { lgamma } from '../framework/special.js';
import type { Cells, Empties, ScData } from './io.js';
import { G, gi, ISG_MARKERS, NON_EXPRESSED, TARGET } from './simulator.js';

/** Per-lane ambient profile: pooled empty-droplet counts over pooled empty-droplet UMIs. */
export function soupProfiles(empties: Empties, nLanes: number): Float64Array[] {
  const sums = Array.from({ length: nLanes }, () => new Float64Array(G));
  const umi = new Float64Array(nLanes);
  for (let i = 0; i < empties.n; i++) {
    const l = empties.lane[i];
    umi[l] += empties.totalUmi[i];
    for (let j = 0; j < G; j++) sums[l][j] += empties.counts[i * G + j];
  }
  return sums.map((s, l) => {
    if (!(umi[l] > 0)) throw new Error(`lane ${l + 1} has no empty droplets to estimate its soup from`);
    return s.map((x) => x / umi[l]);
  });
}

/**
 * Contamination fraction per lane (SoupX's idea): all counts of a gene the cells do not express
 * are ambient, so ρ̂ = Σ y_gene / Σ n · soup_gene over the lane's cells.
 */
export function laneContamination(cells: Cells, soup: Float64Array[], gene = NON_EXPRESSED): Float64Array {
  const j = gi(gene);
  const obs = new Float64Array(soup.length);
  const exp = new Float64Array(soup.length);
  for (let i = 0; i < cells.n; i++) {
    const l = cells.lane[i];
    obs[l] += cells.counts[i * G + j];
    exp[l] += cells.totalUmi[i] * soup[l][j];
  }
  return obs.map((o, l) => Math.min(0.95, exp[l] > 0 ? o / exp[l] : 0));
}

/**
 * Ambient UMIs per cell droplet, per lane, from a gene the cells do not express: every read of it
 * is ambient, so Â = Σ y_gene / (cells · soup_gene) over the lane's cell droplets.
 */
export function ambientPerDroplet(cells: Cells, soup: Float64Array[], gene = NON_EXPRESSED): Float64Array {
  const j = gi(gene);
  const obs = new Float64Array(soup.length);
  const n = new Float64Array(soup.length);
  for (let i = 0; i < cells.n; i++) {
    obs[cells.lane[i]] += cells.counts[i * G + j];
    n[cells.lane[i]]++;
  }
  return obs.map((o, l) => (n[l] > 0 && soup[l][j] > 0 ? o / (n[l] * soup[l][j]) : 0));
}

/** Ambient UMIs per droplet, per lane, as the mean total UMI of the lane's empty droplets. */
export function ambientFromEmpties(empties: Empties, nLanes: number): Float64Array {
  const sum = new Float64Array(nLanes);
  const n = new Float64Array(nLanes);
  for (let i = 0; i < empties.n; i++) {
    sum[empties.lane[i]] += empties.totalUmi[i];
    n[empties.lane[i]]++;
  }
  return sum.map((s, l) => (n[l] > 0 ? s / n[l] : 0));
}

/** ρ per cell when each droplet of a lane captures the same ambient UMIs: Â_lane / total UMI (capped). */
export function rhoFromAmbient(cells: Cells, laneAmbient: ArrayLike<number>): Float64Array {
  return Float64Array.from(cells.lane, (l, i) => Math.min(0.95, laneAmbient[l] / cells.totalUmi[i]));
}

/** ρ per cell from its lane (0 everywhere = no correction). */
export function cellRho(cells: Cells, laneRho: ArrayLike<number> | null): Float64Array {
  return Float64Array.from(cells.lane, (l) => (laneRho ? laneRho[l] : 0));
}

/**
 * Fraction of a cell's own (non-ambient) UMIs from the activation markers: (Σ y − ρ n soup) / ((1 − ρ) n).
 * With ρ = 0 it is the raw marker fraction.
 */
export function markerFraction(cells: Cells, soup: Float64Array[], rho: Float64Array, markers = ISG_MARKERS): Float64Array {
  const js = markers.map(gi);
  const out = new Float64Array(cells.n);
  for (let i = 0; i < cells.n; i++) {
    const n = cells.totalUmi[i];
    const s = soup[cells.lane[i]];
    let y = 0, amb = 0;
    for (const j of js) {
      y += cells.counts[i * G + j];
      amb += s[j];
    }
    out[i] = (y - rho[i] * n * amb) / ((1 - rho[i]) * n);
  }
  return out;
}

export interface Mixture {
  /** mean[k][f] of component k (1 = higher mean on feature 0) and feature f */
  mean: [number[], number[]];
  sd: [number[], number[]];
  weight: [number, number];
  /** posterior of component 1 per observation */
  posterior: Float64Array;
}

/**
 * Two-component Gaussian mixture with diagonal covariances, by EM. `features` are columns of
 * equal length; component 1 is the one with the higher mean on the first feature. Starts from a
 * split at the 75th percentile of the first feature.
 */
export function gaussianMixture2(features: readonly ArrayLike<number>[], maxIter = 300): Mixture {
  const P = features.length;
  const n = features[0]?.length ?? 0;
  if (n < 4) throw new Error(`mixture needs at least 4 observations, got ${n}`);
  const cut = Float64Array.from(features[0]).sort()[Math.floor(0.75 * n)];
  const post = Float64Array.from(features[0], (x) => (x >= cut ? 1 : 0));
  const mean: [number[], number[]] = [new Array(P).fill(0), new Array(P).fill(0)];
  const sd: [number[], number[]] = [new Array(P).fill(1), new Array(P).fill(1)];
  const floors = features.map((f) => {
    let m = 0, v = 0;
    for (let i = 0; i < n; i++) m += f[i];
    m /= n;
    for (let i = 0; i < n; i++) v += (f[i] - m) ** 2;
    return Math.max(1e-12, 1e-3 * Math.sqrt(v / n));
  });
  let w1 = 0.25;
  let prevLl = -Infinity;
  for (let it = 0; it < maxIter; it++) {
    // M-step
    let sw = 0;
    for (let i = 0; i < n; i++) sw += post[i];
    sw = Math.min(n - 1e-9, Math.max(1e-9, sw));
    w1 = sw / n;
    for (let f = 0; f < P; f++) {
      const x = features[f];
      let s1 = 0, s0 = 0;
      for (let i = 0; i < n; i++) {
        s1 += post[i] * x[i];
        s0 += (1 - post[i]) * x[i];
      }
      const m1 = s1 / sw, m0 = s0 / (n - sw);
      let v1 = 0, v0 = 0;
      for (let i = 0; i < n; i++) {
        v1 += post[i] * (x[i] - m1) ** 2;
        v0 += (1 - post[i]) * (x[i] - m0) ** 2;
      }
      mean[1][f] = m1;
      mean[0][f] = m0;
      sd[1][f] = Math.max(floors[f], Math.sqrt(v1 / sw));
      sd[0][f] = Math.max(floors[f], Math.sqrt(v0 / (n - sw)));
    }
    // E-step
    let ll = 0;
    const c0 = Math.log(1 - w1) - sd[0].reduce((a, s) => a + Math.log(s), 0);
    const c1 = Math.log(w1) - sd[1].reduce((a, s) => a + Math.log(s), 0);
    for (let i = 0; i < n; i++) {
      let a = c0, b = c1;
      for (let f = 0; f < P; f++) {
        const x = features[f][i];
        a -= 0.5 * ((x - mean[0][f]) / sd[0][f]) ** 2;
        b -= 0.5 * ((x - mean[1][f]) / sd[1][f]) ** 2;
      }
      const mx = Math.max(a, b);
      const lse = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx));
      post[i] = Math.exp(b - lse);
      ll += lse;
    }
    if (Math.abs(ll - prevLl) <= 1e-9 * Math.abs(ll)) break;
    prevLl = ll;
  }
  if (mean[1][0] < mean[0][0]) {
    for (let i = 0; i < n; i++) post[i] = 1 - post[i];
    return { mean: [mean[1], mean[0]], sd: [sd[1], sd[0]], weight: [w1, 1 - w1], posterior: post };
  }
  return { mean, sd, weight: [1 - w1, w1], posterior: post };
}

/**
 * Activation call: a two-component diagonal Gaussian mixture on per-cell scores (first column: the
 * activation-marker score), fitted per group (per lane, or one group for all cells); a cell is
 * activated when its posterior for the component with the higher marker score exceeds `minPosterior`.
 */
export function callActivation(scores: readonly ArrayLike<number>[], group: Int32Array | null, minPosterior = 0.5): Uint8Array {
  const n = scores[0].length;
  const out = new Uint8Array(n);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = group ? group[i] : 0;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(i);
  }
  for (const idx of groups.values()) {
    const mix = gaussianMixture2(scores.map((col) => Float64Array.from(idx, (i) => col[i])));
    idx.forEach((i, k) => (out[i] = mix.posterior[k] > minPosterior ? 1 : 0));
  }
  return out;
}

/** Log of raw marker fractions, with zero counts floored at half a UMI. */
export function logFraction(cells: Cells, fraction: Float64Array): Float64Array {
  return fraction.map((f, i) => Math.log(Math.max(f, 0.5 / cells.totalUmi[i])));
}

export interface Pseudobulk {
  /** summed target counts of the selected cells per donor */
  y: Float64Array;
  /** expected ambient target counts: Σ ρ n soup_target */
  ambient: Float64Array;
  /** own-RNA library: Σ (1 − ρ) n */
  exposure: Float64Array;
  cells: Int32Array;
}

export function donorPseudobulk(data: ScData, selected: Uint8Array, rho: Float64Array, soup: Float64Array[], target = TARGET): Pseudobulk {
  const D = data.donors.ids.length;
  const j = gi(target);
  const y = new Float64Array(D), ambient = new Float64Array(D), exposure = new Float64Array(D), cells = new Int32Array(D);
  const c = data.cells;
  for (let i = 0; i < c.n; i++) {
    if (!selected[i]) continue;
    const d = c.donor[i];
    const n = c.totalUmi[i];
    y[d] += c.counts[i * G + j];
    ambient[d] += rho[i] * n * soup[c.lane[i]][j];
    exposure[d] += (1 - rho[i]) * n;
    cells[d]++;
  }
  return { y, ambient, exposure, cells };
}

export interface NbFit {
  mu: number;
  beta: number;
  alpha: number;
  logLik: number;
  donors: number;
}

/** NB log-likelihood of y given mean m and overdispersion α (variance m + α m²). */
function nbLogLik(y: number, m: number, alpha: number): number {
  const r = 1 / alpha;
  return lgamma(y + r) - lgamma(r) - lgamma(y + 1) + r * Math.log(r / (r + m)) + y * Math.log(m / (r + m));
}

/**
 * Donor-level eQTL: E[Y_d] = ambient_d + exp(μ + β g_d) · exposure_d with NB overdispersion,
 * maximised over (μ, β, log α). Donors without selected cells are left out.
 */
export function fitDonorNb(pb: Pseudobulk, dosage: ArrayLike<number>): NbFit {
  const idx = donorsWithCells(pb);
  // start from log of pooled own-RNA rate, no effect, moderate dispersion
  const mu0 = pooledLogRate(pb, idx);
  const negLl = ([mu, beta, logAlpha]: number[]) => {
    const alpha = Math.exp(Math.max(-12, Math.min(4, logAlpha)));
    let ll = 0;
    for (const d of idx) {
      const m = pb.ambient[d] + Math.exp(mu + beta * dosage[d]) * pb.exposure[d];
      ll += nbLogLik(pb.y[d], m, alpha);
    }
    return -ll;
  };
  let best = nelderMead(negLl, [mu0, 0, Math.log(0.05)], { step: [0.2, 0.2, 1], tolF: 1e-10, tolX: 1e-7 });
  best = nelderMead(negLl, best.x, { step: [0.05, 0.05, 0.3], tolF: 1e-12, tolX: 1e-8 });
  const [mu, beta, logAlpha] = best.x;
  return { mu, beta, alpha: Math.exp(logAlpha), logLik: -best.fx, donors: idx.length };
}

function donorsWithCells(pb: Pseudobulk): number[] {
  const idx: number[] = [];
  for (let d = 0; d < pb.y.length; d++) if (pb.exposure[d] > 0) idx.push(d);
  if (idx.length < 5) throw new Error(`only ${idx.length} donors have selected cells; need at least 5`);
  return idx;
}

/** Log of the donors' pooled own-RNA rate (counts less ambient, per exposure): a fit's starting μ. */
function pooledLogRate(pb: Pseudobulk, idx: number[]): number {
  let ys = 0, as = 0, es = 0;
  for (const d of idx) {
    ys += pb.y[d];
    as += pb.ambient[d];
    es += pb.exposure[d];
  }
  return Math.log(Math.max(1e-3 * ys, ys - as) / es);
}

/**
 * Donor-level eQTL as a Poisson GLMM with a normal donor random intercept (a Poisson–lognormal
 * model on the pseudobulks): Y_d ~ Poisson(ambient_d + exp(μ + β g_d + u_d) · exposure_d),
 * u_d ~ N(0, σ²), marginal likelihood by the Laplace approximation per donor, maximised over
 * (μ, β, log σ).
 */
export function fitDonorPoissonLognormal(pb: Pseudobulk, dosage: ArrayLike<number>): NbFit {
  const idx = donorsWithCells(pb);
  const logLikDonor = (y: number, a: number, b: number, sigma: number): number => {
    // h(u) = y log m − m − u²/2σ², m = a + b e^u; the mode lies between 0 and the data's own log ratio
    const h = (u: number) => {
      const m = a + b * Math.exp(u);
      return y * Math.log(m) - m - (u * u) / (2 * sigma * sigma);
    };
    const uData = Math.log(Math.max(y - a, 0.5) / b);
    const lo = Math.min(0, uData) - 0.05, hi = Math.max(0, uData) + 0.05;
    const u = brentMinimize((x) => -h(x), lo, hi, { tol: 1e-9 }).x;
    const be = b * Math.exp(u);
    const m = a + be;
    const h2 = be * (y / m - 1) - (y * be * be) / (m * m) - 1 / (sigma * sigma);
    return h(u) - lgamma(y + 1) - 0.5 * Math.log(Math.max(1e-300, -h2 * sigma * sigma));
  };
  const mu0 = pooledLogRate(pb, idx);
  const negLl = ([mu, beta, logSigma]: number[]) => {
    const sigma = Math.exp(Math.max(-6, Math.min(1.5, logSigma)));
    let ll = 0;
    for (const d of idx) ll += logLikDonor(pb.y[d], pb.ambient[d], Math.exp(mu + beta * dosage[d]) * pb.exposure[d], sigma);
    return -ll;
  };
  let best = nelderMead(negLl, [mu0, 0, Math.log(0.2)], { step: [0.2, 0.2, 0.5], tolF: 1e-10, tolX: 1e-7 });
  best = nelderMead(negLl, best.x, { step: [0.05, 0.05, 0.2], tolF: 1e-12, tolX: 1e-8 });
  const [mu, beta, logSigma] = best.x;
  return { mu, beta, alpha: Math.exp(2 * logSigma), logLik: -best.fx, donors: idx.length };
}

/**
 * Donor-level eQTL by least squares on the log of each donor's ambient-subtracted CXCL10 rate,
 * log((Y_d − ambient_d) / exposure_d) (floored at half a count), on dosage; with `lane` given, lane
 * fixed effects (donors compared within their lane only).
 */
export function fitDonorLogLinear(pb: Pseudobulk, dosage: ArrayLike<number>, lane?: ArrayLike<number>): NbFit {
  const idx = donorsWithCells(pb);
  const z = idx.map((d) => Math.log(Math.max(pb.y[d] - pb.ambient[d], 0.5) / pb.exposure[d]));
  const g = idx.map((d) => dosage[d]);
  const centre = (xs: number[]) => {
    const groups = new Map<number, number[]>();
    idx.forEach((d, k) => {
      const key = lane ? lane[d] : 0;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(k);
    });
    const out = xs.slice();
    for (const ks of groups.values()) {
      const m = ks.reduce((a, k) => a + xs[k], 0) / ks.length;
      for (const k of ks) out[k] = xs[k] - m;
    }
    return out;
  };
  const zc = centre(z), gc = centre(g);
  let sxy = 0, sxx = 0;
  for (let k = 0; k < idx.length; k++) {
    sxy += gc[k] * zc[k];
    sxx += gc[k] * gc[k];
  }
  if (!(sxx > 0)) throw new Error('dosage does not vary (within lanes)');
  const beta = sxy / sxx;
  const mu = z.reduce((a, x) => a + x, 0) / z.length - (beta * g.reduce((a, x) => a + x, 0)) / g.length;
  return { mu, beta, alpha: NaN, logLik: NaN, donors: idx.length };
}
