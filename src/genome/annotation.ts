// Transcripts and genes of one assembly, restricted to the primary chromosomes (chr1-22, X, Y, M).
// Genes are transcripts grouped by symbol and collapsed to one span. A symbol whose transcripts
// sit on two primary chromosomes (PAR genes on X and Y) or in clusters more than 1 Mb apart on
// one chromosome is multi-locus (genome.md §1): left out of genes() and refused by gene().

import { compareChromosomes, isPrimaryChromosome } from './chrom-sizes.js';
import { UnknownGeneError, type Gene, type Strand, type Transcript } from './types.js';

export interface AnnotationOptions {
  /**
   * Select/MANE transcripts: rows of ncbiRefSeqSelect.txt (matched on accession, chrom and span)
   * or bare accessions. Transcripts already flagged `select` (GFF tag) stay flagged.
   */
  select?: Array<Transcript | string>;
  /** largest gap between a symbol's transcripts that still counts as one locus (default 1 Mb) */
  maxLocusGap?: number;
}

export const DEFAULT_MAX_LOCUS_GAP = 1_000_000;

function byPosition(a: Transcript, b: Transcript): number {
  return compareChromosomes(a.chrom, b.chrom) || a.txStart - b.txStart || a.txEnd - b.txEnd || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** NM_002467.6 -> NM_002467 */
function unversioned(accession: string): string {
  return accession.replace(/\.\d+$/, '');
}

/** Coding, and a curated protein-coding accession: NM_ for RefSeq, anything non-RefSeq (knownGene, Ensembl) with a CDS. */
export function isProteinCodingTranscript(t: Transcript): boolean {
  if (t.cdsStart >= t.cdsEnd) return false;
  return /^NM_/.test(t.name) || !/^[A-Z]{2}_/.test(t.name);
}

export class Annotation {
  private readonly all: Transcript[];
  private readonly byAccession = new Map<string, Transcript[]>();
  private readonly byUnversioned = new Map<string, Transcript[]>();
  private readonly bySymbol = new Map<string, Gene>();
  private readonly byUpperSymbol = new Map<string, string[]>();
  private readonly multi = new Map<string, string>();
  private readonly geneList: Gene[] = [];

  constructor(transcripts: Transcript[], opts: AnnotationOptions = {}) {
    const selectRows = new Set<string>();
    const selectNames = new Set<string>();
    for (const s of opts.select ?? []) {
      if (typeof s === 'string') selectNames.add(s);
      else selectRows.add(`${s.name}\t${s.chrom}\t${s.txStart}\t${s.txEnd}`);
    }
    this.all = transcripts
      .filter((t) => isPrimaryChromosome(t.chrom))
      .map((t) => ({ ...t, select: t.select || selectNames.has(t.name) || selectRows.has(`${t.name}\t${t.chrom}\t${t.txStart}\t${t.txEnd}`) }))
      .sort(byPosition);
    for (const t of this.all) {
      push(this.byAccession, t.name, t);
      push(this.byUnversioned, unversioned(t.name), t);
    }
    const groups = new Map<string, Transcript[]>();
    for (const t of this.all) if (t.gene) push(groups, t.gene, t);
    const gap = opts.maxLocusGap ?? DEFAULT_MAX_LOCUS_GAP;
    for (const [symbol, list] of groups) {
      const why = multiLocusReason(list, gap);
      if (why) this.multi.set(symbol, why);
      else {
        const gene = collapse(symbol, list);
        this.bySymbol.set(symbol, gene);
        this.geneList.push(gene);
      }
      push(this.byUpperSymbol, symbol.toUpperCase(), symbol);
    }
    this.geneList.sort((a, b) => compareChromosomes(a.chrom, b.chrom) || a.start - b.start || a.end - b.end);
  }

  /** All transcripts on primary chromosomes, sorted by chromosome and start. */
  transcripts(): Transcript[] {
    return this.all;
  }

  /** By accession: exact (NM_002467.6), or the latest version when given without one (NM_002467). */
  transcript(accession: string): Transcript | undefined {
    const exact = this.byAccession.get(accession);
    if (exact) return exact.find((t) => t.select) ?? exact[0];
    if (/\.\d+$/.test(accession)) return undefined;
    const any = this.byUnversioned.get(accession);
    if (!any) return undefined;
    const version = (t: Transcript) => Number(/\.(\d+)$/.exec(t.name)?.[1] ?? 0);
    return [...any].sort((a, b) => version(b) - version(a) || Number(b.select) - Number(a.select))[0];
  }

  /** Every placement of an accession (a transcript can align to several loci). */
  transcriptPlacements(accession: string): Transcript[] {
    return [...(this.byAccession.get(accession) ?? [])];
  }

  /** Exact symbol first, then a unique case-insensitive match; throws UnknownGeneError. */
  gene(symbol: string): Gene {
    const found = this.findGene(symbol);
    if (found) return found;
    const name = this.resolveSymbol(symbol);
    if (name && this.multi.has(name)) {
      throw new UnknownGeneError(`gene ${name} is multi-locus (${this.multi.get(name)}); it has no single span`);
    }
    const candidates = this.byUpperSymbol.get(symbol.toUpperCase());
    if (candidates && candidates.length > 1) {
      throw new UnknownGeneError(`gene symbol ${symbol} is ambiguous by case: ${candidates.join(', ')}`);
    }
    throw new UnknownGeneError(`unknown gene ${JSON.stringify(symbol)} (no transcripts with that symbol on chr1-22, X, Y, M)`);
  }

  findGene(symbol: string): Gene | undefined {
    const name = this.resolveSymbol(symbol);
    return name === undefined ? undefined : this.bySymbol.get(name);
  }

  private resolveSymbol(symbol: string): string | undefined {
    if (this.bySymbol.has(symbol) || this.multi.has(symbol)) return symbol;
    const candidates = this.byUpperSymbol.get(symbol.toUpperCase());
    return candidates && candidates.length === 1 ? candidates[0] : undefined;
  }

  /** Single-locus genes, sorted by chromosome (natural order) then start. */
  genes(): Gene[] {
    return this.geneList;
  }

  /** Symbols left out as multi-locus, with the reason. */
  multiLocusGenes(): Map<string, string> {
    return new Map(this.multi);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Why a symbol's transcripts are not one locus, or '' when they are (list sorted by position). */
export function multiLocusReason(list: Transcript[], maxGap = DEFAULT_MAX_LOCUS_GAP): string {
  const chroms = [...new Set(list.map((t) => t.chrom))];
  if (chroms.length > 1) return `on ${chroms.join(' and ')}`;
  let end = list[0].txEnd;
  for (const t of list.slice(1)) {
    if (t.txStart - end > maxGap) return `two clusters on ${t.chrom} ${t.txStart - end} bp apart`;
    end = Math.max(end, t.txEnd);
  }
  return '';
}

function collapse(symbol: string, list: Transcript[]): Gene {
  const select = list.find((t) => t.select) ?? null;
  return {
    symbol,
    chrom: list[0].chrom,
    strand: select?.strand ?? majorityStrand(list),
    start: Math.min(...list.map((t) => t.txStart)),
    end: Math.max(...list.map((t) => t.txEnd)),
    transcripts: list,
    select,
    proteinCoding: list.every(isProteinCodingTranscript),
  };
}

function majorityStrand(list: Transcript[]): Strand {
  const plus = list.filter((t) => t.strand === '+').length;
  return plus * 2 >= list.length ? '+' : '-';
}
