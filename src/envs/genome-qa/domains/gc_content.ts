// gc_content: (G+C)/(A+C+G+T) of a window, a Select transcript span or a small whole
// chromosome; numeric, 2 decimals, tolerance 0.02. Windows and spans must be N-free; a whole
// chromosome may hold a few N (< 0.5%) because the question excludes N from the denominator.

import { composition, gcFraction, region1 } from '../seq.js';
import type { Domain, DomainKind, Draft } from '../types.js';
import { answerFormat, COORDS_1BASED, SELECT_TX, template } from './common.js';

export const GC_TOLERANCE = 0.02;
const FMT = answerFormat({ gc_content: '<fraction between 0 and 1, 2 decimals>' });
const DEF = 'GC content = (G + C) / (A + C + G + T), counting upper- and lowercase (soft-masked) bases alike.';
const MAX_SPAN = 2_000_000;

function draft(kind: string, question: string, gc: number, source: Draft['source'], key: string): Draft {
  return {
    kind,
    question,
    answer: { gc_content: gc.toFixed(2) },
    fields: [{ key: 'gc_content', type: 'numeric', tolerance: GC_TOLERANCE }],
    source,
    key,
  };
}

const windowKind: DomainKind = {
  name: 'window',
  supports: (ctx) => ctx.seqChroms().some((c) => c.length >= 10_000),
  async generate(ctx, rng) {
    const c = rng.pick(ctx.seqChroms().filter((s) => s.length >= 10_000));
    const len = rng.int(200, 5000);
    const start = rng.int(0, c.length - len);
    const seq = await ctx.readUpper(c.chrom, start, start + len);
    if (!/^[ACGT]+$/.test(seq)) return null;
    const r = region1(c.chrom, start, start + len);
    const q = template(rng, [
      () => `What is the GC content of ${r} (${len} bp, forward strand) in ${ctx.label}? ${COORDS_1BASED} ${DEF} ${FMT}`,
      () => `Compute the fraction of G and C bases in the ${len}-bp region ${r} of ${ctx.label}. ${DEF} ${COORDS_1BASED} ${FMT}`,
    ]);
    return draft(this.name, q, gcFraction(composition(seq)), { chrom: c.chrom, start: start + 1, end: start + len }, `${this.name}|${c.chrom}:${start}-${start + len}`);
  },
};

const geneSpan: DomainKind = {
  name: 'select_transcript_span',
  supports: (ctx) => ctx.selectGenes().some((g) => ctx.readable(g.chrom, g.select.txStart, g.select.txEnd)),
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes().filter((x) => ctx.readable(x.chrom, x.select.txStart, x.select.txEnd)));
    const tx = g.select;
    if (tx.txEnd - tx.txStart > MAX_SPAN) return null;
    const seq = await ctx.readUpper(tx.chrom, tx.txStart, tx.txEnd);
    const comp = composition(seq);
    if (comp.N > 0 || comp.other > 0) return null;
    const q = template(rng, [
      () =>
        `What is the GC content of the genomic span of gene ${g.symbol} in ${ctx.label}, taking the span of ${SELECT_TX} (${tx.name}) ` +
        `from its first to its last base, introns included, on the forward strand? ${DEF} ${FMT}`,
      () =>
        `Consider ${SELECT_TX} of gene ${g.symbol} (${tx.name}) in ${ctx.label}. Over the whole transcript span (transcription start to end, exons and introns), ` +
        `what fraction of the reference bases are G or C? ${DEF} ${FMT}`,
    ]);
    return draft(this.name, q, gcFraction(comp), { gene: g.symbol, transcript: tx.name, chrom: tx.chrom, start: tx.txStart + 1, end: tx.txEnd }, `${this.name}|${tx.name}`);
  },
};

const wholeChrom: DomainKind = {
  name: 'whole_chromosome',
  supports: (ctx) => ctx.seqChroms().some((c) => c.complete && c.length <= MAX_SPAN),
  async generate(ctx, rng) {
    const c = rng.pick(ctx.seqChroms().filter((s) => s.complete && s.length <= MAX_SPAN));
    const comp = composition(await ctx.readUpper(c.chrom, 0, c.length));
    if (comp.other > 0 || comp.N / c.length >= 0.005) return null;
    const nNote = 'N bases, if any, count in neither the numerator nor the denominator.';
    const q = template(rng, [
      () => `What is the GC content of the whole of ${c.chrom} in ${ctx.label}? ${DEF} ${nNote} ${FMT}`,
      () => `Over the entire sequence of ${c.chrom} (${ctx.label}), what fraction of the A/C/G/T bases are G or C? ${DEF} ${nNote} ${FMT}`,
    ]);
    return draft(this.name, q, gcFraction(comp), { chrom: c.chrom, start: 1, end: c.length }, `${this.name}|${c.chrom}`);
  },
};

export const gcContent: Domain = { name: 'gc_content', kinds: [windowKind, geneSpan, wholeChrom] };
