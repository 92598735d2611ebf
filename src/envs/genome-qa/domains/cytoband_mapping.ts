// cytoband_mapping: position -> band, gene -> band, band -> coordinates. Positions within
// 1 kb of a band boundary and genes that cross a boundary are rejected, so off-by-one
// readings of the band table and "start vs TSS" readings of a gene cannot disagree.

import { chromNumber, commas } from '../seq.js';
import type { Domain, DomainKind } from '../types.js';
import { answerFormat, COORDS_1BASED, template } from './common.js';

const MARGIN = 1000;
const LABEL = 'Write the band as chromosome number plus band name, e.g. "17p13.1" (UCSC cytoBand table naming).';

const position: DomainKind = {
  name: 'position_to_band',
  supports: (ctx) => ctx.bandedChroms().length > 0,
  async generate(ctx, rng) {
    const chrom = rng.pick(ctx.bandedChroms());
    const band = rng.pick(ctx.bandsOf(chrom));
    if (band.end - band.start <= 2 * MARGIN + 1) return null;
    const pos0 = rng.int(band.start + MARGIN, band.end - MARGIN - 1);
    const label = `${chromNumber(chrom)}${band.name}`;
    const q = template(rng, [
      () => `Which cytogenetic band contains position ${chrom}:${commas(pos0 + 1)} in ${ctx.label}? ${COORDS_1BASED} ${LABEL} ${answerFormat({ cytoband: '<band>' })}`,
      () => `On which chromosome band does base ${commas(pos0 + 1)} of ${chrom} lie in ${ctx.label}, as the ideogram bands of the UCSC cytoBand track draw it? The position is 1-based. ${LABEL} ${answerFormat({ cytoband: '<band>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { cytoband: label }, fields: [{ key: 'cytoband', type: 'exact' }], source: { chrom, position: pos0 + 1, band: label }, key: `${this.name}|${chrom}:${pos0}` };
  },
};

const gene: DomainKind = {
  name: 'gene_to_band',
  supports: (ctx) => ctx.selectGenes().some((g) => ctx.bandsOf(g.chrom).length > 0),
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes().filter((x) => ctx.bandsOf(x.chrom).length > 0));
    const band = ctx.asm.bandAt(g.chrom, g.start);
    if (!band || !band.name) return null;
    if (g.start < band.start + MARGIN || g.end > band.end - MARGIN) return null;
    const label = `${chromNumber(g.chrom)}${band.name}`;
    const q = template(rng, [
      () => `In which cytogenetic band does gene ${g.symbol} lie in ${ctx.label}? The whole gene lies inside a single band. ${LABEL} ${answerFormat({ cytoband: '<band>' })}`,
      () => `Give the cytoband of gene ${g.symbol} in ${ctx.label}, according to the assembly's cytoBand table (the gene does not cross a band boundary). ${LABEL} ${answerFormat({ cytoband: '<band>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { cytoband: label }, fields: [{ key: 'cytoband', type: 'exact' }], source: { gene: g.symbol, chrom: g.chrom, band: label }, key: `${this.name}|${g.symbol}` };
  },
};

const range: DomainKind = {
  name: 'band_to_range',
  supports: (ctx) => ctx.bandedChroms().length > 0,
  async generate(ctx, rng) {
    const chrom = rng.pick(ctx.bandedChroms());
    const bands = ctx.bandsOf(chrom);
    const band = rng.pick(bands);
    if (bands.filter((b) => b.name === band.name).length !== 1) return null;
    const label = `${chromNumber(chrom)}${band.name}`;
    const fmt = answerFormat({ start: '<1-based first base>', end: '<1-based last base>' });
    const q = template(rng, [
      () => `What are the start and end coordinates of cytogenetic band ${label} (on ${chrom}) in ${ctx.label}? Give 1-based inclusive coordinates (the UCSC cytoBand table is 0-based half-open: add 1 to its start). ${fmt}`,
      () => `Which bases of ${chrom} does band ${label} cover in ${ctx.label}? Report the first and last base as 1-based inclusive positions. ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { start: String(band.start + 1), end: String(band.end) },
      fields: [
        { key: 'start', type: 'exact', unit: 'bp' },
        { key: 'end', type: 'exact', unit: 'bp' },
      ],
      source: { chrom, band: label },
      key: `${this.name}|${chrom}|${band.name}`,
    };
  },
};

export const cytobandMapping: Domain = { name: 'cytoband_mapping', kinds: [position, gene, range] };
