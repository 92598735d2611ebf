// UCSC genePred text tables: plain genePred (10 columns), knownGene (12: + proteinID, alignID),
// genePredExt (15: + score, name2, cdsStartStat, cdsEndStat, exonFrames), each optionally led
// by the `bin` column (ncbiRefSeq.txt, refGene.txt) or a gene name (refFlat). Coordinates are
// 0-based half-open as stored. Lists may end in a trailing comma.

import type { Strand, Transcript } from './types.js';

export class GenePredParseError extends Error {
  override name = 'GenePredParseError';
}

const INT = /^-?\d+$/;

function intList(text: string, what: string, fail: (m: string) => never): number[] {
  const items = text.endsWith(',') ? text.slice(0, -1) : text;
  if (items === '') return [];
  return items.split(',').map((x) => {
    if (!INT.test(x)) fail(`bad number ${JSON.stringify(x)} in ${what}`);
    return Number(x);
  });
}

/** Parses one data line; `source:lineNo` goes into error messages. */
export function parseGenePredLine(line: string, source = 'genePred', lineNo = 0): Transcript {
  const fail = (msg: string): never => {
    throw new GenePredParseError(`${source}:${lineNo}: ${msg}`);
  };
  // UCSC tables are tab-separated; some hand-made files use runs of spaces instead
  const f = line.includes('\t') ? line.split('\t') : line.trim().split(/ +/);
  let lead = 0; // columns before `name`: bin (number) or refFlat gene name
  if (f[2] === '+' || f[2] === '-') lead = 0;
  else if (f[3] === '+' || f[3] === '-') lead = 1;
  else fail(`no strand (+/-) in column 3 or 4; is this a genePred table? ${JSON.stringify(line.slice(0, 80))}`);
  const refFlatName = lead === 1 && !INT.test(f[0]) ? f[0] : '';
  const g = f.slice(lead);
  if (g.length < 10) fail(`expected at least 10 genePred columns after the prefix, got ${g.length}`);
  const num = (i: number, what: string) => {
    if (!INT.test(g[i])) fail(`bad ${what} ${JSON.stringify(g[i])}`);
    return Number(g[i]);
  };
  const txStart = num(3, 'txStart');
  const txEnd = num(4, 'txEnd');
  const cdsStart = num(5, 'cdsStart');
  const cdsEnd = num(6, 'cdsEnd');
  const exonCount = num(7, 'exonCount');
  const exonStarts = intList(g[8], 'exonStarts', fail);
  const exonEnds = intList(g[9], 'exonEnds', fail);
  const ext = g.length >= 15;
  const exonFrames = ext ? intList(g[14], 'exonFrames', fail) : [];
  if (txStart < 0 || txEnd < txStart) fail(`bad transcript span ${txStart}-${txEnd}`);
  if (cdsStart > cdsEnd) fail(`cdsStart ${cdsStart} after cdsEnd ${cdsEnd}`);
  if (exonStarts.length !== exonCount || exonEnds.length !== exonCount) {
    fail(`exonCount ${exonCount} but ${exonStarts.length} starts and ${exonEnds.length} ends`);
  }
  if (ext && exonFrames.length !== exonCount && exonFrames.length !== 0) fail(`exonCount ${exonCount} but ${exonFrames.length} exon frames`);
  for (let i = 0; i < exonCount; i++) {
    if (exonEnds[i] < exonStarts[i]) fail(`exon ${i + 1} ends before it starts`);
    if (exonStarts[i] < txStart || exonEnds[i] > txEnd) fail(`exon ${i + 1} lies outside the transcript`);
    if (i > 0 && exonStarts[i] < exonEnds[i - 1]) fail(`exons ${i} and ${i + 1} overlap or are out of order`);
  }
  return {
    name: g[0],
    chrom: g[1],
    strand: g[2] as Strand,
    txStart,
    txEnd,
    cdsStart,
    cdsEnd,
    exonStarts,
    exonEnds,
    exonFrames,
    gene: ext ? g[11] : refFlatName,
    score: ext && INT.test(g[10]) ? Number(g[10]) : 0,
    cdsStartStat: ext ? g[12] : '',
    cdsEndStat: ext ? g[13] : '',
    select: false,
  };
}

/** Parses a whole table; `#` header lines and blank lines are skipped. */
export function parseGenePred(text: string, source = 'genePred'): Transcript[] {
  const out: Transcript[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    out.push(parseGenePredLine(line, source, i + 1));
  }
  return out;
}

/** Length of each exon in genomic order (exonEnds[i] - exonStarts[i]; no +1 in 0-based half-open). */
export function exonLengths(t: Pick<Transcript, 'exonStarts' | 'exonEnds'>): number[] {
  return t.exonStarts.map((s, i) => t.exonEnds[i] - s);
}

/** Exons in transcript order (5'->3'): genomic order on +, reversed on -. */
export function exonsInTranscriptOrder(t: Transcript): Array<{ start: number; end: number }> {
  const exons = t.exonStarts.map((start, i) => ({ start, end: t.exonEnds[i] }));
  return t.strand === '-' ? exons.reverse() : exons;
}
