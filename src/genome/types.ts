// Shared shapes of the assembly layer. Internal coordinates are UCSC's: 0-based, half-open
// [start, end). Only `coords.ts` converts from 1-based inclusive text.

export type Strand = '+' | '-';

export interface Interval {
  chrom: string;
  start: number;
  end: number;
}

/** One genePred row (UCSC ncbiRefSeq / refGene / knownGene / ncbiRefSeqSelect). */
export interface Transcript {
  /** accession, e.g. NM_002467.6 */
  name: string;
  chrom: string;
  strand: Strand;
  txStart: number;
  txEnd: number;
  cdsStart: number;
  cdsEnd: number;
  /** genomic order (ascending), as stored in genePred */
  exonStarts: number[];
  exonEnds: number[];
  /** -1 for non-coding exons; empty when the table has no frames */
  exonFrames: number[];
  /** gene symbol (name2); empty for knownGene rows, which carry none */
  gene: string;
  score: number;
  cdsStartStat: string;
  cdsEndStat: string;
  /** true for the gene's Select/MANE transcript */
  select: boolean;
}

/** A gene: its transcripts on one primary chromosome, collapsed to one span. */
export interface Gene {
  symbol: string;
  chrom: string;
  strand: Strand;
  /** min txStart over transcripts */
  start: number;
  /** max txEnd over transcripts */
  end: number;
  transcripts: Transcript[];
  /** the Select/MANE transcript, when one is known */
  select: Transcript | null;
  /** true when every transcript has a CDS (cdsStart < cdsEnd) and an NM_ accession (or knownGene coding) */
  proteinCoding: boolean;
}

export interface CytoBand {
  chrom: string;
  start: number;
  end: number;
  /** e.g. p36.33; empty on chrM */
  name: string;
  /** gneg, gpos25..100, acen, gvar, stalk */
  stain: string;
}

export interface SequenceOptions {
  /** keep the soft-mask lowercase (default true, as UCSC stores it); false uppercases */
  softMask?: boolean;
}

export interface ScanOptions extends SequenceOptions {
  start?: number;
  end?: number;
  /** bases per yielded chunk */
  chunkSize?: number;
}

/** Random access to sequence, whatever the file format. */
export interface SequenceSource {
  names(): string[];
  size(chrom: string): number | undefined;
  /** [start, end) 0-based; throws CoordinateError outside the sequence */
  read(chrom: string, start: number, end: number, opts?: SequenceOptions): Promise<string>;
  /** Streams [start, end) in chunks without holding the whole chromosome. */
  scan(chrom: string, opts?: ScanOptions): AsyncIterable<{ start: number; seq: string }>;
  close(): Promise<void>;
}

export interface AssemblyFileRecord {
  path: string;
  url?: string;
  bytes?: number;
  sha256?: string;
  md5?: string;
  /** Last-Modified or a release tag */
  version?: string;
  /** the server's ETag when downloaded (for conditional re-fetch) */
  etag?: string;
}

/** assembly.json */
export interface AssemblyManifest {
  name: string;
  /** e.g. "UCSC hg38", or "genegym synthetic demo (not a real genome)" */
  description: string;
  synthetic: boolean;
  createdAt: string;
  files: Record<string, AssemblyFileRecord>;
  /** free-form provenance: seed for the demo, source site, annotation release... */
  source?: Record<string, unknown>;
}

export class CoordinateError extends Error {
  override name = 'CoordinateError';
}

export class UnknownGeneError extends Error {
  override name = 'UnknownGeneError';
}

/**
 * An opened assembly directory (see src/genome/assembly.ts, `openAssembly(dirOrName)`).
 * Annotation queries are restricted to the primary chromosomes chr1-22, X, Y, M.
 */
export interface AssemblyApi {
  name: string;
  dir: string;
  manifest: AssemblyManifest;
  sequence: SequenceSource;
  /** every sequence of chrom.sizes, in file order */
  chromSizes(): Map<string, number>;
  /** the primary chromosomes present, in natural order chr1..chr22, chrX, chrY, chrM */
  primaryChromosomes(): string[];
  /** shortcut for sequence.read */
  read(chrom: string, start: number, end: number, opts?: SequenceOptions): Promise<string>;
  /** all transcripts on primary chromosomes */
  transcripts(): Transcript[];
  transcript(accession: string): Transcript | undefined;
  /** throws UnknownGeneError; symbol match is exact first, then case-insensitive */
  gene(symbol: string): Gene;
  /** single-locus genes on primary chromosomes, sorted by chrom then start */
  genes(): Gene[];
  /** band containing 0-based position pos0 */
  bandAt(chrom: string, pos0: number): CytoBand | undefined;
  /** the range of a band name such as "p36.33" or a prefix such as "q24" (union of sub-bands) */
  bandRange(chrom: string, name: string): Interval | undefined;
  bands(chrom?: string): CytoBand[];
  close(): Promise<void>;
}
