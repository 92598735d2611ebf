// Which UCSC tracks the mirror can serve for an assembly, derived from what its annotation holds:
// the RefSeq genePred tracks (ncbiRefSeq, ncbiRefSeqCurated, refGene; ncbiRefSeqSelect only when
// Select/MANE transcripts are known) when the gene table is RefSeq, knownGene when it is UCSC's
// knownGene, cytoBand when bands exist. A track the annotation can't back is simply absent, so
// the request gets the real service's "can not find track" reply instead of invented rows.

import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssemblyApi, CytoBand, Transcript } from '../genome/types.js';

export type Row = Transcript | CytoBand;

export interface Column {
  name: string;
  sqlType: string;
  description: string;
}

export interface TrackDef {
  shortLabel: string;
  longLabel: string;
  type: string;
  group: string;
  visibility: string;
  columns: Column[];
  rows(asm: AssemblyApi): Row[];
  /** one output row as the real table has it (column order = `columns`) */
  row(r: Row): Record<string, string | number>;
}

const col = (name: string, sqlType: string, description: string): Column => ({ name, sqlType, description });
const list = (xs: number[]) => xs.map((x) => `${x},`).join('');

/** Standard UCSC bin of [start, end) (the 5-level scheme for sequences < 512 Mb). */
export function ucscBin(start: number, end: number): number {
  const offsets = [512 + 64 + 8 + 1, 64 + 8 + 1, 8 + 1, 1, 0];
  let s = start >> 17;
  let e = (Math.max(end, start + 1) - 1) >> 17;
  for (const off of offsets) {
    if (s === e) return off + s;
    s >>= 3;
    e >>= 3;
  }
  return 0;
}

const BIN = col('bin', 'smallint(5) unsigned', 'Indexing field to speed chromosome range queries');
const GENE_CORE = [
  col('name', 'varchar(255)', 'transcript name (accession)'),
  col('chrom', 'varchar(255)', 'chromosome or scaffold of the alignment'),
  col('strand', 'char(1)', '+ or - strand'),
  col('txStart', 'int(10) unsigned', 'transcription start, 0-based (the 3\' end for minus-strand items)'),
  col('txEnd', 'int(10) unsigned', 'transcription end (the 5\' end for minus-strand items)'),
  col('cdsStart', 'int(10) unsigned', 'coding region start, 0-based'),
  col('cdsEnd', 'int(10) unsigned', 'coding region end'),
  col('exonCount', 'int(10) unsigned', 'number of exons'),
  col('exonStarts', 'longblob', 'exon starts, 0-based, comma-terminated, in genomic order'),
  col('exonEnds', 'longblob', 'exon ends, comma-terminated, in genomic order'),
];
const GENEPRED_EXT_COLUMNS = [
  BIN,
  ...GENE_CORE,
  col('score', 'int(11)', 'score'),
  col('name2', 'varchar(255)', 'gene symbol'),
  col('cdsStartStat', "enum('none','unk','incmpl','cmpl')", 'status of the CDS start annotation'),
  col('cdsEndStat', "enum('none','unk','incmpl','cmpl')", 'status of the CDS end annotation'),
  col('exonFrames', 'longblob', 'reading frame of each exon (0, 1, 2), -1 for non-coding exons'),
];
const KNOWNGENE_COLUMNS = [
  ...GENE_CORE,
  col('proteinID', 'varchar(40)', 'UniProt display id of the product, when known'),
  col('alignID', 'varchar(255)', 'unique id of this alignment'),
];
const CYTOBAND_COLUMNS = [
  col('chrom', 'varchar(255)', 'chromosome'),
  col('chromStart', 'int(10) unsigned', 'band start, 0-based'),
  col('chromEnd', 'int(10) unsigned', 'band end'),
  col('name', 'varchar(255)', 'cytogenetic band name'),
  col('gieStain', 'varchar(255)', 'Giemsa stain'),
];

function genePredExtRow(r: Row): Record<string, string | number> {
  const t = r as Transcript;
  const frames = t.exonFrames.length ? t.exonFrames : t.exonStarts.map(() => -1);
  return {
    bin: ucscBin(t.txStart, t.txEnd), name: t.name, chrom: t.chrom, strand: t.strand, txStart: t.txStart, txEnd: t.txEnd,
    cdsStart: t.cdsStart, cdsEnd: t.cdsEnd, exonCount: t.exonStarts.length, exonStarts: list(t.exonStarts), exonEnds: list(t.exonEnds),
    score: t.score, name2: t.gene, cdsStartStat: t.cdsStartStat, cdsEndStat: t.cdsEndStat, exonFrames: list(frames),
  };
}

function knownGeneRow(r: Row): Record<string, string | number> {
  const t = r as Transcript;
  return {
    name: t.name, chrom: t.chrom, strand: t.strand, txStart: t.txStart, txEnd: t.txEnd, cdsStart: t.cdsStart, cdsEnd: t.cdsEnd,
    exonCount: t.exonStarts.length, exonStarts: list(t.exonStarts), exonEnds: list(t.exonEnds), proteinID: '', alignID: t.name,
  };
}

function cytoBandRow(r: Row): Record<string, string | number> {
  const b = r as CytoBand;
  return { chrom: b.chrom, chromStart: b.start, chromEnd: b.end, name: b.name, gieStain: b.stain };
}

const REFSEQ_TRACKS: Record<string, TrackDef> = {
  ncbiRefSeq: { shortLabel: 'RefSeq All', longLabel: 'NCBI RefSeq genes, curated and predicted sets (NM_*, XM_*, NR_*, XR_*, NP_* or YP_*)', type: 'genePred', group: 'genes', visibility: 'pack', columns: GENEPRED_EXT_COLUMNS, row: genePredExtRow, rows: (a) => a.transcripts() },
  ncbiRefSeqCurated: { shortLabel: 'RefSeq Curated', longLabel: 'NCBI RefSeq genes, curated subset (NM_*, NR_*, NP_* or YP_*)', type: 'genePred', group: 'genes', visibility: 'pack', columns: GENEPRED_EXT_COLUMNS, row: genePredExtRow, rows: (a) => a.transcripts().filter((t) => /^(NM|NR|NP|YP)_/.test(t.name) || !/^X[MR]_/.test(t.name)) },
  ncbiRefSeqSelect: { shortLabel: 'RefSeq Select', longLabel: 'NCBI RefSeq/MANE Select: one representative transcript per protein-coding gene', type: 'genePred', group: 'genes', visibility: 'pack', columns: GENEPRED_EXT_COLUMNS, row: genePredExtRow, rows: (a) => a.transcripts().filter((t) => t.select) },
  refGene: { shortLabel: 'UCSC RefSeq', longLabel: 'UCSC annotations of RefSeq RNAs (NM_* and NR_*)', type: 'genePred refPep refMrna', group: 'genes', visibility: 'pack', columns: GENEPRED_EXT_COLUMNS, row: genePredExtRow, rows: (a) => a.transcripts().filter((t) => !/^X[MR]_/.test(t.name)) },
};
const KNOWNGENE: TrackDef = { shortLabel: 'GENCODE', longLabel: 'GENCODE genes (UCSC knownGene table)', type: 'genePred knownGenePep knownGeneMrna', group: 'genes', visibility: 'pack', columns: KNOWNGENE_COLUMNS, row: knownGeneRow, rows: (a) => a.transcripts() };
const CYTOBAND: TrackDef = { shortLabel: 'Chromosome Band', longLabel: 'Chromosome Bands Localized by FISH Mapping Clones', type: 'bed 4 +', group: 'map', visibility: 'dense', columns: CYTOBAND_COLUMNS, row: cytoBandRow, rows: (a) => a.bands() };

/** 'knownGene' when the assembly's gene table is UCSC knownGene, 'refseq' for RefSeq tables or a GFF, '' for none. */
export function geneTableKind(asm: AssemblyApi): 'knownGene' | 'refseq' | '' {
  const files = asm.manifest.files ?? {};
  const recorded = (role: string) => {
    const p = files[role]?.path;
    return typeof p === 'string' && existsSync(resolve(asm.dir, p));
  };
  let entries: string[] = [];
  try {
    entries = existsSync(asm.dir) ? readdirSync(asm.dir) : [];
  } catch {
    entries = [];
  }
  const present = (t: string) => recorded(t) || entries.includes(`${t}.txt`) || entries.includes(`${t}.txt.gz`);
  // the same precedence as the assembly reader: ncbiRefSeq, refGene, knownGene, then a GFF
  if (present('ncbiRefSeq') || present('refGene')) return 'refseq';
  if (present('knownGene')) return 'knownGene';
  try {
    return asm.transcripts().length ? 'refseq' : '';
  } catch {
    return '';
  }
}

/** The tracks this assembly can back, in the order /list/tracks shows them. */
export function availableTracks(asm: AssemblyApi): Record<string, TrackDef> {
  const out: Record<string, TrackDef> = {};
  try {
    if (asm.bands().length) out.cytoBand = CYTOBAND;
  } catch {
    // no cytoBand table
  }
  const kind = geneTableKind(asm);
  if (kind === 'knownGene') out.knownGene = KNOWNGENE;
  if (kind === 'refseq') {
    const hasSelect = asm.transcripts().some((t) => t.select);
    for (const [name, def] of Object.entries(REFSEQ_TRACKS)) if (name !== 'ncbiRefSeqSelect' || hasSelect) out[name] = def;
  }
  return out;
}
