// Offline api.ncbi.nlm.nih.gov/datasets/v2: gene reports by symbol+taxon and by Gene id (the
// deprecated bare paths and their /dataset_report successors), and a genome's sequence report.
// Shapes follow the Datasets v2 OpenAPI: GeneDataReportPage {reports:[{gene, query}], messages,
// total_count}, SequenceReportPage {reports:[SequenceInfo], total_count}; 64-bit numbers
// (gene_id, tax_id, range begin/end) are strings, 1-based inclusive ranges, and fields at their
// default (empty, 0) are left out as proto3 JSON does. Errors use the rpcStatus shape.

import type { AssemblyApi, Gene } from '../genome/types.js';
import type { Names } from './accessions.js';
import { json, type MirrorReply } from './reply.js';

const GRCH38_ASSEMBLY = { refseq: 'GCF_000001405.40', genbank: 'GCA_000001405.29', name: 'GRCh38.p14' };

/** proto3 JSON: defaults (empty string, 0, false, empty list/object) are not written */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(compact).filter((x) => x !== undefined);
    return out.length ? out : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const c = compact(x);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (v === '' || v === 0 || v === false || v === null || v === undefined) return undefined;
  return v;
}

const rpcStatus = (http: number, code: number, message: string): MirrorReply => json(http, { code, message, details: [] });

export class DatasetsMirror {
  private asm: AssemblyApi;
  private names: Names;

  constructor(asm: AssemblyApi, names: Names) {
    this.asm = asm;
    this.names = names;
  }

  async handle(url: URL): Promise<MirrorReply> {
    const m = /^\/datasets\/v2(?:alpha)?\/(.*?)\/*$/.exec(url.pathname);
    if (!m) return rpcStatus(404, 5, `Not Found: ${url.pathname} (offline mirror serves /datasets/v2/gene/... and /datasets/v2/genome/accession/<accession>/sequence_reports)`);
    const parts = m[1].split('/').map((p) => decodeURIComponent(p));
    const q = url.searchParams;
    // gene/symbol/{symbols}/taxon/{taxon}[/dataset_report]
    if (parts[0] === 'gene' && parts[1] === 'symbol' && parts[3] === 'taxon' && parts.length >= 5 && (parts.length === 5 || (parts.length === 6 && parts[5] === 'dataset_report'))) {
      return this.geneBySymbol(splitList(parts[2]), parts[4]);
    }
    // gene/id/{gene_ids}[/dataset_report]
    if (parts[0] === 'gene' && parts[1] === 'id' && parts.length >= 3 && (parts.length === 3 || (parts.length === 4 && parts[3] === 'dataset_report'))) {
      return this.geneById(splitList(parts[2]));
    }
    // genome/accession/{accession}/sequence_reports
    if (parts[0] === 'genome' && parts[1] === 'accession' && parts[3] === 'sequence_reports' && parts.length === 4) {
      return this.sequenceReports(parts[2], [...q.getAll('chromosomes').flatMap(splitList)], [...q.getAll('role_filters').flatMap(splitList)]);
    }
    return rpcStatus(404, 5, `Not Found: ${url.pathname} (offline mirror serves /datasets/v2/gene/symbol/<symbols>/taxon/<taxon>, /datasets/v2/gene/id/<ids> and /datasets/v2/genome/accession/<accession>/sequence_reports)`);
  }

  private taxonMatches(taxon: string): boolean {
    const org = this.names.organism;
    const t = taxon.trim().toLowerCase();
    return [String(org.taxid), org.scientificname.toLowerCase(), org.commonname.toLowerCase()].includes(t);
  }

  private geneBySymbol(symbols: string[], taxon: string): MirrorReply {
    if (!this.taxonMatches(taxon)) {
      return json(200, compact({ messages: [{ error: { gene_error_code: 'INVALID_TAXON_GENE_ARGUMENT', reason: `Invalid taxon: ${taxon}`, message: `The taxon ${taxon} is not the organism of this offline mirror (${this.names.organism.scientificname}, taxid ${this.names.organism.taxid})`, invalid_identifiers: [taxon] } }] }) ?? {});
    }
    const reports: unknown[] = [];
    const missing: string[] = [];
    for (const sym of symbols) {
      const hit = this.names.genes().find(([, g]) => g.symbol.toLowerCase() === sym.toLowerCase());
      if (hit) reports.push({ gene: this.report(hit[0], hit[1]), query: [sym] });
      else missing.push(sym);
    }
    return this.page(reports, missing, 'INCOMPLETE_LOOKUP_SYMBOL', 'symbols');
  }

  private geneById(ids: string[]): MirrorReply {
    const reports: unknown[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const g = /^\d+$/.test(id) ? this.names.gene(id) : undefined;
      if (g) reports.push({ gene: this.report(id, g), query: [id] });
      else missing.push(id);
    }
    return this.page(reports, missing, 'UNKNOWN_GENE_ERROR_CODE', 'gene ids');
  }

  private page(reports: unknown[], missing: string[], code: string, what: string): MirrorReply {
    const messages = missing.length
      ? [{ error: { gene_error_code: code, reason: `Failed to find ${missing.length} of ${reports.length + missing.length} requested ${what}`, message: `The following ${what} were not found: ${missing.join(', ')}`, invalid_identifiers: missing } }]
      : [];
    return json(200, compact({ reports, messages, total_count: reports.length }) ?? {});
  }

  private report(uid: string, g: Gene): Record<string, unknown> {
    const org = this.names.organism;
    const acc = this.names.accession(g.chrom) ?? '';
    const chr = g.chrom.replace(/^chr/, '');
    const orientation = g.strand === '+' ? 'plus' : 'minus';
    const range = { begin: String(g.start + 1), end: String(g.end), orientation };
    const first = safe(() => this.asm.bandAt(g.chrom, g.start)?.name ?? '');
    const last = safe(() => this.asm.bandAt(g.chrom, g.end - 1)?.name ?? '');
    const band = !first ? '' : !last || last === first ? `${chr}${first}` : `${chr}${first}-${last}`;
    const grch38 = this.names.grch38 && !acc.startsWith('GG_');
    const release = (this.asm.manifest.source as Record<string, unknown> | undefined)?.annotationRelease;
    const info = this.names.geneInfo(uid);
    return compact({
      gene_id: uid,
      symbol: g.symbol,
      description: info?.description,
      tax_id: String(org.taxid),
      taxname: org.scientificname,
      common_name: org.commonname,
      type: g.proteinCoding ? 'PROTEIN_CODING' : 'ncRNA',
      orientation,
      chromosomes: [chr],
      nomenclature_authority: info?.hgnc ? { authority: 'HGNC', identifier: info.hgnc } : undefined,
      omim_ids: info?.mim,
      synonyms: info?.synonyms,
      annotations: [{
        assembly_accession: grch38 ? GRCH38_ASSEMBLY.refseq : '',
        assembly_name: grch38 ? GRCH38_ASSEMBLY.name : this.asm.name,
        annotation_name: typeof release === 'string' ? release : '',
        genomic_locations: [{ genomic_accession_version: acc, sequence_name: chr, genomic_range: range }],
      }],
      transcript_count: g.transcripts.length,
      map_locations: band ? [{ map_type: 'Cytogenetic', map_value: band }] : [],
    }) as Record<string, unknown>;
  }

  private sequenceReports(accession: string, chromosomes: string[], roles: string[]): MirrorReply {
    const known = this.names.grch38 ? [GRCH38_ASSEMBLY.refseq, GRCH38_ASSEMBLY.genbank] : [];
    if (!known.includes(accession.trim())) {
      return rpcStatus(404, 5, `No assemblies found for accession ${accession} (offline mirror: ${known.length ? known.join(', ') : `none; ${this.asm.name} is not an NCBI assembly`})`);
    }
    const want = new Set(chromosomes.map((c) => c.replace(/^chr/i, '').toUpperCase()));
    if (roles.length && !roles.includes('assembled-molecule')) return json(200, {});
    const sizes = this.asm.chromSizes();
    const reports: unknown[] = [];
    this.asm.primaryChromosomes().forEach((chrom) => {
      const refseq = this.names.accession(chrom);
      if (!refseq || refseq.startsWith('GG_')) return; // a partial import is not the NCBI record
      const name = chrom === 'chrM' ? 'MT' : chrom.replace(/^chr/, '');
      if (want.size && !want.has(name.toUpperCase()) && !(name === 'MT' && want.has('M'))) return;
      reports.push(compact({
        genbank_accession: this.names.genbank(chrom),
        refseq_accession: refseq,
        chr_name: name,
        ucsc_style_name: chrom,
        sort_order: PRIMARY.indexOf(chrom) + 1,
        assembly_accession: accession.trim(),
        assembly_unit: chrom === 'chrM' ? 'non-nuclear' : 'Primary Assembly',
        assigned_molecule_location_type: chrom === 'chrM' ? 'Mitochondrion' : 'Chromosome',
        length: sizes.get(chrom),
        role: 'assembled-molecule',
      }));
    });
    return json(200, compact({ reports, total_count: reports.length }) ?? {});
  }
}

const PRIMARY = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM'];

function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

function safe<T>(f: () => T): T | '' {
  try {
    return f();
  } catch {
    return ''; // no cytoBand table
  }
}
