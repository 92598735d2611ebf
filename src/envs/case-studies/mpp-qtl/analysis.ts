// Building blocks of the case-8 analyses: marker orientation check, per-chromosome views in map
// (or file) order, the Haley–Knott founder-probability scan and the single-marker scan. The
// reference and the naive analyses are different combinations of these switches.

import { type ChromosomeMap, type FounderPosteriors, type HmmParams, N_FOUNDERS, runFounderHmm } from './hmm.js';
import type { MppData } from './io.js';

const K = N_FOUNDERS;
export const HMM_PARAMS: HmmParams = { rate: 0.07, error: 0.01 };

// ---------- least squares on small designs (normal equations, Cholesky) ----------

/** Fits y on p columns given row by row; returns coefficients and the residual sum of squares. */
export function leastSquares(n: number, p: number, fillRow: (i: number, row: Float64Array) => void, y: Float64Array, scratch?: LsScratch): { coef: Float64Array; rss: number } {
  const s = scratch && scratch.p === p ? scratch : lsScratch(p);
  const { row, xtx, xty } = s;
  xtx.fill(0);
  xty.fill(0);
  for (let i = 0; i < n; i++) {
    fillRow(i, row);
    const yi = y[i];
    for (let a = 0; a < p; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      xty[a] += ra * yi;
      for (let b = 0; b <= a; b++) xtx[a * p + b] += ra * row[b];
    }
  }
  // Cholesky with a tiny ridge so collinear designs still solve (their fit is unchanged)
  let tr = 0;
  for (let a = 0; a < p; a++) tr += xtx[a * p + a];
  const ridge = 1e-10 * (tr / p || 1);
  const L = s.chol;
  for (let a = 0; a < p; a++)
    for (let b = 0; b <= a; b++) {
      let v = xtx[a * p + b] + (a === b ? ridge : 0);
      for (let k = 0; k < b; k++) v -= L[a * p + k] * L[b * p + k];
      L[a * p + b] = a === b ? Math.sqrt(Math.max(v, 1e-300)) : v / L[b * p + b];
    }
  const coef = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let v = xty[a];
    for (let k = 0; k < a; k++) v -= L[a * p + k] * coef[k];
    coef[a] = v / L[a * p + a];
  }
  for (let a = p - 1; a >= 0; a--) {
    let v = coef[a];
    for (let k = a + 1; k < p; k++) v -= L[k * p + a] * coef[k];
    coef[a] = v / L[a * p + a];
  }
  let rss = 0;
  for (let i = 0; i < n; i++) {
    fillRow(i, row);
    let fit = 0;
    for (let a = 0; a < p; a++) fit += row[a] * coef[a];
    rss += (y[i] - fit) ** 2;
  }
  return { coef, rss };
}

export interface LsScratch {
  p: number;
  row: Float64Array;
  xtx: Float64Array;
  xty: Float64Array;
  chol: Float64Array;
}

export function lsScratch(p: number): LsScratch {
  return { p, row: new Float64Array(p), xtx: new Float64Array(p * p), xty: new Float64Array(p), chol: new Float64Array(p * p) };
}

// ---------- covariates ----------

/** Covariate columns without an intercept: batch indicators (first level is the baseline), sex, age. */
export function covariates(d: MppData, withBatch: boolean): Float64Array[] {
  const cols: Float64Array[] = [];
  if (withBatch) {
    const levels = [...new Set(d.batch)].sort((a, b) => a - b);
    for (const lv of levels.slice(1)) cols.push(Float64Array.from(d.batch, (b) => (b === lv ? 1 : 0)));
  }
  cols.push(Float64Array.from(d.male));
  const meanAge = d.age.reduce((a, b) => a + b, 0) / d.nRil;
  cols.push(Float64Array.from(d.age, (a) => a - meanAge));
  return cols;
}

/** RSS of the covariate-only model (intercept + covariates). */
export function nullRss(d: MppData, covs: Float64Array[]): number {
  const p = 1 + covs.length;
  return leastSquares(d.nRil, p, (i, row) => {
    row[0] = 1;
    for (let c = 0; c < covs.length; c++) row[1 + c] = covs[c][i];
  }, d.phenotype).rss;
}

export const lod = (n: number, rss0: number, rss1: number) => (n / 2) * Math.log10(rss0 / rss1);

// ---------- chromosome views ----------

export interface ChromosomeView {
  /** genotype-column indices in walk order */
  cols: number[];
  map: ChromosomeMap;
  /** genotypes in walk order, geno[i·nM + m]; flipped columns recoded */
  geno: Int8Array;
}

/** One chromosome's markers, sorted by position (or left in file order), with a recoding mask and an optional keep mask. */
export function chromosomeView(d: MppData, chr: number, order: 'map' | 'file', flip?: Uint8Array, keep?: Uint8Array): ChromosomeView {
  const cols: number[] = [];
  for (let j = 0; j < d.nMarker; j++) if (d.chr[j] === chr && (!keep || keep[j])) cols.push(j);
  if (cols.length === 0) throw new Error(`no markers on chromosome ${chr}`);
  if (order === 'map') cols.sort((a, b) => d.pos[a] - d.pos[b]);
  const nM = cols.length;
  const pos = Float64Array.from(cols, (j) => d.pos[j]);
  const alleles = new Uint8Array(nM * K);
  cols.forEach((j, m) => alleles.set(d.founderAlleles.subarray(j * K, j * K + K), m * K));
  const geno = new Int8Array(d.nRil * nM);
  for (let i = 0; i < d.nRil; i++)
    for (let m = 0; m < nM; m++) {
      const j = cols[m];
      let g = d.genotypes[i * d.nMarker + j];
      if (flip?.[j] && (g === 0 || g === 1)) g = 1 - g;
      geno[i * nM + m] = g;
    }
  return { cols, map: { pos, alleles }, geno };
}

// ---------- orientation ----------

export interface OrientationReport {
  /** 1 for genotype columns whose RIL coding is swapped relative to founders.tsv */
  flip: Uint8Array;
  byFrequency: number;
  byHmm: number;
  /** largest per-marker leave-one-out mismatch after the fix */
  maxMismatchAfter: number;
}

/** Markers whose founder pattern is 4 of 8, where allele frequency cannot tell the coding (1 = balanced). */
export function balancedMarkers(d: MppData): Uint8Array {
  const out = new Uint8Array(d.nMarker);
  for (let j = 0; j < d.nMarker; j++) {
    let k = 0;
    for (let f = 0; f < K; f++) k += d.founderAlleles[j * K + f];
    out[j] = 2 * k === K ? 1 : 0;
  }
  return out;
}

/**
 * Step 1: a marker whose founder allele-1 share k/8 differs from 1/2 is flipped when the RIL
 * allele frequency sits nearer 1 − k/8 than k/8. Step 2 (k = 4 markers, where frequency cannot
 * tell): the founder HMM's prediction from the other markers disagrees with most calls (> 50%).
 * With hmmStep false only step 1 runs.
 */
export function checkOrientation(d: MppData, order: 'map' | 'file' = 'map', hmmStep = true): OrientationReport {
  const flip = new Uint8Array(d.nMarker);
  let byFrequency = 0, byHmm = 0;
  for (let j = 0; j < d.nMarker; j++) {
    let k = 0;
    for (let f = 0; f < K; f++) k += d.founderAlleles[j * K + f];
    const expected = k / K;
    if (Math.abs(expected - 0.5) < 1e-9) continue;
    let ones = 0, calls = 0;
    for (let i = 0; i < d.nRil; i++) {
      const g = d.genotypes[i * d.nMarker + j];
      if (g === 0 || g === 1) {
        ones += g;
        calls++;
      }
    }
    const freq = calls ? ones / calls : expected;
    if (Math.abs(freq - (1 - expected)) < Math.abs(freq - expected)) {
      flip[j] = 1;
      byFrequency++;
    }
  }
  let maxAfter = 0;
  if (!hmmStep) return { flip, byFrequency, byHmm, maxMismatchAfter: NaN };
  const balanced = balancedMarkers(d);
  for (const chr of [...new Set(d.chr)].sort((a, b) => a - b)) {
    if (order === 'map') {
      // Step 2 on the map: founder probabilities from the frequency-checked markers alone, at the
      // 4-of-8 markers' positions, predict each of their calls; a marker whose calls disagree with
      // the prediction more often than not is reversed. The 4-of-8 markers never vote on each
      // other, so a run of reversed ones cannot hide itself.
      const v = chromosomeView(d, chr, 'map', flip, balanced.map((b) => 1 - b));
      const cols: number[] = [];
      for (let j = 0; j < d.nMarker; j++) if (d.chr[j] === chr && balanced[j]) cols.push(j);
      cols.sort((a, b) => d.pos[a] - d.pos[b]);
      if (cols.length && v.cols.length) {
        const post = runFounderHmm(v.map, v.geno, d.nRil, HMM_PARAMS, Float64Array.from(cols, (j) => d.pos[j])).posteriors;
        cols.forEach((j, g) => {
          let mismatch = 0, calls = 0;
          for (let i = 0; i < d.nRil; i++) {
            const obs = d.genotypes[i * d.nMarker + j];
            if (obs !== 0 && obs !== 1) continue;
            const o = (g * d.nRil + i) * K;
            let p1 = 0;
            for (let f = 0; f < K; f++) if (d.founderAlleles[j * K + f] === 1) p1 += post.probs[o + f];
            mismatch += obs === 1 ? 1 - p1 : p1;
            calls++;
          }
          if (calls && mismatch / calls > 0.5) {
            flip[j] = 1;
            byHmm++;
          }
        });
      }
      const v2 = chromosomeView(d, chr, 'map', flip);
      for (const x of runFounderHmm(v2.map, v2.geno, d.nRil, HMM_PARAMS, new Float64Array(0), true).check!.mismatch) maxAfter = Math.max(maxAfter, x);
      continue;
    }
    // in file order there is no map to predict along: flip the markers whose leave-one-out fit is
    // worst, repeating while any disagrees with most of its calls
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const v = chromosomeView(d, chr, order, flip);
      const mm = runFounderHmm(v.map, v.geno, d.nRil, HMM_PARAMS, new Float64Array(0), true).check!.mismatch;
      let worst = 0;
      for (const x of mm) worst = Math.max(worst, x);
      if (worst <= 0.5 || round === rounds - 1) {
        maxAfter = Math.max(maxAfter, worst);
        break;
      }
      for (let m = 0; m < mm.length; m++)
        if (mm[m] > 0.5 && (m === 0 || mm[m] >= mm[m - 1]) && (m === mm.length - 1 || mm[m] >= mm[m + 1])) {
          flip[v.cols[m]] ^= 1;
          byHmm++;
        }
    }
  }
  return { flip, byFrequency, byHmm, maxMismatchAfter: maxAfter };
}

// ---------- Haley–Knott founder scan ----------

export interface ScanResult {
  positions: Float64Array;
  lod: Float64Array;
  peak: number;
  /** founder means at the peak (adjusted for the covariates), 8 values */
  founderEffects: Float64Array;
}

/** y ~ covariates + 8 founder probabilities (no intercept; they sum to 1), LOD against covariates only. */
export function haleyKnottScan(d: MppData, post: FounderPosteriors, positions: Float64Array, covs: Float64Array[]): ScanResult {
  const n = d.nRil;
  const rss0 = nullRss(d, covs);
  const p = K + covs.length;
  const scratch = lsScratch(p);
  const lods = new Float64Array(post.nGrid);
  let best = -Infinity, peak = 0;
  let bestCoef: Float64Array = new Float64Array(p);
  for (let g = 0; g < post.nGrid; g++) {
    const base = g * n * K;
    const fit = leastSquares(n, p, (i, row) => {
      const o = base + i * K;
      for (let f = 0; f < K; f++) row[f] = post.probs[o + f];
      for (let c = 0; c < covs.length; c++) row[K + c] = covs[c][i];
    }, d.phenotype, scratch);
    lods[g] = lod(n, rss0, fit.rss);
    if (lods[g] > best) {
      best = lods[g];
      peak = g;
      bestCoef = fit.coef;
    }
  }
  return { positions, lod: lods, peak, founderEffects: bestCoef.slice(0, K) };
}

export function argmax(xs: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[b]) b = i;
  return b;
}

/** 0.5 cM grid spanning a chromosome's markers. */
export function halfCmGrid(pos: Float64Array): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (const x of pos) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const start = Math.floor(lo * 2) / 2;
  const out: number[] = [];
  for (let x = start; x <= hi + 1e-9; x += 0.5) out.push(Math.round(x * 2) / 2);
  return Float64Array.from(out);
}

// ---------- single-marker (biallelic) scan ----------

export interface MarkerScan {
  /** genotype-column index of the peak marker */
  peakCol: number;
  lod: number;
  /** coefficient of the allele-1 dosage at the peak */
  effect: number;
}

/** y ~ 1 + allele (0/1 as coded in the file; missing and het calls set to the marker mean) + covariates. */
export function singleMarkerScan(d: MppData, chr: number, covs: Float64Array[]): MarkerScan {
  const n = d.nRil;
  const rss0 = nullRss(d, covs);
  const p = 2 + covs.length;
  const scratch = lsScratch(p);
  const x = new Float64Array(n);
  let best: MarkerScan = { peakCol: -1, lod: -Infinity, effect: 0 };
  for (let j = 0; j < d.nMarker; j++) {
    if (d.chr[j] !== chr) continue;
    let s = 0, c = 0;
    for (let i = 0; i < n; i++) {
      const g = d.genotypes[i * d.nMarker + j];
      if (g === 0 || g === 1) {
        s += g;
        c++;
      }
    }
    const mean = c ? s / c : 0.5;
    for (let i = 0; i < n; i++) {
      const g = d.genotypes[i * d.nMarker + j];
      x[i] = g === 0 || g === 1 ? g : mean;
    }
    const fit = leastSquares(n, p, (i, row) => {
      row[0] = 1;
      row[1] = x[i];
      for (let k = 0; k < covs.length; k++) row[2 + k] = covs[k][i];
    }, d.phenotype, scratch);
    const l = lod(n, rss0, fit.rss);
    if (l > best.lod) best = { peakCol: j, lod: l, effect: fit.coef[1] };
  }
  if (best.peakCol < 0) throw new Error(`no markers on chromosome ${chr}`);
  return best;
}
