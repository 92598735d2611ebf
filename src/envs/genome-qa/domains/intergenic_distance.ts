// intergenic_distance: bases strictly between two neighbouring genes. Pairs are emitted only
// when the genes do not overlap and no transcript of any other gene (whatever its biotype)
// touches the gap, so "next gene" cannot depend on the gene set an agent looks at.

import type { Gene, Transcript } from '../../../genome/types.js';
import type { GenContext } from '../context.js';
import type { Domain, DomainKind } from '../types.js';
import { answerFormat, template } from './common.js';

type SGene = Gene & { select: Transcript };

/**
 * Neighbouring pairs (A before B) of unambiguous genes with a clean gap: no transcript of any
 * other gene overlaps [A.start, B.end), which rules out genes in the gap and genes overlapping
 * A or B (either would make "end of A" or "next gene" depend on the gene set used).
 */
function pairs(ctx: GenContext): [SGene, SGene][] {
  const byChrom = new Map<string, SGene[]>();
  for (const g of ctx.selectGenes()) {
    if (!byChrom.has(g.chrom)) byChrom.set(g.chrom, []);
    byChrom.get(g.chrom)!.push(g);
  }
  const out: [SGene, SGene][] = [];
  for (const [chrom, list] of byChrom) {
    list.sort((x, y) => x.start - y.start);
    const txs = ctx.transcriptsOn(chrom); // sorted by txStart
    const maxEnd: number[] = [];
    txs.forEach((t, i) => (maxEnd[i] = Math.max(t.txEnd, i ? maxEnd[i - 1] : 0)));
    const clean = (a: SGene, b: SGene) => {
      // transcripts starting before B.end, scanned down while any of them could still reach A.start
      let hi = upperBound(txs, b.end) - 1;
      for (; hi >= 0 && maxEnd[hi] > a.start; hi--) {
        const t = txs[hi];
        if (t.txEnd > a.start && t.gene !== a.symbol && t.gene !== b.symbol) return false;
      }
      return true;
    };
    for (let i = 0; i + 1 < list.length; i++) {
      const [a, b] = [list[i], list[i + 1]];
      if (a.end < b.start && clean(a, b)) out.push([a, b]);
    }
  }
  return out;
}

/** First index whose txStart >= x. */
function upperBound(txs: Transcript[], x: number): number {
  let lo = 0;
  let hi = txs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (txs[mid].txStart < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
        ? `each gene taken as the span of its Select transcript, ${a.select.name} for ${a.symbol} and ${b.select.name} for ${b.symbol}, the RefSeq Select / MANE Select transcript of UCSC's ncbiRefSeqSelect track`
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
        fields: [{ key: 'distance_bp', type: 'exact', unit: 'bp' }],
        source: { genes: [a.symbol, b.symbol], chrom: a.chrom, gap_start: aEnd + 1, gap_end: bStart },
        key: `${name}|${a.symbol}|${b.symbol}`,
      };
    },
  };
}

export const intergenicDistance: Domain = { name: 'intergenic_distance', kinds: [kind(false), kind(true)] };
