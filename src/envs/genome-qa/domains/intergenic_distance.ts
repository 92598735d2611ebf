// intergenic_distance: bases strictly between two neighbouring genes. Pairs are emitted only
// when the genes do not overlap and no transcript of any other gene (whatever its biotype)
// touches the gap, so "next gene" cannot depend on the gene set an agent looks at.

import type { Gene, Transcript } from '../../../genome/types.js';
import type { GenContext } from '../context.js';
import type { Domain, DomainKind } from '../types.js';
import { answerFormat, SELECT_TX, template } from './common.js';

type SGene = Gene & { select: Transcript };

/** Neighbouring pairs (A before B) of unambiguous genes with a clean gap between them. */
function pairs(ctx: GenContext): [SGene, SGene][] {
  const byChrom = new Map<string, SGene[]>();
  for (const g of ctx.selectGenes()) {
    if (!byChrom.has(g.chrom)) byChrom.set(g.chrom, []);
    byChrom.get(g.chrom)!.push(g);
  }
  const out: [SGene, SGene][] = [];
  const all = new Map<string, Gene[]>();
  for (const g of ctx.asm.genes()) {
    if (!all.has(g.chrom)) all.set(g.chrom, []);
    all.get(g.chrom)!.push(g);
  }
  for (const [chrom, list] of byChrom) {
    list.sort((x, y) => x.start - y.start);
    const txs = ctx.transcriptsOn(chrom);
    for (let i = 0; i + 1 < list.length; i++) {
      const a = list[i];
      const b = list[i + 1];
      if (a.end >= b.start) continue;
      const gapTouched = txs.some((t) => t.gene !== a.symbol && t.gene !== b.symbol && t.txStart < b.start && t.txEnd > a.end);
      const geneBetween = (all.get(chrom) ?? []).some((g) => g !== a && g !== b && g.start < b.start && g.end > a.end);
      // a gene that starts inside A and extends past it would make "end of A" ambiguous
      const overlapsA = txs.some((t) => t.gene !== a.symbol && t.txStart < a.end && t.txEnd > a.start);
      const overlapsB = txs.some((t) => t.gene !== b.symbol && t.txStart < b.end && t.txEnd > b.start);
      if (!gapTouched && !geneBetween && !overlapsA && !overlapsB) out.push([a, b]);
    }
  }
  return out;
}

const FORMULA = 'i.e. start(B) - end(A) - 1 with 1-based inclusive coordinates (equivalently B.start - A.end in 0-based half-open UCSC coordinates)';

function kind(select: boolean): DomainKind {
  const name = select ? 'select_transcripts' : 'gene_extents';
  return {
    name,
    supports: (ctx) => ctx.memo('intergenic-pairs', () => pairs(ctx)).length > 0,
    async generate(ctx, rng) {
      const list = ctx.memo('intergenic-pairs', () => pairs(ctx));
      if (list.length === 0) return null;
      const [a, b] = rng.pick(list);
      const [aEnd, bStart] = select ? [a.select.txEnd, b.select.txStart] : [a.end, b.start];
      if (bStart <= aEnd) return null;
      const extent = select
        ? `each gene taken as the span of ${SELECT_TX} (${a.symbol}: ${a.select.name}; ${b.symbol}: ${b.select.name})`
        : "each gene taken as its full extent, the union of all of its annotated RefSeq transcripts (NCBI Gene's location)";
      const q = template(rng, [
        () =>
          `Genes ${a.symbol} and ${b.symbol} are neighbours on ${a.chrom} in ${ctx.label}, ${a.symbol} at lower coordinates, with no other annotated gene between them. ` +
          `With ${extent}, how many bases lie strictly between the last base of ${a.symbol} and the first base of ${b.symbol}, ${FORMULA}? Strand is ignored. ${answerFormat({ distance_bp: '<integer>' })}`,
        () =>
          `In ${ctx.label}, what is the intergenic distance between gene ${a.symbol} and the next gene along ${a.chrom}, gene ${b.symbol}? ` +
          `Use ${extent}, and count the bases strictly between them, ${FORMULA}; strand does not matter. ${answerFormat({ distance_bp: '<integer>' })}`,
      ]);
      return {
        kind: name,
        question: q,
        answer: { distance_bp: String(bStart - aEnd) },
        fields: [{ key: 'distance_bp', type: 'exact' }],
        source: { genes: [a.symbol, b.symbol], chrom: a.chrom, gap_start: aEnd + 1, gap_end: bStart },
        key: `${name}|${a.symbol}|${b.symbol}`,
      };
    },
  };
}

export const intergenicDistance: Domain = { name: 'intergenic_distance', kinds: [kind(false), kind(true)] };
