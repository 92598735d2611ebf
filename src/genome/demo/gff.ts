// The demo's genes as GFF3 in the shape NCBI RefSeq annotation uses (gene -> mRNA / lnc_RNA ->
// exon, CDS with phase; the Select transcript tagged "RefSeq Select"), so GFF-based code paths
// can run on the demo too. Coordinates are 1-based closed, as GFF3 requires.

import type { Transcript } from '../types.js';

interface GeneRecord {
  symbol: string;
  chrom: string;
  strand: string;
  start: number;
  end: number;
  coding: boolean;
  transcripts: Transcript[];
}

/** GFF3 attribute values escape the characters GFF3 reserves. */
function esc(v: string): string {
  return v.replace(/[%;=&,\t\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function attrs(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${esc(v)}`).join(';');
}

/** CDS pieces of one transcript with their GFF phase, in genomic order. */
function cdsPieces(t: Transcript): Array<{ start: number; end: number; phase: number }> {
  const pieces: Array<{ start: number; end: number; phase: number }> = [];
  for (let i = 0; i < t.exonStarts.length; i++) {
    const s = Math.max(t.exonStarts[i], t.cdsStart);
    const e = Math.min(t.exonEnds[i], t.cdsEnd);
    // phase = bases to skip before the next codon start = (3 - frame) % 3
    if (s < e) pieces.push({ start: s, end: e, phase: (3 - t.exonFrames[i]) % 3 });
  }
  return pieces;
}

export function formatGff3(transcripts: Transcript[], sizes: Map<string, number>, comment: string): string {
  const genes = new Map<string, GeneRecord>();
  for (const t of transcripts) {
    let g = genes.get(t.gene);
    if (!g) genes.set(t.gene, (g = { symbol: t.gene, chrom: t.chrom, strand: t.strand, start: t.txStart, end: t.txEnd, coding: t.cdsStart < t.cdsEnd, transcripts: [] }));
    g.start = Math.min(g.start, t.txStart);
    g.end = Math.max(g.end, t.txEnd);
    g.transcripts.push(t);
  }
  const order = new Map([...sizes.keys()].map((c, i) => [c, i]));
  const sorted = [...genes.values()].sort((a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.start - b.start);
  const out: string[] = ['##gff-version 3', `#!${comment}`];
  for (const [chrom, size] of sizes) out.push(`##sequence-region ${chrom} 1 ${size}`);
  const row = (chrom: string, type: string, start0: number, end: number, strand: string, phase: string, a: Array<[string, string]>) =>
    [chrom, 'genegym-demo', type, start0 + 1, end, '.', strand, phase, attrs(a)].join('\t');
  for (const g of sorted) {
    const geneId = `gene-${g.symbol}`;
    out.push(row(g.chrom, 'gene', g.start, g.end, g.strand, '.', [
      ['ID', geneId], ['Name', g.symbol], ['gene', g.symbol], ['gene_biotype', g.coding ? 'protein_coding' : 'lncRNA'],
      ['description', 'synthetic demo gene (not a real gene)'],
    ]));
    for (const t of g.transcripts) {
      const rnaId = `rna-${t.name}`;
      const coding = t.cdsStart < t.cdsEnd;
      const tags: Array<[string, string]> = t.select ? [['tag', 'RefSeq Select']] : [];
      out.push(row(t.chrom, coding ? 'mRNA' : 'lnc_RNA', t.txStart, t.txEnd, t.strand, '.', [
        ['ID', rnaId], ['Parent', geneId], ['Name', t.name], ['gene', g.symbol], ['transcript_id', t.name], ...tags,
      ]));
      const n = t.exonStarts.length;
      for (let i = 0; i < n; i++) {
        const number = t.strand === '+' ? i + 1 : n - i;
        out.push(row(t.chrom, 'exon', t.exonStarts[i], t.exonEnds[i], t.strand, '.', [
          ['ID', `exon-${t.name}-${number}`], ['Parent', rnaId], ['gene', g.symbol], ['transcript_id', t.name],
        ]));
      }
      for (const p of cdsPieces(t)) {
        out.push(row(t.chrom, 'CDS', p.start, p.end, t.strand, String(p.phase), [
          ['ID', `cds-${t.name}`], ['Parent', rnaId], ['gene', g.symbol],
        ]));
      }
    }
  }
  return out.join('\n') + '\n';
}
