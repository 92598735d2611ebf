// Small sequence and formatting helpers used by the domain generators (and the solver).

import { formatRegion } from '../../genome/coords.js';
import { reverseComplement } from '../../genome/revcomp.js';

export { reverseComplement };

export interface Composition {
  A: number;
  C: number;
  G: number;
  T: number;
  N: number;
  other: number;
}

export function composition(seq: string): Composition {
  const c: Composition = { A: 0, C: 0, G: 0, T: 0, N: 0, other: 0 };
  for (let i = 0; i < seq.length; i++) {
    const b = seq.charCodeAt(i) & 0xdf; // uppercase
    if (b === 65) c.A++;
    else if (b === 67) c.C++;
    else if (b === 71) c.G++;
    else if (b === 84) c.T++;
    else if (b === 78) c.N++;
    else c.other++;
  }
  return c;
}

/** Only A, C, G and T (uppercase), and at least one base: no N gap, no other symbol. */
export function isAcgt(seq: string): boolean {
  return /^[ACGT]+$/.test(seq);
}

/** (G+C)/(A+C+G+T): N and other symbols are in neither numerator nor denominator. */
export function gcFraction(c: Composition): number {
  const acgt = c.A + c.C + c.G + c.T;
  return acgt === 0 ? NaN : (c.G + c.C) / acgt;
}

/** Start positions where `site` occurs in uppercase `seq`, stepping by one (overlaps allowed). */
export function countSite(seq: string, site: string): number {
  let n = 0;
  for (let i = seq.indexOf(site); i !== -1; i = seq.indexOf(site, i + 1)) n++;
  return n;
}

export function isPalindromic(site: string): boolean {
  return reverseComplement(site) === site;
}

/** True when a proper prefix equals a suffix, so two sites could overlap (GCGC in GCGCGC). */
export function hasSelfBorder(site: string): boolean {
  for (let k = 1; k < site.length; k++) if (site.slice(0, k) === site.slice(site.length - k)) return true;
  return false;
}

/** 1234567 -> "1,234,567" */
export function commas(n: number): string {
  return Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0-based half-open -> "chr2:1,001-1,100" (1-based inclusive, UCSC style) */
export function region1(chrom: string, start0: number, end0: number): string {
  return formatRegion({ chrom, start: start0, end: end0 });
}

/** Exon lengths of a transcript in transcript order (5'->3'), whatever the strand. */
export function exonLengthsTxOrder(tx: { strand: string; exonStarts: number[]; exonEnds: number[] }): number[] {
  const lens = tx.exonStarts.map((s, i) => tx.exonEnds[i] - s);
  return tx.strand === '-' ? lens.reverse() : lens;
}

/** Exons as [start0, end0) in transcript order. */
export function exonsTxOrder(tx: { strand: string; exonStarts: number[]; exonEnds: number[] }): [number, number][] {
  const ex = tx.exonStarts.map((s, i) => [s, tx.exonEnds[i]] as [number, number]);
  return tx.strand === '-' ? ex.reverse() : ex;
}

export function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

/** "chr17" -> "17" (band labels read "17p13.1") */
export function chromNumber(chrom: string): string {
  return chrom.replace(/^chr/, '');
}
