// sequence_motif: restriction-site counts. Only non-degenerate palindromic sites without a
// self-border are used, so one-strand counting, both-strand counting, overlapping and
// non-overlapping search all give the same number.
//
// A question only pairs a region with an enzyme expected to cut it at least MIN_EXPECTED times:
// a 6-bp site in a few-kb window is found 0-3 times, so the commonest count was right on 9-14%
// of questions without reading any sequence (npm run bench:genome-qa -- --baselines).

import { countSite, hasSelfBorder, isPalindromic, region1 } from '../seq.js';
import type { Domain, DomainKind, Draft } from '../types.js';
import type { GenContext } from '../context.js';
import type { Rng } from '../rng.js';
import { canSampleWindow, sampleSelectSpan, sampleWindow, type WindowSpec } from '../windows.js';
import { answerFormat, COORDS_1BASED, selectDef, selectTx, template } from './common.js';

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

const WINDOW: WindowSpec = { minChromLength: 50_000, minLength: 6000, maxLength: 30_000 };
const MIN_EXPECTED = 20;

/** Sites expected per base in a human-like genome: 4^-k, and a fifth for each CpG in the site (CpG is ~5-fold depleted). */
export function expectedSitesPerBase(site: string): number {
  const cpg = site.split('CG').length - 1;
  return 4 ** -site.length * 0.2 ** cpg;
}

/** Enzymes expected to cut a region of this length at least MIN_EXPECTED times. */
export function enzymesFor(length: number): string[] {
  return Object.keys(ENZYMES).filter((e) => length * expectedSitesPerBase(ENZYMES[e]) >= MIN_EXPECTED);
}
const MAX_SPAN = 2_000_000;
const FMT = answerFormat({ motif_count: '<integer>' });
const CASE = 'Match case-insensitively (soft-masked lowercase bases count); N matches nothing.';

function siteText(enzyme: string): string {
  const site = ENZYMES[enzyme];
  return `${enzyme} recognition sites (${site}; the site is palindromic, so scanning the forward strand counts each site exactly once, and two sites cannot overlap)`;
}

function draft(kind: string, q: string, seq: string | number, enzyme: string, source: Draft['source'], key: string): Draft {
  return {
    kind,
    question: q,
    answer: { motif_count: String(typeof seq === 'number' ? seq : countSite(seq, ENZYMES[enzyme])) },
    fields: [{ key: 'motif_count', type: 'exact', unit: 'count' }],
    source: { ...source, enzyme, site: ENZYMES[enzyme] },
    key: `${key}|${enzyme}`,
  };
}

function questionFor(rng: Rng, ctx: GenContext, where: string, enzyme: string, defs = ''): string {
  const pre = defs ? `${defs} ` : '';
  return template(rng, [
    () => `How many ${siteText(enzyme)} occur in ${where} in ${ctx.label}? ${pre}Count a site only if it lies entirely inside the region. ${CASE} ${FMT}`,
    () => `Count the ${siteText(enzyme)} found within ${where} in ${ctx.label}. ${pre}Sites must fall completely inside. ${CASE} ${FMT}`,
  ]);
}

const windowKind: DomainKind = {
  name: 'window',
  supports: (ctx) => canSampleWindow(ctx, WINDOW),
  async generate(ctx, rng) {
    const w = await sampleWindow(ctx, rng, WINDOW);
    if (!w) return null;
    const options = enzymesFor(w.length);
    if (options.length === 0) return null;
    const enzyme = rng.pick(options);
    const where = `the region ${region1(w.chrom, w.start, w.end)} (${w.length} bp)`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme, COORDS_1BASED), w.seq, enzyme, { chrom: w.chrom, start: w.start + 1, end: w.end }, `${this.name}|${w.chrom}:${w.start}-${w.end}`);
  },
};

const geneSpan: DomainKind = {
  name: 'select_transcript_span',
  supports: (ctx) => ctx.readableSelectGenes().length > 0,
  async generate(ctx, rng) {
    const span = await sampleSelectSpan(ctx, rng, MAX_SPAN);
    if (!span) return null;
    const { gene: g, seq } = span;
    const tx = g.select;
    const options = enzymesFor(seq.length);
    if (options.length === 0) return null;
    const enzyme = rng.pick(options);
    const where = `the genomic span of ${selectTx(tx.name, g.symbol)}, first to last base with introns included,`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme, selectDef(tx.name)), seq, enzyme, { gene: g.symbol, transcript: tx.name, chrom: tx.chrom, start: tx.txStart + 1, end: tx.txEnd }, `${this.name}|${tx.name}`);
  },
};

const wholeChrom: DomainKind = {
  name: 'whole_chromosome',
  supports: (ctx) => ctx.completeChroms(MAX_SPAN).length > 0,
  async generate(ctx, rng) {
    const c = rng.pick(ctx.completeChroms(MAX_SPAN));
    const options = enzymesFor(c.length);
    if (options.length === 0) return null;
    const enzyme = rng.pick(options);
    const count = (await ctx.wholeSiteCounts(c.chrom, ENZYMES))[enzyme];
    const where = `the complete sequence of ${c.chrom}`;
    return draft(this.name, questionFor(rng, ctx, where, enzyme), count, enzyme, { chrom: c.chrom, start: 1, end: c.length }, `${this.name}|${c.chrom}`);
  },
};

export const sequenceMotif: Domain = { name: 'sequence_motif', kinds: [windowKind, geneSpan, wholeChrom] };
