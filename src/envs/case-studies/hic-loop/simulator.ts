// Case 7 simulator: four Hi-C replicates (2 case, 2 control) of an 80-bin region at 20 kb.
//
// Clean contacts are Poisson with λ_ij = c·b_i·b_j·P_s(|i − j|)·D_ij·L_ij: per-bin biases
// b_i = √(re/5)·mappability·e^{2(gc − 0.45)}, a per-sample distance decay P_s(d) (power law ~1.05 to
// 200 kb, then a condition-specific slope: one expected curve pooled over conditions is wrong for
// both), contact domains D (TAD-like blocks with enriched internal contacts, shared by all samples)
// and loops L (the target at (8, 17), its strength drawn per condition and instance, with a ±1-bin
// halo; two decoys shared by both conditions). Artifacts are separate layers, so the clean
// matrices are known exactly:
//  (1) a segmental-duplication cluster of 7–10 low-mappability bins (mappability 0.15–0.45): after
//      MAPQ filtering their rows keep only a few percent of their contacts (coverage ∝ mappability³)
//      plus a faint distance-independent background of mis-placed multimapping pairs;
//  (2) case only: a block of ectopic contacts (bins s…s+3 × s+5…s+14, ×3–5 expected). Unlike a
//      row-multiplicative stripe, which ICE absorbs, this block is non-separable and survives balancing.
// Truth (finite-sample oracle): the canonical pipeline (mask low-mappability bins and the SV segment
// s…s+14 in every sample, ICE, per-replicate mean-by-distance expected, log2 O/E at (8, 17)) on the
// clean matrices, averaged over replicates.

import { gzip } from '../framework/gzip.js';
import { npyArray, writeNpz } from '../framework/npy.js';
import { Rng } from '../framework/prng.js';
import { normal, poisson } from '../framework/samplers.js';
import { writeTsv } from '../framework/tsv.js';
import type { CaseFile, Truth } from '../types.js';
import { BIN_20KB, CASE_ID, CHROM, FILES, LOOP_ANCHORS, MAPPABILITY_MIN, N_BINS_20KB, REGION_START, SAMPLES, type Condition } from './layout.js';
import { balanceWithExpected, log2ObsExp } from './pipeline.js';

const N = N_BINS_20KB;
const LOOP_DIST = LOOP_ANCHORS[1] - LOOP_ANCHORS[0];
/** Bins kept free of artifacts and decoys: the target loop, its halo and a margin. */
const LOOP_ZONE: [number, number] = [4, 21];
/** Generative log2 loop strength of the target, drawn independently per condition. */
const LOOP_LOG2: [number, number] = [0.25, 2.6];
/** Contact domains: sizes (bins; 200–320 kb, like typical contact domains) and their internal enrichment. */
const DOMAIN_SIZE: [number, number] = [10, 16];
const DOMAIN_ENRICHMENT: [number, number] = [1.5, 2.2];
/** The low-mappability cluster: how many bins, their mappability and the multimapping background. */
const LOWMAP_BINS: [number, number] = [7, 10];
const LOWMAP_BACKGROUND: [number, number] = [2, 4];
/** Distance (bins) where the condition-specific decay slope takes over, and the slope gap range. */
const TAIL_START = 10;
const TAIL_GAP: [number, number] = [0.5, 0.7];

/** Distance-decay shape: (d + 0.5)^−short up to TAIL_START, continued with slope −tail (continuous). */
export function decayAt(d: number, dec: { short: number; tail: number }): number {
  if (d <= TAIL_START) return (d + 0.5) ** -dec.short;
  return (TAIL_START + 0.5) ** -dec.short * ((d + 0.5) / (TAIL_START + 0.5)) ** -dec.tail;
}

export interface HicParams {
  gc: number[];
  mappability: number[];
  reSites: number[];
  loopLog2: Record<Condition, number>;
  decoys: { i: number; j: number; log2: number }[];
  /** contact domains [first, last] bin and their internal enrichment */
  domains: { first: number; last: number; enrichment: number }[];
  /** the segmental-duplication cluster (mappability < 0.5) and its background level */
  lowMapBins: number[];
  lowMapBackground: number;
  /** per sample: power-law exponent up to TAIL_START bins and beyond it */
  decay: Record<string, { short: number; tail: number }>;
  depth: Record<string, number>;
  svStart: number;
  svMultiplier: number;
}

export interface HicSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  /** latent state for tests and audits (never served) */
  latent: { params: HicParams; clean: Record<string, Int32Array>; observed: Record<string, Int32Array>; svBins: number[] };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** SV block rows s…s+3 and columns s+5…s+14 (the fixed shape of the planted rearrangement). */
export function svBlock(s: number): { rows: number[]; cols: number[] } {
  return { rows: [0, 1, 2, 3].map((k) => s + k), cols: Array.from({ length: 10 }, (_, k) => s + 5 + k) };
}

function drawParams(rng: Rng): HicParams {
  const r = rng.split('bins');
  const gc: number[] = [];
  let g = 0.45 + normal(r, 0, 0.04);
  for (let i = 0; i < N; i++) {
    g = 0.45 + 0.7 * (g - 0.45) + normal(r, 0, 0.03);
    gc.push(round(Math.min(0.62, Math.max(0.32, g)), 4));
  }
  const reSites = Array.from({ length: N }, () => 1 + poisson(r, 5));
  const mappability = Array.from({ length: N }, () => round(r.uniformRange(0.62, 1), 3));

  // Placements: SV block, then the low-mappability cluster, then two decoy loops, none touching
  // the target loop's zone or each other.
  const p = rng.split('placements');
  const used = new Uint8Array(N);
  for (let i = LOOP_ZONE[0]; i <= LOOP_ZONE[1]; i++) used[i] = 1;
  const svStart = p.integer(LOOP_ZONE[1] + 2, N - 15);
  for (let i = svStart - 1; i <= Math.min(N - 1, svStart + 15); i++) used[i] = 1;
  // Segmental duplications come in clusters: 7–10 bins within a 14-bin window outside the loop zone
  // and the SV (their partners lie elsewhere in the genome).
  const lowMapBins: number[] = [];
  const nLow = p.integer(...LOWMAP_BINS);
  for (let tries = 0; lowMapBins.length < nLow; tries++) {
    if (tries > 10_000) throw new Error('hic-loop: could not place the low-mappability cluster');
    lowMapBins.length = 0;
    const w0 = p.integer(0, N - 14);
    const free = Array.from({ length: 14 }, (_, k) => w0 + k).filter((i) => !used[i]);
    if (free.length < nLow) continue;
    for (const k of p.sampleIndices(free.length, nLow)) lowMapBins.push(free[k]);
  }
  lowMapBins.sort((x, y) => x - y);
  for (const i of lowMapBins) {
    used[i] = 1;
    mappability[i] = round(r.uniformRange(0.15, 0.45), 3);
  }
  const decoys: HicParams['decoys'] = [];
  for (let tries = 0; decoys.length < 2; tries++) {
    if (tries > 10_000) throw new Error('hic-loop: could not place the decoy loops');
    const i = p.integer(1, N - 8);
    const j = i + p.integer(6, 14);
    if (j > N - 2) continue;
    let clash = used[i] !== 0 || used[j] !== 0;
    for (const x of [i - 1, i + 1, j - 1, j + 1]) if (used[x] === 1) clash = true;
    if (clash) continue;
    for (const x of [i, j]) used[x] = 2; // decoy anchors may not be reused, halos may touch
    decoys.push({ i, j, log2: p.uniformRange(1.0, 1.8) });
  }
  // Contact domains tile the region (shared by every sample; boundaries need not match anything else).
  const domains: HicParams['domains'] = [];
  for (let first = 0; first < N; ) {
    const last = Math.min(N - 1, first + p.integer(...DOMAIN_SIZE) - 1);
    domains.push({ first, last, enrichment: p.uniformRange(...DOMAIN_ENRICHMENT) });
    first = last + 1;
  }

  const s = rng.split('samples');
  // Conditions share the short-range decay but differ in the slope beyond TAIL_START bins, by
  // GAP in the exponent, in a random direction (e.g. a cell-state change in long-range folding).
  const gap = s.uniformRange(TAIL_GAP[0], TAIL_GAP[1]) * (s.bernoulli(0.5) ? 1 : -1);
  const tailBase: Record<Condition, number> = { case: 1.05 + gap / 2, control: 1.05 - gap / 2 };
  const decay: HicParams['decay'] = {};
  const depth: Record<string, number> = {};
  for (const smp of SAMPLES) {
    decay[smp.name] = { short: 1.05 + normal(s, 0, 0.02), tail: tailBase[smp.condition] + normal(s, 0, 0.03) };
    depth[smp.name] = Math.round(s.uniformRange(600_000, 1_200_000));
  }
  return {
    gc,
    mappability,
    reSites,
    loopLog2: { case: s.uniformRange(...LOOP_LOG2), control: s.uniformRange(...LOOP_LOG2) },
    decoys,
    domains,
    lowMapBins,
    lowMapBackground: s.uniformRange(...LOWMAP_BACKGROUND),
    decay,
    depth,
    svStart,
    svMultiplier: s.uniformRange(3, 5),
  };
}

/**
 * Structure multipliers: target loop (condition-specific) and decoys, each with a ±1-bin halo at
 * 0.3 of the exponent, times the contact-domain enrichment inside each domain.
 */
export function loopMatrix(params: HicParams, condition: Condition): Float64Array {
  const L = new Float64Array(N * N).fill(1);
  const put = (i: number, j: number, log2: number) => {
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++) {
        const a = i + di, b = j + dj;
        if (a < 0 || b >= N || a >= b) continue;
        const f = 2 ** (di === 0 && dj === 0 ? log2 : 0.3 * log2);
        L[a * N + b] *= f;
        L[b * N + a] *= f;
      }
  };
  put(LOOP_ANCHORS[0], LOOP_ANCHORS[1], params.loopLog2[condition]);
  for (const d of params.decoys) put(d.i, d.j, d.log2);
  for (const dom of params.domains)
    for (let i = dom.first; i <= dom.last; i++) for (let j = dom.first; j <= dom.last; j++) if (i !== j) L[i * N + j] *= dom.enrichment;
  return L;
}

/** Per-bin coverage bias; below mappability 0.5, MAPQ filtering removes most reads (∝ mappability³). */
export function biases(params: HicParams): Float64Array {
  return Float64Array.from(params.gc, (gc, i) => {
    const m = params.mappability[i];
    return Math.sqrt(params.reSites[i] / 5) * (m < 0.5 ? m ** 3 : m) * Math.exp(2 * (gc - 0.45));
  });
}

/** Poisson draw per upper-triangle pixel (diagonal included), mirrored; adds into `out`. */
function addPoisson(rng: Rng, lambda: Float64Array, out: Int32Array): void {
  for (let i = 0; i < N; i++)
    for (let j = i; j < N; j++) {
      const l = lambda[i * N + j];
      if (l <= 0) continue;
      const k = poisson(rng, l);
      out[i * N + j] += k;
      if (j !== i) out[j * N + i] += k;
    }
}

/** 2 × 2 block sums: the 40 kb matrix from the 20 kb one. */
export function coarsen2(m: ArrayLike<number>, n: number): Int32Array {
  const h = n / 2;
  const out = new Int32Array(h * h);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[(i >> 1) * h + (j >> 1)] += m[i * n + j];
  return out;
}

/** The pipeline's answer for one replicate: mask, ICE, own expected, log2 O/E at the target. */
export function replicateLoopStrength(matrix: ArrayLike<number>, mask: ArrayLike<number>): number {
  const { balanced, valid, expected } = balanceWithExpected(matrix, N, mask);
  return log2ObsExp(balanced, N, valid, expected, LOOP_ANCHORS[0], LOOP_ANCHORS[1]);
}

export function simulateHic(seed: number, subSeed: number): HicSimulation {
  const rng = Rng.from(CASE_ID, seed, subSeed);
  const params = drawParams(rng);
  const b = biases(params);
  const loops: Record<Condition, Float64Array> = { case: loopMatrix(params, 'case'), control: loopMatrix(params, 'control') };
  const sv = svBlock(params.svStart);
  // The rearranged segment s…s+14 (the block's two arms and the bin between them) is masked whole.
  const svBins = Array.from({ length: sv.cols.at(-1)! - params.svStart + 1 }, (_, k) => params.svStart + k);
  const clean: Record<string, Int32Array> = {};
  const observed: Record<string, Int32Array> = {};
  const lambda = new Float64Array(N * N);
  let svEctopicMin = Infinity;
  for (const smp of SAMPLES) {
    const dec = params.decay[smp.name];
    const P = Float64Array.from({ length: N }, (_, d) => decayAt(d, dec));
    const L = loops[smp.condition];
    let total = 0;
    for (let i = 0; i < N; i++)
      for (let j = i; j < N; j++) {
        const v = b[i] * b[j] * P[j - i] * L[i * N + j];
        lambda[i * N + j] = v;
        total += v;
      }
    const c = params.depth[smp.name] / total;
    for (let i = 0; i < N; i++) for (let j = i; j < N; j++) lambda[i * N + j] *= c;
    const cl = new Int32Array(N * N);
    addPoisson(rng.split('clean', smp.name), lambda, cl);
    const obs = Int32Array.from(cl);
    // Artifact layers (their own streams, so the clean counts never depend on them).
    const ar = rng.split('artifacts', smp.name);
    // Multimapping pairs that survive MAPQ filtering are placed arbitrarily: a flat background on
    // the cluster's rows, 2–4× what the (depleted) row itself has at the loop distance.
    const level = params.lowMapBackground * c * P[LOOP_DIST] * Math.exp(normal(ar, 0, 0.1));
    for (const i of params.lowMapBins)
      for (let j = 0; j < N; j++) {
        if (j === i || (params.lowMapBins.includes(j) && j < i)) continue;
        const n = poisson(ar, level * b[i]);
        obs[i * N + j] += n;
        obs[j * N + i] += n;
      }
    if (smp.condition === 'case') {
      const mult = params.svMultiplier * Math.exp(normal(ar, 0, 0.05));
      let expectedEctopic = 0;
      for (const i of sv.rows) for (const j of sv.cols) expectedEctopic += mult * c * b[i] * b[j] * P[j - i];
      svEctopicMin = Math.min(svEctopicMin, expectedEctopic);
      for (const i of sv.rows)
        for (const j of sv.cols) {
          const n = poisson(ar, mult * c * b[i] * b[j] * P[j - i]);
          obs[i * N + j] += n;
          obs[j * N + i] += n;
        }
    }
    clean[smp.name] = cl;
    observed[smp.name] = obs;
  }

  // Truth: the canonical pipeline on the clean matrices (SV bins masked in every sample).
  const mask = Uint8Array.from(params.mappability, (m) => (m >= MAPPABILITY_MIN ? 1 : 0));
  for (const i of svBins) mask[i] = 0;
  const per: Record<Condition, number[]> = { case: [], control: [] };
  for (const smp of SAMPLES) per[smp.condition].push(replicateLoopStrength(clean[smp.name], mask));
  const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const caseStrength = avg(per.case);
  const controlStrength = avg(per.control);
  const truth: Truth = {
    case_loop_strength: caseStrength,
    control_loop_strength: controlStrength,
    delta_loop_strength: caseStrength - controlStrength,
  };

  const files = writeFiles(params, observed);
  const meta = {
    bins20kb: N,
    bins40kb: N / 2,
    region: `${CHROM}:${REGION_START}-${REGION_START + N * BIN_20KB}`,
    depth: params.depth,
    /** expected ectopic SV contacts in the weaker case replicate (the serving rule's power check) */
    svEctopicMin,
  };
  return { files, truth, meta, latent: { params, clean, observed, svBins } };
}

function writeFiles(params: HicParams, observed: Record<string, Int32Array>): CaseFile[] {
  const rows20 = params.gc.map((gc, i) => [i, CHROM, REGION_START + i * BIN_20KB, REGION_START + (i + 1) * BIN_20KB, gc, params.mappability[i], params.reSites[i]]);
  const rows40 = Array.from({ length: N / 2 }, (_, k) => {
    const [a, b] = [2 * k, 2 * k + 1];
    return [
      k,
      CHROM,
      REGION_START + k * 2 * BIN_20KB,
      REGION_START + (k + 1) * 2 * BIN_20KB,
      round((params.gc[a] + params.gc[b]) / 2, 4),
      round((params.mappability[a] + params.mappability[b]) / 2, 4),
      params.reSites[a] + params.reSites[b],
    ];
  });
  const header = ['bin_id', 'chrom', 'start', 'end', 'gc_content', 'mappability', 're_sites'];
  const m20: Record<string, ReturnType<typeof npyArray>> = {};
  const m40: Record<string, ReturnType<typeof npyArray>> = {};
  for (const smp of SAMPLES) {
    m20[smp.name] = npyArray('int32', observed[smp.name], [N, N]);
    m40[smp.name] = npyArray('int32', coarsen2(observed[smp.name], N), [N / 2, N / 2]);
  }
  m20.bin_id = npyArray('int32', Array.from({ length: N }, (_, i) => i));
  m40.bin_id = npyArray('int32', Array.from({ length: N / 2 }, (_, i) => i));
  const sampleRows = SAMPLES.map((smp) => {
    const m = observed[smp.name];
    let total = 0;
    for (let i = 0; i < N; i++) for (let j = i; j < N; j++) total += m[i * N + j];
    return [smp.name, smp.condition, smp.replicate, total];
  });
  return [
    { path: FILES.bins20, data: gzip(writeTsv(header, rows20)) },
    { path: FILES.bins40, data: gzip(writeTsv(header, rows40)) },
    { path: FILES.contacts20, data: writeNpz(m20, { compress: true }) },
    { path: FILES.contacts40, data: writeNpz(m40, { compress: true }) },
    { path: FILES.samples, data: gzip(writeTsv(['sample', 'condition', 'replicate', 'total_contacts'], sampleRows)) },
  ];
}
