// NCBI RefSeq GFF3 -> transcripts. Transcript features (mRNA, transcript and the *_RNA types)
// with `exon` children become genePred-like rows; CDS children give the coding span and frames.
// GFF is 1-based inclusive: start0 = start - 1, end0 = end.
// NCBI names sequences by accession (NC_000008.11); `region` features that carry
// `chromosome=` map them to UCSC names, and GRCh37/38 human accessions are known by default.

import type { Strand, Transcript } from './types.js';

export class GffParseError extends Error {
  override name = 'GffParseError';
}

/** A `gene` feature: NCBI's own gene span (can exceed the union of its transcripts). */
export interface GffGene {
  id: string;
  symbol: string;
  chrom: string;
  strand: Strand;
  start: number;
  end: number;
  biotype: string;
}

export interface GffResult {
  transcripts: Transcript[];
  genes: GffGene[];
}

export interface GffOptions {
  /** seqid -> chromosome name; consulted before region features and the human default */
  chromAlias?: (seqid: string) => string | undefined;
}

const TRANSCRIPT_TYPE = /^(mRNA|transcript|primary_transcript|.*_RNA|ncRNA|rRNA|tRNA|snRNA|snoRNA|scRNA|miRNA|lnc_RNA|antisense_RNA|misc_RNA|C_gene_segment|V_gene_segment|D_gene_segment|J_gene_segment)$/;

/** Human RefSeq chromosome accessions (GRCh37 and GRCh38 share NC_0000NN; chrM is NC_012920). */
export function humanRefSeqChrom(seqid: string): string | undefined {
  const m = /^NC_0000(\d\d)\.\d+$/.exec(seqid);
  if (m) {
    const n = Number(m[1]);
    if (n >= 1 && n <= 22) return `chr${n}`;
    if (n === 23) return 'chrX';
    if (n === 24) return 'chrY';
  }
  return /^NC_012920\.\d+$/.test(seqid) ? 'chrM' : undefined;
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const raw = part.slice(eq + 1);
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // a stray '%' that is not an escape: keep the text as written
    }
    out.set(part.slice(0, eq).trim(), value);
  }
  return out;
}

interface Feature {
  seqid: string;
  type: string;
  start: number;
  end: number;
  strand: string;
  phase: string;
  attrs: Map<string, string>;
}

export function parseGff3(text: string, opts: GffOptions = {}, source = 'GFF3'): GffResult {
  const features: Feature[] = [];
  const regionChrom = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '' || line.startsWith('#')) {
      if (line.startsWith('##FASTA')) break;
      continue;
    }
    const f = line.split('\t');
    if (f.length !== 9 || !/^\d+$/.test(f[3]) || !/^\d+$/.test(f[4])) {
      throw new GffParseError(`${source}:${i + 1}: expected 9 tab-separated GFF3 columns with numeric start/end`);
    }
    const feat: Feature = { seqid: f[0], type: f[2], start: Number(f[3]), end: Number(f[4]), strand: f[6], phase: f[7], attrs: attributes(f[8]) };
    if (feat.end < feat.start || feat.start < 1) throw new GffParseError(`${source}:${i + 1}: bad 1-based span ${f[3]}-${f[4]}`);
    if (feat.type === 'region' && feat.attrs.get('chromosome')) {
      const c = feat.attrs.get('chromosome')!;
      const genome = feat.attrs.get('genome');
      if (genome === 'mitochondrion') regionChrom.set(feat.seqid, 'chrM');
      else if (!genome || genome === 'chromosome') regionChrom.set(feat.seqid, c.startsWith('chr') ? c : `chr${c}`);
    }
    features.push(feat);
  }
  const chromOf = (seqid: string) => opts.chromAlias?.(seqid) ?? regionChrom.get(seqid) ?? humanRefSeqChrom(seqid) ?? seqid;

  const byId = new Map<string, Feature>();
  const children = new Map<string, Feature[]>();
  for (const feat of features) {
    const id = feat.attrs.get('ID');
    if (id) byId.set(id, feat);
    for (const parent of (feat.attrs.get('Parent') ?? '').split(',').filter(Boolean)) {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(feat);
    }
  }

  const genes: GffGene[] = [];
  const transcripts: Transcript[] = [];
  for (const feat of features) {
    const id = feat.attrs.get('ID') ?? '';
    if (feat.type === 'gene' || feat.type === 'pseudogene') {
      if (feat.strand !== '+' && feat.strand !== '-') continue;
      genes.push({
        id,
        symbol: feat.attrs.get('gene') ?? feat.attrs.get('Name') ?? id,
        chrom: chromOf(feat.seqid),
        strand: feat.strand,
        start: feat.start - 1,
        end: feat.end,
        biotype: feat.attrs.get('gene_biotype') ?? '',
      });
      continue;
    }
    if (!TRANSCRIPT_TYPE.test(feat.type) || !id) continue;
    const kids = children.get(id) ?? [];
    const exons = kids.filter((k) => k.type === 'exon').sort((a, b) => a.start - b.start);
    if (exons.length === 0 || (feat.strand !== '+' && feat.strand !== '-')) continue;
    const cds = kids.filter((k) => k.type === 'CDS').sort((a, b) => a.start - b.start);
    const parent = byId.get(feat.attrs.get('Parent') ?? '');
    const symbol = feat.attrs.get('gene') ?? parent?.attrs.get('gene') ?? parent?.attrs.get('Name') ?? '';
    const name = feat.attrs.get('transcript_id') ?? feat.attrs.get('Name') ?? id;
    const exonStarts = exons.map((e) => e.start - 1);
    const exonEnds = exons.map((e) => e.end);
    for (let j = 1; j < exons.length; j++) {
      if (exonStarts[j] < exonEnds[j - 1]) throw new GffParseError(`${source}: exons of ${name} overlap`);
    }
    const cdsStart = cds.length ? cds[0].start - 1 : feat.end;
    const cdsEnd = cds.length ? Math.max(...cds.map((c) => c.end)) : feat.end;
    const tags = (feat.attrs.get('tag') ?? '').split(',');
    transcripts.push({
      name,
      chrom: chromOf(feat.seqid),
      strand: feat.strand,
      txStart: Math.min(feat.start - 1, exonStarts[0]),
      txEnd: Math.max(feat.end, exonEnds[exonEnds.length - 1]),
      cdsStart,
      cdsEnd,
      exonStarts,
      exonEnds,
      exonFrames: cds.length ? exonFrames(exonStarts, exonEnds, cds) : exonStarts.map(() => -1),
      gene: symbol,
      score: 0,
      cdsStartStat: cds.length ? 'cmpl' : 'none',
      cdsEndStat: cds.length ? 'cmpl' : 'none',
      select: tags.includes('MANE Select') || tags.includes('RefSeq Select'),
    });
  }
  return { transcripts, genes };
}

// genePred frame of an exon = (3 - GFF phase of the CDS piece in it) % 3, -1 without CDS. Both
// are stated in transcription direction, so the strand needs no special case.
function exonFrames(starts: number[], ends: number[], cds: Feature[]): number[] {
  return starts.map((s, i) => {
    const piece = cds.find((c) => c.start - 1 < ends[i] && c.end > s);
    if (!piece || !/^[012]$/.test(piece.phase)) return -1;
    return (3 - Number(piece.phase)) % 3;
  });
}
