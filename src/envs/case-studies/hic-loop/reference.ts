// Reference analysis of case 7 and the configurable pipeline the naive analyses reuse:
// mask low-mappability bins (bin table) and the case-only SV bins (detected from the data),
// ICE-balance each replicate, take each replicate's own distance-decay expected, read log2 O/E
// at the 20 kb pixel (8, 17) and average over replicates.

import type { Answer } from '../types.js';
import { loadHic, rowOfBin, type HicData } from './io.js';
import { FILES, LOOP_ANCHORS, MAPPABILITY_MIN, SAMPLES, type Condition, type SampleName } from './layout.js';
import { balanceWithExpected, distanceExpected, log2ObsExp, meanExpected, obsExpMatrix, type Balancer, type ExpectedStat } from './pipeline.js';
import { numberColumn } from '../framework/tsv.js';
import { readTable } from '../framework/files.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface PipelineOptions {
  resolution: '20kb' | '40kb';
  maskMappability: boolean;
  maskSv: boolean;
  /** mask the detected SV segment in every sample (reference) or in the case samples only */
  svMaskScope: 'all' | 'case-only';
  /** 'replicate': each replicate's own curve; 'pooled': one curve averaged over all four samples */
  expected: 'replicate' | 'pooled';
  /** expected(d) as the mean (reference, the stated estimand) or the median over pixels at distance d */
  expectedStat: ExpectedStat;
  balancer: Balancer;
  /**
   * How replicates are combined: 'log-mean' (reference: mean of per-replicate log2 O/E) or 'apa'
   * (aggregate the replicates' O/E at the pixel, then log2).
   */
  combine: 'log-mean' | 'apa';
}

export const REFERENCE_OPTIONS: PipelineOptions = {
  resolution: '20kb',
  maskMappability: true,
  maskSv: true,
  svMaskScope: 'all',
  expected: 'replicate',
  expectedStat: 'mean',
  balancer: 'ice',
  combine: 'log-mean',
};

/** SV scan window: the ectopic block sits at short range, where counts are high enough to compare. */
const SV_SCAN_DIST: [number, number] = [2, 20];
/** A pixel is ectopic when its scaled count is > 2× the control mean in both case replicates. */
const SV_LOG2_RATIO = 1;
/** A bin is an SV bin when at least this many of its pixels are ectopic. */
const SV_MIN_PIXELS = 3;
/** Unflagged runs of at most this many bins inside the SV are masked with it (the block skips a bin). */
const SV_MAX_GAP = 2;

/**
 * Bins carrying case-only ectopic contacts. Bin biases are shared by all samples, so a pixel's
 * case/control ratio of raw counts, each scaled by its own sample's median count at that distance
 * (which absorbs depth and decay differences; a mean would be inflated by the block itself), is ~1 except where contacts were added. A pixel
 * is ectopic when that log2 ratio exceeds 1 against the control mean in both case replicates
 * (within 2–20 bins of the diagonal, where counts are high); bins with ≥ 3 such pixels, and the
 * short gaps between them, are the SV segment.
 */
export function detectSvBins(data: HicData, mask: Uint8Array): number[] {
  const { n } = data;
  const scaled = {} as Record<SampleName, Float64Array>;
  const everyBin = new Uint8Array(n).fill(1);
  for (const s of SAMPLES) {
    const m = data.matrices[s.name];
    scaled[s.name] = obsExpMatrix(m, n, everyBin, distanceExpected(m, n, mask, 0, 'median'));
  }
  const cases = SAMPLES.filter((s) => data.conditionOf[s.name] === 'case').map((s) => scaled[s.name]);
  const controls = SAMPLES.filter((s) => data.conditionOf[s.name] === 'control').map((s) => scaled[s.name]);
  const hits = new Int32Array(n);
  const eps = 0.05; // keeps near-empty pixels from producing huge ratios
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    for (let j = i + SV_SCAN_DIST[0]; j <= Math.min(n - 1, i + SV_SCAN_DIST[1]); j++) {
      if (!mask[j]) continue;
      const k = i * n + j;
      let ctrl = 0;
      for (const c of controls) ctrl += c[k];
      ctrl /= controls.length;
      if (!Number.isFinite(ctrl)) continue;
      if (cases.every((c) => Math.log2((c[k] + eps) / (ctrl + eps)) > SV_LOG2_RATIO)) {
        hits[i]++;
        hits[j]++;
      }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (hits[i] >= SV_MIN_PIXELS) out.push(i);
  return fillGaps(out, SV_MAX_GAP);
}

/** The rearranged segment is contiguous: close gaps of up to `maxGap` bins between flagged bins. */
export function fillGaps(bins: number[], maxGap: number): number[] {
  const out: number[] = [];
  for (const b of bins) {
    const last = out.at(-1);
    if (last !== undefined && b - last - 1 <= maxGap) for (let k = last + 1; k < b; k++) out.push(k);
    out.push(b);
  }
  return out;
}

/** Matrix rows of the asked-about pixel at this resolution (the 40 kb bins containing 20 kb bins 8 and 17). */
function loopRows(files: Files, data: HicData, resolution: PipelineOptions['resolution']): [number, number] {
  if (resolution === '20kb') return [rowOfBin(data.bins, LOOP_ANCHORS[0]), rowOfBin(data.bins, LOOP_ANCHORS[1])];
  const bins20 = readTable(files, FILES.bins20);
  const ids = numberColumn(bins20, 'bin_id');
  const starts = numberColumn(bins20, 'start');
  const containing = (id: number) => {
    const st = starts[ids.indexOf(id)];
    for (let r = 0; r < data.n; r++) if (data.bins.start[r] <= st && (r + 1 === data.n || data.bins.start[r + 1] > st)) return r;
    throw new Error(`no 40 kb bin contains 20 kb bin ${id}`);
  };
  return [containing(LOOP_ANCHORS[0]), containing(LOOP_ANCHORS[1])];
}

export function loopStrengths(files: Files, opts: PipelineOptions): Answer {
  const data = loadHic(files, opts.resolution);
  const { n } = data;
  const mapMask = new Uint8Array(n).fill(1);
  if (opts.maskMappability) for (let i = 0; i < n; i++) if (!(data.bins.mappability[i] >= MAPPABILITY_MIN)) mapMask[i] = 0;
  const fullMask = Uint8Array.from(mapMask);
  if (opts.maskSv) for (const i of detectSvBins(data, mapMask)) fullMask[i] = 0;
  const maskOf = (c: Condition) => (opts.svMaskScope === 'all' || c === 'case' ? fullMask : mapMask);
  const [a, b] = loopRows(files, data, opts.resolution);
  const fits = SAMPLES.map((s) => ({ sample: s, ...balanceWithExpected(data.matrices[s.name], n, maskOf(data.conditionOf[s.name]), { balancer: opts.balancer, stat: opts.expectedStat }) }));
  const pooled = meanExpected(fits.map((f) => f.expected));
  const per: Record<Condition, number[]> = { case: [], control: [] };
  for (const f of fits) {
    const expected = opts.expected === 'pooled' ? pooled : f.expected;
    per[data.conditionOf[f.sample.name]].push(log2ObsExp(f.balanced, n, f.valid, expected, a, b));
  }
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const combine = (xs: number[]) => (opts.combine === 'apa' ? Math.log2(avg(xs.map((x) => 2 ** x))) : avg(xs));
  const strength = { case: combine(per.case), control: combine(per.control) };
  return { case_loop_strength: strength.case, control_loop_strength: strength.control, delta_loop_strength: strength.case - strength.control };
}

export function referenceHic(files: Files): Answer {
  return loopStrengths(files, REFERENCE_OPTIONS);
}
