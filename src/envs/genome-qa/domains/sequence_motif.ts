// sequence_motif: restriction-site counts. Only non-degenerate palindromic sites without a
// self-border are used, so one-strand counting, both-strand counting, overlapping and
// non-overlapping search all give the same number.

import { countSite, hasSelfBorder, isPalindromic, region1 } from '../seq.js';
import type { Domain, DomainKind, Draft } from '../types.js';
import type { GenContext } from '../context.js';
import type { Rng } from '../rng.js';
import { answerFormat, COORDS_1BASED, SELECT_TX, template } from './common.js';

const CANDIDATES: Record<string, string> = {
  EcoRI: 'GAATTC',
  BamHI: 'GGATCC',
  HindIII: 'AAGCTT',
  XhoI: 'CTCGAG',
  PstI: 'CTGCAG',
  SmaI: 'CCCGGG',
  KpnI: 'GGTACC',
  SacI: 'GAGCTC',
  EcoRV: 'GATATC',
  TaqI: 'TCGA',
  AluI: 'AGCT',
  MspI: 'CCGG',
  HaeIII: 'GGCC',
  NotI: 'GCGGCCGC', // dropped below: GC...GC can overlap itself
  HhaI: 'GCGC', // dropped below
};

/** The enzymes questions may use (palindromic, no self-overlap). */
export const ENZYMES: Record<string, string> = Object.fromEntries(
  Object.entries(CANDIDATES).filter(([, site]) => isPalindromic(site) && !hasSelfBorder(site)),
);

const FMT = answerFormat({ motif_count: '<integer>' });
const CASE = 'Match case-insensitively (soft-masked lowercase bases count); N matches nothing.';

function siteText(enzyme: string): string {
  const site = ENZYMES[enzyme];
  return `${enzyme} recognition sites (${site}; the site is palindromic, so scanning the forward strand counts each site exactly once, and two sites cannot overlap)`;
}

function draft(kind: string, q: string, seq: string, enzyme: string, source: Draft['source'], key: string): Draft {
  return {
    kind,
    question: q,
    answer: { motif_count: String(countSite(seq, ENZYMES[enzyme])) },
    fields: [{ key: 'motif_count', type: 'exact' }],
    source: { ...source, enzyme, site: ENZYMES[enzyme] },
    key: `${key}|${enzyme}`,
  };
}

function questionFor(rng: Rng, ctx: GenContext, where: string, enzyme: string): string {
  return template(rng, [
    () => `How many ${siteText(enzyme)} occur in ${where} of ${ctx.label}? Count a site only if it lies entirely inside the region. ${CASE} ${FMT}`,
    () => `Count the ${siteText(enzyme)} found within ${where} (${ctx.label}); sites must fall completely inside. ${CASE} ${FMT}`,
  ]);
}

const windowKind: DomainKind = {
  name: 'window',
  supports: (ctx) => ctx.seqChroms().some((c) => c.length >= 50_000),
  async generate(ctx, rng) {
    const c = rng.pick(ctx.seqChroms().filter((s) => s.length >= 50_000));
    const len = rng.int(2000, 20_000);
    const start = rng.int(0, c.length - len);
    const seq = await ctx.readUpper(c.chrom, start, start + len);
    if (!/^[ACGT]+$/.test(seq)) return null;
    const enzyme = rng.pick(Object.keys(ENZYMES));
    const where = `the region ${region1(c.chrom, start, start + len)} (${len} bp; ${COORDS_1BASED.toLowerCase().replace(/\.$/, '')})`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme), seq, enzyme, { chrom: c.chrom, start: start + 1, end: start + len }, `${this.name}|${c.chrom}:${start}-${start + len}`);
  },
};

const geneSpan: DomainKind = {
  name: 'select_transcript_span',
  supports: (ctx) => ctx.selectGenes().some((g) => ctx.readable(g.chrom, g.select.txStart, g.select.txEnd)),
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes().filter((x) => ctx.readable(x.chrom, x.select.txStart, x.select.txEnd)));
    const tx = g.select;
    if (tx.txEnd - tx.txStart > 2_000_000) return null;
    const seq = await ctx.readUpper(tx.chrom, tx.txStart, tx.txEnd);
    if (!/^[ACGT]+$/.test(seq)) return null;
    const enzyme = rng.pick(Object.keys(ENZYMES));
    const where = `the genomic span (first to last base, introns included) of ${SELECT_TX}, ${tx.name}, of gene ${g.symbol}`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme), seq, enzyme, { gene: g.symbol, transcript: tx.name, chrom: tx.chrom, start: tx.txStart + 1, end: tx.txEnd }, `${this.name}|${tx.name}`);
  },
};

const wholeChrom: DomainKind = {
  name: 'whole_chromosome',
  supports: (ctx) => ctx.seqChroms().some((c) => c.complete && c.length <= 2_000_000),
  async generate(ctx, rng) {
    const c = rng.pick(ctx.seqChroms().filter((s) => s.complete && s.length <= 2_000_000));
    const seq = await ctx.readUpper(c.chrom, 0, c.length);
    const enzyme = rng.pick(Object.keys(ENZYMES));
    const where = `the complete sequence of ${c.chrom}`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme), seq, enzyme, { chrom: c.chrom, start: 1, end: c.length }, `${this.name}|${c.chrom}`);
  },
};

export const sequenceMotif: Domain = { name: 'sequence_motif', kinds: [windowKind, geneSpan, wholeChrom] };
