// reference_sequence: bases of a window (forward or reverse strand) or the start of an exon on
// the gene's strand. Windows containing N are rejected; lengths stay 20-120 bp.

import { exonsTxOrder, isAcgt, ordinal, region1, reverseComplement } from '../seq.js';
import type { Domain, DomainKind } from '../types.js';
import { canSampleWindow, sampleWindow, type WindowSpec } from '../windows.js';
import { answerFormat, COORDS_1BASED, selectDef, selectTx, template } from './common.js';

const FMT = answerFormat({ reference_sequence: '<bases, 5\'->3\'>' });
const WINDOW: WindowSpec = { minChromLength: 1000, minLength: 20, maxLength: 120 };

function windowKind(reverse: boolean): DomainKind {
  return {
    name: reverse ? 'window_reverse' : 'window_forward',
    supports: (ctx) => canSampleWindow(ctx, WINDOW),
    async generate(ctx, rng) {
      const w = await sampleWindow(ctx, rng, WINDOW);
      if (!w) return null;
      const { start, end, length: len } = w;
      const seq = reverse ? reverseComplement(w.seq) : w.seq;
      const r = region1(w.chrom, start, end);
      const strand = reverse
        ? "on the minus (reverse) strand, i.e. the reverse complement of the forward-strand bases, written 5'->3'"
        : "on the plus (forward) strand of the reference, read 5'->3' from left to right";
      const question = template(rng, [
        () => `What is the reference sequence of ${r} (${len} bp) in ${ctx.label}, ${strand}? ${COORDS_1BASED} ${FMT}`,
        () => `Retrieve the ${len}-bp DNA sequence at ${r} from ${ctx.label} ${strand}. ${COORDS_1BASED} ${FMT}`,
        () => `Which ${len} bases occupy ${r} in ${ctx.label}, ${strand}? ${COORDS_1BASED} ${FMT}`,
      ]);
      return {
        kind: this.name,
        question,
        answer: { reference_sequence: seq },
        fields: [{ key: 'reference_sequence', type: 'sequence' }],
        source: { chrom: w.chrom, start: start + 1, end, strand: reverse ? '-' : '+' },
        key: `${this.name}|${w.chrom}:${start}-${end}`,
      };
    },
  };
}

const exonStart: DomainKind = {
  name: 'exon_start_gene_strand',
  supports: (ctx) => ctx.readableSelectGenes().length > 0,
  async generate(ctx, rng) {
    const g = rng.pick(ctx.readableSelectGenes());
    const tx = g.select;
    const exons = exonsTxOrder(tx);
    const k = rng.int(1, exons.length);
    const [s, e] = exons[k - 1];
    if (e - s < 20) return null;
    const len = rng.int(20, Math.min(60, e - s));
    const [start, end] = tx.strand === '+' ? [s, s + len] : [e - len, e];
    const fwd = await ctx.readUpper(tx.chrom, start, end);
    if (!isAcgt(fwd)) return null;
    const seq = tx.strand === '+' ? fwd : reverseComplement(fwd);
    const question = template(rng, [
      () =>
        `Give the first ${len} bases of exon ${k} of ${selectTx(tx.name, g.symbol)} in ${ctx.label}. ${selectDef(tx.name)} ` +
        `Exons are numbered from the transcript's 5' end, and the bases must be read on the gene's transcribed strand ` +
        `(the reverse complement of the reference for a minus-strand gene), 5'->3'. ${FMT}`,
      () =>
        `What are the ${len} bases that start the ${ordinal(k)} exon of ${selectTx(tx.name, g.symbol)} in ${ctx.label}, ` +
        `counting exons 5'->3' along the transcript and reading the sequence on the gene's own strand? ${selectDef(tx.name)} ` +
        `A minus-strand gene is read as the reverse complement of the reference. ${FMT}`,
    ]);
    return {
      kind: this.name,
      question,
      answer: { reference_sequence: seq },
      fields: [{ key: 'reference_sequence', type: 'sequence' }],
      source: { gene: g.symbol, transcript: tx.name, exon: k, chrom: tx.chrom, start: start + 1, end, strand: tx.strand },
      key: `${this.name}|${tx.name}|${k}|${len}`,
    };
  },
};

export const referenceSequence: Domain = {
  name: 'reference_sequence',
  kinds: [windowKind(false), windowKind(true), exonStart],
};
