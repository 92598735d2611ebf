// Founder-state HMM for 8-way recombinant inbred lines: one hidden founder (of 8) per position,
// switching along the chromosome as a continuous-time chain that jumps to one of the other 7
// founders at rate ρ per cM, so over d cM P(same founder) = 1/8 + 7/8·exp(−(8/7)·ρ·d).
// Emissions: the observed allele matches the founder's allele with probability 1 − ε; missing
// (−1) and heterozygous (2) calls carry no information. Because every jump target is equally
// likely, one transition step costs O(8) instead of O(64). Scaled forward–backward over typed
// arrays, with scratch buffers allocated once per call (never per step).

export const N_FOUNDERS = 8;
const K = N_FOUNDERS;

/** P(same founder) across d cM at jump rate `rate` per cM. */
export function stayProbability(rate: number, d: number): number {
  return 1 / K + ((K - 1) / K) * Math.exp((-K / (K - 1)) * rate * Math.abs(d));
}

export interface ChromosomeMap {
  /** positions (cM) in the order the HMM walks them; distances are |Δpos| */
  pos: Float64Array;
  /** founder alleles: alleles[m·8 + f] ∈ {0, 1} */
  alleles: Uint8Array;
}

export interface HmmParams {
  /** founder switch rate per cM */
  rate: number;
  /** genotyping error probability */
  error: number;
}

export interface FounderPosteriors {
  nRil: number;
  nGrid: number;
  /** probs[(g·nRil + i)·8 + f]: P(RIL i has founder f at grid point g) */
  probs: Float32Array;
}

export interface MismatchCheck {
  /** per marker: mean P(observed allele differs from the allele predicted by the neighbours) */
  mismatch: Float64Array;
  /** per marker: number of informative (0/1) calls */
  informative: Int32Array;
}

/**
 * Runs the HMM for every RIL on one chromosome.
 * @param geno genotypes, geno[i·nMarker + m] for RIL i and marker m (map order of `map`)
 * @param grid positions (sorted, cM) at which to report founder probabilities, or 'markers' for the
 *   posteriors at the markers themselves (in the walk order); an empty array skips them
 * @param check when true, also returns the leave-one-out allele mismatch per marker
 */
export function runFounderHmm(
  map: ChromosomeMap,
  geno: Int8Array,
  nRil: number,
  params: HmmParams,
  grid: Float64Array | 'markers',
  check = false,
): { posteriors: FounderPosteriors; check?: MismatchCheck } {
  const nM = map.pos.length;
  if (nM < 1) throw new Error('founder HMM needs at least one marker');
  if (geno.length !== nRil * nM) throw new Error(`genotype matrix has ${geno.length} cells, expected ${nRil}×${nM}`);
  if (map.alleles.length !== nM * K) throw new Error('founder allele table does not match the marker count');
  const eps = params.error;
  // per-interval transition terms: s − o (diagonal excess) and o (off-diagonal)
  const diagEx = new Float64Array(nM);
  const off = new Float64Array(nM);
  for (let m = 1; m < nM; m++) {
    const s = stayProbability(params.rate, map.pos[m] - map.pos[m - 1]);
    off[m] = (1 - s) / (K - 1);
    diagEx[m] = s - off[m];
  }
  // grid placement: interval index (marker to the left, −1 before the first) and its transition terms
  const atMarkers = grid === 'markers';
  const nG = atMarkers ? nM : grid.length;
  const gLeft = new Int32Array(nG);
  const gD1 = new Float64Array(nG), gO1 = new Float64Array(nG), gD2 = new Float64Array(nG), gO2 = new Float64Array(nG);
  {
    let m = -1;
    for (let g = 0; g < nG && !atMarkers; g++) {
      const x = grid[g];
      while (m + 1 < nM && map.pos[m + 1] <= x) m++;
      gLeft[g] = m;
      if (m >= 0) {
        const s = stayProbability(params.rate, x - map.pos[m]);
        gO1[g] = (1 - s) / (K - 1);
        gD1[g] = s - gO1[g];
      }
      if (m + 1 < nM) {
        const s = stayProbability(params.rate, map.pos[m + 1] - x);
        gO2[g] = (1 - s) / (K - 1);
        gD2[g] = s - gO2[g];
      }
    }
  }
  const alpha = new Float64Array(nM * K);
  const beta = new Float64Array(nM * K);
  const emit = new Float64Array(nM * K);
  const v = new Float64Array(K);
  const probs = new Float32Array(nG * nRil * K);
  const mismatch = new Float64Array(nM);
  const informative = new Int32Array(nM);

  for (let i = 0; i < nRil; i++) {
    const row = i * nM;
    // emissions
    for (let m = 0; m < nM; m++) {
      const obs = geno[row + m];
      const b = m * K;
      if (obs === 0 || obs === 1) for (let f = 0; f < K; f++) emit[b + f] = map.alleles[b + f] === obs ? 1 - eps : eps;
      else for (let f = 0; f < K; f++) emit[b + f] = 1;
    }
    // forward (each α_t normalised to sum 1)
    let sum = 0;
    for (let f = 0; f < K; f++) sum += alpha[f] = emit[f] / K;
    for (let f = 0; f < K; f++) alpha[f] /= sum;
    for (let m = 1; m < nM; m++) {
      const b = m * K, p = b - K, dx = diagEx[m], o = off[m];
      sum = 0;
      for (let f = 0; f < K; f++) sum += alpha[b + f] = (alpha[p + f] * dx + o) * emit[b + f];
      for (let f = 0; f < K; f++) alpha[b + f] /= sum;
    }
    // backward (each β_t normalised to sum 1; the scale cancels in posteriors)
    const last = (nM - 1) * K;
    for (let f = 0; f < K; f++) beta[last + f] = 1 / K;
    for (let m = nM - 2; m >= 0; m--) {
      const b = m * K, n = b + K, dx = diagEx[m + 1], o = off[m + 1];
      let sv = 0;
      for (let f = 0; f < K; f++) sv += v[f] = emit[n + f] * beta[n + f];
      sum = 0;
      for (let f = 0; f < K; f++) sum += beta[b + f] = dx * v[f] + o * sv;
      for (let f = 0; f < K; f++) beta[b + f] /= sum;
    }
    // grid posteriors: P(x = g) ∝ [Σ_i α_L(i) T(i, g)] · [Σ_j T(g, j) e_R(j) β_R(j)]
    if (atMarkers)
      for (let m = 0; m < nM; m++) {
        const out = (m * nRil + i) * K;
        let tot = 0;
        for (let f = 0; f < K; f++) tot += probs[out + f] = alpha[m * K + f] * beta[m * K + f];
        for (let f = 0; f < K; f++) probs[out + f] /= tot;
      }
    for (let g = 0; g < nG && !atMarkers; g++) {
      const m = gLeft[g];
      const out = (g * nRil + i) * K;
      let sv = 0;
      if (m + 1 < nM) {
        const n = (m + 1) * K;
        for (let f = 0; f < K; f++) sv += v[f] = emit[n + f] * beta[n + f];
      }
      let tot = 0;
      for (let f = 0; f < K; f++) {
        const left = m >= 0 ? alpha[m * K + f] * gD1[g] + gO1[g] : 1 / K;
        const right = m + 1 < nM ? gD2[g] * v[f] + gO2[g] * sv : 1;
        const w = left * right;
        probs[out + f] = w;
        tot += w;
      }
      for (let f = 0; f < K; f++) probs[out + f] /= tot;
    }
    if (check) {
      // leave-one-out prediction at marker m: prior from the left times β_m (β excludes e_m)
      for (let m = 0; m < nM; m++) {
        const obs = geno[row + m];
        if (obs !== 0 && obs !== 1) continue;
        const b = m * K;
        let tot = 0, p1 = 0;
        for (let f = 0; f < K; f++) {
          const prior = m === 0 ? 1 / K : alpha[b - K + f] * diagEx[m] + off[m];
          const w = prior * beta[b + f];
          tot += w;
          if (map.alleles[b + f] === 1) p1 += w;
        }
        p1 /= tot;
        mismatch[m] += obs === 1 ? 1 - p1 : p1;
        informative[m]++;
      }
    }
  }
  if (check) for (let m = 0; m < nM; m++) mismatch[m] = informative[m] ? mismatch[m] / informative[m] : 0;
  return { posteriors: { nRil, nGrid: nG, probs }, check: check ? { mismatch, informative } : undefined };
}
