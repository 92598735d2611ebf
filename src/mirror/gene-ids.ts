// Real NCBI Gene ids for an assembly, when its annotation carries them: UCSC's ncbiRefSeqLink
// table (`genegym assembly fetch` downloads it next to ncbiRefSeq) or an NCBI GFF3's
// Dbxref=GeneID:N. Ids are keyed by transcript accession first (the link table's own key) and
// by symbol as a fallback, so a gene gets the id of its own transcripts.

import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AssemblyApi, Gene } from '../genome/types.js';
import { parseRefSeqLink } from '../genome/refseq-link.js';
import { readTextFileSync } from '../genome/text-file.js';

export interface GeneInfo {
  /** NCBI's gene description, e.g. "MYC proto-oncogene, bHLH transcription factor" */
  description: string;
  synonyms: string[];
  /** HGNC:7553 and the like ('' when absent) */
  hgnc: string;
  /** OMIM gene numbers */
  mim: string[];
}

export interface GeneIdTable {
  byTranscript: Map<string, string>;
  bySymbol: Map<string, string>;
  /** what the annotation says about a Gene id (GFF gene features carry it; the link table does not) */
  info: Map<string, GeneInfo>;
  /** which file the ids came from ('' when none) */
  source: string;
}

const EMPTY = (): GeneIdTable => ({ byTranscript: new Map(), bySymbol: new Map(), info: new Map(), source: '' });

function listDir(dir: string): string[] {
  try {
    return existsSync(dir) ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}

/** Finds and reads the assembly's gene-id source; an assembly without one gets empty maps. */
export function loadGeneIds(asm: AssemblyApi): GeneIdTable {
  const entries = listDir(asm.dir);
  const recorded = asm.manifest.files?.ncbiRefSeqLink?.path;
  const link = [recorded ? resolve(asm.dir, recorded) : '', ...['ncbiRefSeqLink.txt', 'ncbiRefSeqLink.txt.gz'].filter((f) => entries.includes(f)).map((f) => join(asm.dir, f))]
    .find((p) => p && existsSync(p));
  if (link) {
    const t = EMPTY();
    t.source = link;
    for (const row of parseRefSeqLink(readTextFileSync(link), link)) {
      if (!row.geneId) continue;
      for (const acc of [row.id, row.mrnaAcc]) if (acc && acc !== 'n/a') t.byTranscript.set(acc, row.geneId);
      if (row.name && !t.bySymbol.has(row.name)) t.bySymbol.set(row.name, row.geneId);
    }
    return t;
  }
  const gff = entries.filter((f) => /\.gff3?(\.gz)?$/i.test(f)).sort();
  const t = EMPTY();
  for (const f of gff) {
    const path = join(asm.dir, f);
    readGffGeneIds(readTextFileSync(path), t);
    if (t.bySymbol.size || t.byTranscript.size) t.source = path;
  }
  return t;
}

/** Dbxref GeneID of gene features (by symbol) and of transcript features (by transcript_id). */
export function readGffGeneIds(text: string, into: GeneIdTable): void {
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 9) continue;
    const attrs = f[8];
    const attr = (k: string) => new RegExp(`(?:^|;)${k}=([^;]*)`).exec(attrs)?.[1];
    const xrefs = (attr('Dbxref') ?? '').split(',');
    const id = xrefs.map((x) => /^GeneID:(\d+)$/.exec(x)?.[1]).find(Boolean);
    if (!id) continue;
    if (f[2] === 'gene' || f[2] === 'pseudogene') {
      const sym = attr('gene') ?? attr('Name');
      if (sym && !into.bySymbol.has(sym)) into.bySymbol.set(sym, id);
      const decode = (v: string | undefined) => {
        try {
          return v === undefined ? '' : decodeURIComponent(v);
        } catch {
          return v ?? '';
        }
      };
      if (!into.info.has(id)) {
        into.info.set(id, {
          description: decode(attr('description')),
          synonyms: decode(attr('gene_synonym')).split(',').filter(Boolean),
          hgnc: xrefs.map((x) => /^HGNC:(HGNC:\d+)$/.exec(x)?.[1]).find(Boolean) ?? '',
          mim: xrefs.map((x) => /^MIM:(\d+)$/.exec(x)?.[1]).filter((x): x is string => Boolean(x)),
        });
      }
    } else {
      const tx = attr('transcript_id');
      if (tx) into.byTranscript.set(tx, id);
    }
  }
}

/** The id of a gene: its Select transcript's, then any transcript's, then its symbol's. */
export function geneIdOf(g: Gene, t: GeneIdTable): string | undefined {
  const txs = g.select ? [g.select, ...g.transcripts] : g.transcripts;
  for (const tx of txs) {
    const id = t.byTranscript.get(tx.name);
    if (id) return id;
  }
  return t.bySymbol.get(g.symbol);
}
