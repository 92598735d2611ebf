// coding_noncoding_ratio: intronic (or exonic) percentage of a Select transcript span; numeric,
// tolerance 1.0. Emitted only when the gene-level reading (union of all transcripts' exons
// over the gene extent) agrees within 0.5 points, so "which transcript" cannot flip the grade.
// Intronic % of real transcripts piles up in the 90s (exonic % in the single digits), so a
// question picks among a few genes the one nearest a uniform target (spread.ts) rather than any
// gene: a fixed "95" would otherwise land within the ±1 tolerance often.

import type { Transcript } from '../../../genome/types.js';
import type { Domain, DomainKind } from '../types.js';
import { nearestToTarget, type SpreadOptions } from '../spread.js';
import { answerFormat, selectDef, selectTx, template } from './common.js';

export const PERCENT_TOLERANCE = 1.0;
/** intronic-% targets; an exonic-% question uses 100 minus them */
const SPREAD: SpreadOptions = { low: 10, high: 99.5, candidates: 8 };

export function intronicPercent(tx: Transcript): number {
  const span = tx.txEnd - tx.txStart;
  const exonic = tx.exonStarts.reduce((a, s, i) => a + tx.exonEnds[i] - s, 0);
  return (100 * (span - exonic)) / span;
}

/** Gene-level alternative: union of every transcript's exons over the gene extent. */
export function geneUnionIntronicPercent(txs: Transcript[]): number {
  const ivs = txs.flatMap((t) => t.exonStarts.map((s, i) => [s, t.exonEnds[i]] as [number, number])).sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let curS = -1;
  let curE = -1;
  for (const [s, e] of ivs) {
    if (s > curE) {
      covered += curE - curS;
      curS = s;
      curE = e;
    } else curE = Math.max(curE, e);
  }
  covered += curE - curS;
  const start = Math.min(...txs.map((t) => t.txStart));
  const end = Math.max(...txs.map((t) => t.txEnd));
  return (100 * (end - start - covered)) / (end - start);
}

function kind(exonic: boolean): DomainKind {
  const key = exonic ? 'exonic_percent' : 'intronic_percent';
  return {
    name: key,
    supports: (ctx) => ctx.selectGenes().some((g) => g.select.exonStarts.length >= 2),
    async generate(ctx, rng) {
      const pool = ctx.memo('multiExonSelectGenes', () => ctx.selectGenes().filter((x) => x.select.exonStarts.length >= 2));
      // only genes whose transcript choice cannot move the answer by more than 0.5 points
      const agreeing = () => {
        const g = rng.pick(pool);
        const intronic = intronicPercent(g.select);
        return Math.abs(intronic - geneUnionIntronicPercent(g.transcripts)) > 0.5 ? null : g;
      };
      const picked = await nearestToTarget(rng, SPREAD, agreeing, (g) => intronicPercent(g.select));
      if (!picked) return null;
      const { item: g, value: intronic } = picked;
      const tx = g.select;
      const value = exonic ? 100 - intronic : intronic;
      const def = exonic
        ? 'exonic % = 100 x (sum of exon lengths) / (transcript span), where the span runs from the first to the last base of the transcript and exons include UTRs'
        : 'intronic % = 100 x (transcript span - sum of exon lengths) / (transcript span), where the span runs from the first to the last base of the transcript and exons include UTRs (so "non-coding" here means intronic, not UTR)';
      const q = template(rng, [
        () => `What percentage of the genomic span of ${selectTx(tx.name, g.symbol)} is ${exonic ? 'exonic' : 'intronic'} in ${ctx.label}? ${selectDef(tx.name)} Use ${def}. ${answerFormat({ [key]: '<percent, 2 decimals>' })}`,
        () => `For gene ${g.symbol} in ${ctx.label}, take its Select/MANE transcript ${tx.name} and compute ${def}. ${answerFormat({ [key]: '<percent, 2 decimals>' })}`,
      ]);
      return {
        kind: key,
        question: q,
        answer: { [key]: value.toFixed(2) },
        fields: [{ key, type: 'numeric', tolerance: PERCENT_TOLERANCE, unit: 'percent' }],
        source: { gene: g.symbol, transcript: tx.name, chrom: tx.chrom, start: tx.txStart + 1, end: tx.txEnd },
        key: `${key}|${tx.name}`,
      };
    },
  };
}

export const codingNoncodingRatio: Domain = { name: 'coding_noncoding_ratio', kinds: [kind(false), kind(true)] };
