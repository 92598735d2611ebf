// Phrases every question reuses, so each definition is stated the same way everywhere.

import type { Rng } from '../rng.js';

export const COORDS_1BASED = 'Coordinates are 1-based and inclusive (both end positions belong to the region).';
export const SELECT_TX =
  "the gene's Select transcript (RefSeq Select / MANE Select, as in UCSC's ncbiRefSeqSelect track)";

/** How a question names a Select transcript: object first ("transcript NM_002467.6 of gene MYC"). */
export function selectTx(txName: string, symbol: string): string {
  return `transcript ${txName} of gene ${symbol}`;
}

/** The sentence that defines it, placed after the question. */
export function selectDef(txName: string): string {
  return `${txName} is ${SELECT_TX}.`;
}
export const PRIMARY_ONLY = 'Only the primary chromosome assembly is meant (no alt, fix or random contigs).';

/** `Answer with a JSON object such as {"gc_content": "<...>"}.` */
export function answerFormat(shape: Record<string, string>): string {
  const body = Object.entries(shape)
    .map(([k, v]) => `"${k}": "${v}"`)
    .join(', ');
  return `Submit your answer as a JSON object: {${body}}.`;
}

/** Picks one of several phrasings. */
export function template(rng: Rng, variants: (() => string)[]): string {
  return rng.pick(variants)();
}
