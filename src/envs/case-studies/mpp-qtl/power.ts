// Data properties behind the case-8 serving rule, computed from the simulated founder states
// (never from an analysis of the files): how strongly the QTL and the batch-aligned nuisance
// locus act on the phenotype, how clearly the high founder stands out from the runner-up, and
// whether the marker alleles around the QTL tell the high founder's haplotype from every other.

import { leastSquares, lod } from './analysis.js';
import { N_FOUNDERS } from './hmm.js';

const K = N_FOUNDERS;

export interface PhenotypeDesign {
  y: Float64Array;
  /** 0-based batch per RIL */
  batch: Int32Array;
  male: Uint8Array;
  age: Float64Array;
}

/** Intercept-free design: covariates (batch indicators from level 1 on, sex, centred age). */
function covariateColumns(d: PhenotypeDesign, withBatch: boolean): Float64Array[] {
  const cols: Float64Array[] = [];
  if (withBatch) for (let lv = 1; lv < 4; lv++) cols.push(Float64Array.from(d.batch, (b) => (b === lv ? 1 : 0)));
  cols.push(Float64Array.from(d.male));
  const m = d.age.reduce((a, b) => a + b, 0) / d.age.length;
  cols.push(Float64Array.from(d.age, (a) => a - m));
  return cols;
}

/** LOD of 8 founder indicators (true states) against the covariates alone, and the founder means. */
export function founderLod(d: PhenotypeDesign, founder: Uint8Array, withBatch: boolean): { lod: number; coef: Float64Array; sigma: number; counts: Int32Array } {
  const n = d.y.length;
  const covs = covariateColumns(d, withBatch);
  const null0 = leastSquares(n, 1 + covs.length, (i, row) => {
    row[0] = 1;
    covs.forEach((c, k) => (row[1 + k] = c[i]));
  }, d.y);
  const fit = leastSquares(n, K + covs.length, (i, row) => {
    row.fill(0, 0, K);
    row[founder[i]] = 1;
    covs.forEach((c, k) => (row[K + k] = c[i]));
  }, d.y);
  const counts = new Int32Array(K);
  for (const f of founder) counts[f]++;
  return { lod: lod(n, null0.rss, fit.rss), coef: fit.coef.slice(0, K), sigma: Math.sqrt(fit.rss / (n - K - covs.length)), counts };
}

export interface PowerReport {
  /** batch-adjusted LOD at the QTL with the true founder states */
  qtlLod: number;
  /** unadjusted LOD (sex, age only) at the QTL and at the nuisance locus */
  qtlLodUnadjusted: number;
  nuisanceLodUnadjusted: number;
  /** (high founder mean − best other founder mean) / its standard error, batch-adjusted */
  founderGapZ: number;
  /** fewest markers within ±windowCm of the QTL at which the high founder's allele differs from another founder's */
  minDistinguishingMarkers: number;
}

export function powerReport(
  d: PhenotypeDesign,
  founderAtQtl: Uint8Array,
  founderAtNuisance: Uint8Array,
  high: number,
  nearQtlAlleles: number[][],
): PowerReport {
  const adj = founderLod(d, founderAtQtl, true);
  let gap = Infinity;
  for (let f = 0; f < K; f++) {
    if (f === high) continue;
    const se = adj.sigma * Math.sqrt(1 / Math.max(1, adj.counts[high]) + 1 / Math.max(1, adj.counts[f]));
    gap = Math.min(gap, (adj.coef[high] - adj.coef[f]) / se);
  }
  let minDiff = Infinity;
  for (let f = 0; f < K; f++) {
    if (f === high) continue;
    let diff = 0;
    for (const a of nearQtlAlleles) if (a[f] !== a[high]) diff++;
    minDiff = Math.min(minDiff, diff);
  }
  return {
    qtlLod: adj.lod,
    qtlLodUnadjusted: founderLod(d, founderAtQtl, false).lod,
    nuisanceLodUnadjusted: founderLod(d, founderAtNuisance, false).lod,
    founderGapZ: gap,
    minDistinguishingMarkers: minDiff,
  };
}
