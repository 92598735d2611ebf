// gene_genomic_span: the extent of a gene (union of its transcripts, as NCBI Gene reports it)
// or of its Select transcript, as a length or as 1-based coordinates.

import { commas } from '../seq.js';
import type { Domain, DomainKind } from '../types.js';
import { answerFormat, PRIMARY_ONLY, selectDef, selectTx, template } from './common.js';

const GENE_EXTENT =
  "the gene's genomic extent: from the lowest start to the highest end over all of its annotated RefSeq transcripts " +
  '(the location NCBI Gene gives for the gene, and the union of its rows in UCSC\'s ncbiRefSeq track)';
const SPAN_DEF = 'Count inclusively: span = end - start + 1 in 1-based coordinates.';

const selectSpan: DomainKind = {
  name: 'select_transcript_span',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes());
    const tx = g.select;
    const q = template(rng, [
      () => `How many base pairs does ${selectTx(tx.name, g.symbol)} span on ${tx.chrom} in ${ctx.label}, from its first to its last base? ${selectDef(tx.name)} ${SPAN_DEF} ${answerFormat({ span_bp: '<integer>' })}`,
      () => `In ${ctx.label}, what is the genomic length (introns included) of gene ${g.symbol}'s Select/MANE transcript ${tx.name}? ${SPAN_DEF} ${answerFormat({ span_bp: '<integer>' })}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { span_bp: String(tx.txEnd - tx.txStart) },
      fields: [{ key: 'span_bp', type: 'exact', unit: 'bp' }],
      source: { gene: g.symbol, transcript: tx.name, chrom: tx.chrom, start: tx.txStart + 1, end: tx.txEnd },
      key: `${this.name}|${tx.name}`,
    };
  },
};

const geneSpan: DomainKind = {
  name: 'gene_span',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes());
    const q = template(rng, [
      () => `What is the total genomic span, in bp, of gene ${g.symbol} in ${ctx.label}? Use ${GENE_EXTENT}. ${SPAN_DEF} ${PRIMARY_ONLY} ${answerFormat({ span_bp: '<integer>' })}`,
      () => `How long is gene ${g.symbol} in ${ctx.label}, measured as ${GENE_EXTENT}? ${SPAN_DEF} ${answerFormat({ span_bp: '<integer>' })}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { span_bp: String(g.end - g.start) },
      fields: [{ key: 'span_bp', type: 'exact', unit: 'bp' }],
      source: { gene: g.symbol, chrom: g.chrom, start: g.start + 1, end: g.end, transcripts: g.transcripts.map((t) => t.name) },
      key: `${this.name}|${g.symbol}`,
    };
  },
};

const geneCoords: DomainKind = {
  name: 'gene_coordinates',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng) {
    const g = rng.pick(ctx.selectGenes());
    const fmt = answerFormat({ chrom: '<chromosome, e.g. chr1>', start: '<1-based start>', end: '<1-based end>' });
    const q = template(rng, [
      () => `Where is gene ${g.symbol} in ${ctx.label}? Give the chromosome and the 1-based inclusive start and end of ${GENE_EXTENT}; start is the lower coordinate whatever the strand. ${PRIMARY_ONLY} ${fmt}`,
      () => `Report the location of ${GENE_EXTENT} for gene ${g.symbol} in ${ctx.label}, as chromosome plus 1-based inclusive start and end (start < end, whatever the strand). ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { chrom: g.chrom, start: String(g.start + 1), end: String(g.end) },
      fields: [
        { key: 'chrom', type: 'exact' },
        { key: 'start', type: 'exact', unit: 'bp' },
        { key: 'end', type: 'exact', unit: 'bp' },
      ],
      source: { gene: g.symbol, chrom: g.chrom, start: g.start + 1, end: g.end, location: `${g.chrom}:${commas(g.start + 1)}-${commas(g.end)}` },
      key: `${this.name}|${g.symbol}`,
    };
  },
};

export const geneGenomicSpan: Domain = { name: 'gene_genomic_span', kinds: [selectSpan, geneSpan, geneCoords] };
