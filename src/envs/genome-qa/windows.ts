// Random reference windows for sequence questions (GC content, base counts, motifs, bases).
// A window is drawn on a chromosome with at least `minChromLength` readable bases, with a
// length in [minLength, maxLength], and must be all A/C/G/T: one holding an N (an assembly
// gap) or another symbol is rejected, and the generator retries with its next attempt seed.
// The draws (chromosome, length, start) are always made in this order, so a seed gives the
// same window whatever the domain. A Select transcript's span is the other window kind the
// sequence questions use, under the same all-A/C/G/T rule.

import type { Gene, Transcript } from '../../genome/types.js';
import type { GenContext, SeqChrom } from './context.js';
import type { Rng } from './rng.js';
import { isAcgt } from './seq.js';

const MAX_OWNER_DRAWS = 100_000;

export interface WindowSpec {
  /** chromosomes shorter than this (readable bases) are never drawn */
  minChromLength: number;
  /** window length bounds, inclusive */
  minLength: number;
  maxLength: number;
}

export interface SequenceWindow {
  chrom: string;
  /** 0-based, half-open */
  start: number;
  end: number;
  length: number;
  /** uppercase forward-strand bases, A/C/G/T only */
  seq: string;
}

/** The chromosomes a window of this spec may be drawn on. */
export function windowChroms(ctx: GenContext, spec: WindowSpec): SeqChrom[] {
  return ctx.seqChroms().filter((c) => c.length >= spec.minChromLength);
}

/** Whether the assembly has any chromosome to draw such a window on (DomainKind.supports). */
export function canSampleWindow(ctx: GenContext, spec: WindowSpec): boolean {
  return ctx.seqChroms().some((c) => c.length >= spec.minChromLength);
}

/** A random window, or null when the drawn one is not pure A/C/G/T (the caller retries). */
export async function sampleWindow(ctx: GenContext, rng: Rng, spec: WindowSpec): Promise<SequenceWindow | null> {
  if (spec.minLength < 1 || spec.maxLength < spec.minLength || spec.maxLength > spec.minChromLength) {
    throw new Error(`bad window spec ${JSON.stringify(spec)}: need 1 <= minLength <= maxLength <= minChromLength`);
  }
  let c: SeqChrom;
  let length: number;
  let start: number;
  // on a large split only loci this block owns are drawn (cheap draws, no reads)
  for (let draws = 0; ; draws++) {
    c = rng.pick(windowChroms(ctx, spec));
    length = rng.int(spec.minLength, spec.maxLength);
    start = rng.int(0, c.length - length);
    if (!rng.owns || rng.owns(`${c.chrom}:${start + 1}-${start + length}`)) break;
    if (draws > MAX_OWNER_DRAWS) return null;
  }
  const end = start + length;
  const seq = await ctx.readUpper(c.chrom, start, end);
  if (!isAcgt(seq)) return null;
  return { chrom: c.chrom, start, end, length, seq };
}

/**
 * A random gene of ctx.readableSelectGenes() with the bases of its Select transcript's whole
 * span (introns included, forward strand), or null when the span is longer than `maxLength`,
 * shorter than `minLength` or not pure A/C/G/T (the caller retries).
 */
export async function sampleSelectSpan(ctx: GenContext, rng: Rng, maxLength: number, minLength = 1): Promise<{ gene: Gene & { select: Transcript }; seq: string } | null> {
  // on a large split only genes whose span this block owns are drawn (listed once per block)
  const owns = rng.owns;
  const pool = owns
    ? ctx.memo(`ownedSelect:${rng.ownerTag}`, () => ctx.readableSelectGenes().filter((g) => owns(`${g.chrom}:${g.select.txStart + 1}-${g.select.txEnd}`)))
    : ctx.readableSelectGenes();
  if (pool.length === 0) return null;
  const gene = rng.pick(pool);
  const tx = gene.select;
  if (tx.txEnd - tx.txStart > maxLength || tx.txEnd - tx.txStart < minLength) return null;
  const seq = await ctx.readUpper(tx.chrom, tx.txStart, tx.txEnd);
  return isAcgt(seq) ? { gene, seq } : null;
}
