// Spreading numeric answers over their range. Some quantities cluster tightly in a genome (GC of
// kilobase windows around the average, intronic % of transcripts in the 90s), so a fixed guess
// near the cluster would often land inside the tolerance. A question then picks, among a few
// candidates, the one whose value is nearest a target drawn uniformly over [low, high]: the
// asked-about values spread over the range without any candidate being rejected.

import type { Rng } from './rng.js';

export interface SpreadOptions {
  low: number;
  high: number;
  /** candidates drawn per question */
  candidates: number;
}

/** The drawn candidate whose value is nearest a uniform target, or null when every draw failed. */
export async function nearestToTarget<T>(rng: Rng, opts: SpreadOptions, draw: () => Promise<T | null> | T | null, valueOf: (x: T) => number): Promise<{ item: T; value: number } | null> {
  const target = opts.low + (opts.high - opts.low) * rng.next();
  let best: { item: T; value: number } | null = null;
  for (let i = 0; i < opts.candidates; i++) {
    const item = await draw();
    if (item === null) continue;
    const value = valueOf(item);
    if (!Number.isFinite(value)) continue;
    if (best === null || Math.abs(value - target) < Math.abs(best.value - target)) best = { item, value };
  }
  return best;
}
