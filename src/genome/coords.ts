// The one place that converts between human 1-based inclusive text ("chr8:127,736,231-127,742,951",
// "chr1:2300000") and the internal UCSC model: 0-based, half-open [start, end).

import { CoordinateError, type Interval } from './types.js';

/** digits, optionally grouped by commas in threes (1,234,567); no signs, no decimals */
const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)$/;

function parseNumber(text: string, what: string, whole: string): number {
  if (!NUMBER.test(text)) {
    throw new CoordinateError(`bad ${what} "${text}" in "${whole}": expected a whole number like 2300000 or 2,300,000`);
  }
  const n = Number(text.replaceAll(',', ''));
  if (!Number.isSafeInteger(n)) throw new CoordinateError(`${what} out of range in "${whole}"`);
  return n;
}

/**
 * Parses "chr:start-end" or "chr:pos" (1-based, inclusive; commas allowed as thousands
 * separators) into a 0-based half-open interval. A single position becomes a 1 bp interval.
 * The chromosome is everything before the last ':' (contig names may contain ':').
 */
export function parseRegion(text: string): Interval {
  const whole = text.trim();
  const colon = whole.lastIndexOf(':');
  if (colon <= 0) throw new CoordinateError(`bad region "${text}": expected chrom:start-end or chrom:pos (1-based)`);
  const chrom = whole.slice(0, colon);
  if (/\s/.test(chrom)) throw new CoordinateError(`bad chromosome name "${chrom}" in "${text}"`);
  const range = whole.slice(colon + 1);
  const dash = range.indexOf('-');
  const start1 = parseNumber(dash < 0 ? range : range.slice(0, dash), 'start', text);
  const end1 = dash < 0 ? start1 : parseNumber(range.slice(dash + 1), 'end', text);
  if (start1 < 1) throw new CoordinateError(`start must be >= 1 in "${text}" (coordinates are 1-based)`);
  if (end1 < start1) throw new CoordinateError(`end ${end1} is before start ${start1} in "${text}"`);
  return { chrom, start: start1 - 1, end: end1 };
}

/** "chr1:2300000" -> { chrom, pos0: 2299999 }; rejects ranges. */
export function parsePosition(text: string): { chrom: string; pos0: number } {
  if (text.slice(text.lastIndexOf(':') + 1).includes('-')) {
    throw new CoordinateError(`expected a single position like chr1:2300000, got the range "${text}"`);
  }
  const { chrom, start } = parseRegion(text);
  return { chrom, pos0: start };
}

/** 1-based inclusive [start1, end1] -> 0-based half-open. */
export function fromOneBased(start1: number, end1: number): { start: number; end: number } {
  if (!Number.isSafeInteger(start1) || !Number.isSafeInteger(end1) || start1 < 1 || end1 < start1) {
    throw new CoordinateError(`bad 1-based range ${start1}-${end1}`);
  }
  return { start: start1 - 1, end: end1 };
}

/** 0-based half-open -> 1-based inclusive. An empty interval has end1 = start1 - 1. */
export function toOneBased(start: number, end: number): { start1: number; end1: number } {
  checkRange(start, end);
  return { start1: start + 1, end1: end };
}

function withCommas(n: number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Formats an interval as 1-based text ("chr8:127,736,231-127,742,951"); commas on by default. */
export function formatRegion(iv: Interval, opts: { commas?: boolean } = {}): string {
  const { start1, end1 } = toOneBased(iv.start, iv.end);
  const f = opts.commas === false ? String : withCommas;
  return `${iv.chrom}:${f(start1)}-${f(end1)}`;
}

/** Formats a 0-based position as 1-based text ("chr1:2,300,000"). */
export function formatPosition(chrom: string, pos0: number, opts: { commas?: boolean } = {}): string {
  if (!Number.isSafeInteger(pos0) || pos0 < 0) throw new CoordinateError(`bad position ${pos0}`);
  return `${chrom}:${opts.commas === false ? String(pos0 + 1) : withCommas(pos0 + 1)}`;
}

/** Throws unless 0 <= start <= end are integers (and end <= size when a size is given). */
export function checkRange(start: number, end: number, size?: number, chrom = ''): void {
  const where = chrom ? ` on ${chrom}` : '';
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
    throw new CoordinateError(`coordinates must be integers, got [${start}, ${end})${where}`);
  }
  if (start < 0 || end < start) throw new CoordinateError(`bad interval [${start}, ${end})${where} (0-based half-open)`);
  if (size !== undefined && end > size) {
    throw new CoordinateError(`interval [${start}, ${end})${where} runs past the end of the sequence (${size} bp)`);
  }
}
