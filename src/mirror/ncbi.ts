// Offline eutils.ncbi.nlm.nih.gov: esearch (db=gene, db=nuccore), esummary (db=gene with
// genomicinfo, db=nuccore) and efetch (db=nuccore FASTA with seq_start/seq_stop/strand). Shapes
// follow the real E-utilities: numeric UIDs for every db (NCBI Gene ids, nuccore GIs) that
// esummary/efetch take back, accessions accepted where NCBI accepts them, JSON counts as
// strings, 0-based genomicinfo chrstart/chrstop with chrstart > chrstop on the minus strand,
// 1-based efetch ranges, 70-column uppercase FASTA, ERROR elements/fields for bad requests.

import type { AssemblyApi, Gene } from '../genome/types.js';
import { Names } from './accessions.js';
import { json, type MirrorReply, text } from './reply.js';
import { reverseComplement } from '../envs/genome-qa/seq.js';

const MAX_FETCH = 50_000_000;

export class EutilsMirror {
  readonly names: Names;
  private asm: AssemblyApi;

  constructor(asm: AssemblyApi, names?: Names) {
    this.asm = asm;
    this.names = names ?? new Names(asm);
  }

  async handle(url: URL): Promise<MirrorReply> {
    const path = url.pathname.replace(/^\/entrez\/eutils\//, '').replace(/\/+$/, '');
    const p = url.searchParams;
    switch (path) {
      case 'esearch.fcgi':
        return this.esearch(p);
      case 'esummary.fcgi':
        return this.esummary(p);
      case 'efetch.fcgi':
        return this.efetch(p);
      case 'einfo.fcgi':
        return json(200, { header: { type: 'einfo', version: '0.3' }, einforesult: { dblist: ['gene', 'nuccore'] } });
      default:
        return text(404, `Not Found: ${url.pathname} (offline mirror serves esearch.fcgi, esummary.fcgi, efetch.fcgi, einfo.fcgi under /entrez/eutils/)`);
    }
  }

  private esearch(p: URLSearchParams): MirrorReply {
    const db = p.get('db') ?? 'pubmed';
    const term = p.get('term') ?? '';
    const asJson = p.get('retmode') === 'json';
    const retmax = Math.max(0, Number(p.get('retmax') ?? '20') || 0);
    const retstart = Math.max(0, Number(p.get('retstart') ?? '0') || 0);
    let ids: string[];
    let translation = term;
    if (db === 'gene') ids = this.searchGenes(term);
    else if (db === 'nuccore') ids = this.searchNuccore(term);
    else return esearchError(asJson, `Invalid db name specified: ${db} (offline mirror: gene, nuccore)`);
    if (!term.trim()) return esearchError(asJson, 'Empty term and query_key - nothing todo');
    translation = translation.trim();
    const page = ids.slice(retstart, retstart + retmax);
    const none = ids.length === 0;
    if (asJson) {
      const result: Record<string, unknown> = { count: String(ids.length), retmax: String(page.length), retstart: String(retstart), idlist: page, translationset: [], querytranslation: translation };
      if (none) {
        result.errorlist = { phrasesnotfound: [], fieldsnotfound: [] };
        result.warninglist = { phrasesignored: [], quotedphrasesnotfound: [], outputmessages: ['No items found.'] };
      }
      return json(200, { header: { type: 'esearch', version: '0.3' }, esearchresult: result });
    }
    const warn = none ? '<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>' : '';
    const xml = `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n<eSearchResult><Count>${ids.length}</Count><RetMax>${page.length}</RetMax><RetStart>${retstart}</RetStart><IdList>\n${page.map((i) => `<Id>${i}</Id>`).join('\n')}\n</IdList><TranslationSet/><QueryTranslation>${escapeXml(translation)}</QueryTranslation>${warn}</eSearchResult>\n`;
    return text(200, xml, 'text/xml');
  }

  /** True when an organism clause ([Organism], [Organism:exp], txid<N>, [taxid]) names this assembly's organism. */
  private organismMatches(value: string, field: string): boolean | undefined {
    if (!['orgn', 'organism', 'porgn', 'organism:exp', 'organism:noexp', 'orgn:exp', 'orgn:noexp', 'taxid', 'taxonomy id', 'tid'].includes(field)) return undefined;
    const org = this.names.organism;
    const byTaxid = ['taxid', 'taxonomy id', 'tid'].includes(field);
    const names = byTaxid ? [String(org.taxid), `txid${org.taxid}`] : [org.scientificname, org.commonname, `txid${org.taxid}`];
    return names.some((n) => n.toLowerCase() === value);
  }

  /** AND-joined terms with optional [field] tags: sym/gene/preferred symbol, orgn, chr. */
  private searchGenes(term: string): string[] {
    const clauses = fieldClauses(term);
    if (!clauses) return [];
    let genes = this.names.genes();
    for (const { value, field } of clauses) {
      // [Organism], [orgn], [Organism:exp]/[:noexp] (name or txid<N>) and [taxid]/[Taxonomy ID] (N or txid<N>)
      const org = this.organismMatches(value, field);
      if (org !== undefined) {
        if (!org) return [];
        continue;
      }
      // alive[prop] (current records) and srcdb_refseq[prop]: every gene the mirror has is both
      if (['prop', 'properties', 'filter'].includes(field) && ['alive', 'srcdb_refseq', 'refseq'].includes(value)) continue;
      if (field === 'uid') {
        genes = genes.filter(([uid]) => uid === value);
        continue;
      }
      if (['chr', 'chromosome'].includes(field)) {
        genes = genes.filter(([, g]) => g.chrom.replace(/^chr/, '').toLowerCase() === value.replace(/^chr/, ''));
        continue;
      }
      if (['sym', 'gene', 'gene name', 'preferred symbol', 'pref', 'all', 'all fields'].includes(field)) {
        genes = genes.filter(([, g]) => g.symbol.toLowerCase() === value || (field === 'all' && g.transcripts.some((t) => t.name.toLowerCase() === value || t.name.split('.')[0].toLowerCase() === value)));
        continue;
      }
      return [];
    }
    return genes.map(([uid]) => uid).sort((a, b) => Number(a) - Number(b));
  }

  /** nuccore terms: accession[.version] ([accn] or bare), uid ([uid]), chromosome ([chr]), organism and RefSeq filters; UIDs are GIs. */
  private searchNuccore(term: string): string[] {
    const clauses = fieldClauses(term);
    if (!clauses) return [];
    let chroms = this.asm.primaryChromosomes().filter((c) => this.names.accession(c));
    for (const { value, field } of clauses) {
      const org = this.organismMatches(value, field);
      if (org !== undefined) {
        if (!org) return [];
        continue;
      }
      if (['filter', 'properties', 'prop'].includes(field) && ['refseq', 'srcdb_refseq', 'srcdb_refseq[prop]'].includes(value)) continue;
      if (['chr', 'chromosome'].includes(field)) {
        chroms = chroms.filter((c) => c.replace(/^chr/, '').toLowerCase() === value.replace(/^chr/, '') || (c === 'chrM' && value === 'mt'));
        continue;
      }
      if (['accn', 'accession', 'all', 'all fields', 'uid', 'pacc', 'primary accession'].includes(field)) {
        const chrom = this.names.chromOfNuccoreId(value);
        chroms = chroms.filter((c) => c === chrom);
        continue;
      }
      return [];
    }
    // a search that names no record (only organism/filter clauses) finds the chromosome records
    return chroms.map((c) => this.names.nuccoreUid(c)!).sort((a, b) => Number(a) - Number(b));
  }

  private esummary(p: URLSearchParams): MirrorReply {
    const db = p.get('db') ?? '';
    const asJson = p.get('retmode') === 'json';
    const fail = (message: string) =>
      asJson
        ? json(200, { header: { type: 'esummary', version: '0.3' }, error: message })
        : text(200, `<?xml version="1.0" encoding="UTF-8" ?>\n<eSummaryResult>\n\t<ERROR>${escapeXml(message)}</ERROR>\n</eSummaryResult>\n`, 'text/xml');
    const nuccore = db === 'nuccore' || db === 'nucleotide';
    if (db !== 'gene' && !nuccore) return fail(`Invalid db name specified: ${db} (offline mirror: gene, nuccore)`);
    const ids = (p.get('id') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) return fail('Empty id list - nothing todo');
    if (nuccore) return this.nuccoreSummary(ids, asJson);
    const result: Record<string, unknown> = { uids: ids };
    for (const id of ids) {
      const g = this.names.gene(id);
      result[id] = g ? this.docsum(id, g) : { uid: id, error: 'cannot get document summary' };
    }
    if (asJson) return json(200, { header: { type: 'esummary', version: '0.3' }, result });
    return text(200, summaryXml(ids, result), 'text/xml');
  }

  /** nuccore DocSums: uids are GIs; an accession is answered under the GI it stands for, as NCBI does. */
  private nuccoreSummary(ids: string[], asJson: boolean): MirrorReply {
    const docs: [string, Record<string, unknown> | null][] = ids.map((id) => {
      const chrom = this.names.chromOfNuccoreId(id);
      return chrom ? [this.names.nuccoreUid(chrom)!, this.nuccoreDoc(chrom)] : [id, null];
    });
    if (asJson) {
      const result: Record<string, unknown> = { uids: docs.map(([uid]) => uid) };
      for (const [uid, doc] of docs) result[uid] = doc ?? { uid, error: 'cannot get document summary' };
      return json(200, { header: { type: 'esummary', version: '0.3' }, result });
    }
    const items = docs.map(([uid, d]) => {
      if (!d) return `<DocSum>\n\t<Id>${escapeXml(uid)}</Id>\n\t<ERROR>cannot get document summary</ERROR>\n</DocSum>`;
      const item = (name: string, type: string, v: unknown) => `\t<Item Name="${name}" Type="${type}">${escapeXml(String(v))}</Item>`;
      return [
        '<DocSum>', `\t<Id>${uid}</Id>`, item('Caption', 'String', d.caption), item('Title', 'String', d.title), item('Extra', 'String', d.extra),
        item('Gi', 'Integer', d.gi), item('CreateDate', 'String', d.createdate), item('UpdateDate', 'String', d.updatedate), item('Flags', 'Integer', d.flags),
        item('TaxId', 'Integer', d.taxid), item('Length', 'Integer', d.slen), item('Status', 'String', 'live'), item('ReplacedBy', 'String', ''),
        `\t<Item Name="Comment" Type="String"><![CDATA[  ]]></Item>`, item('AccessionVersion', 'String', d.accessionversion), '</DocSum>',
      ].join('\n');
    });
    return text(200, `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">\n<eSummaryResult>\n${items.join('\n')}\n</eSummaryResult>\n`, 'text/xml');
  }

  private nuccoreDoc(chrom: string): Record<string, unknown> {
    const acc = this.names.accession(chrom)!;
    const uid = this.names.nuccoreUid(chrom)!;
    const real = this.names.grch38 && !acc.startsWith('GG_');
    const length = real ? this.asm.chromSizes().get(chrom)! : this.asm.sequence.size(chrom) ?? this.asm.chromSizes().get(chrom)!;
    const mito = chrom === 'chrM';
    const org = this.names.organism;
    return {
      uid,
      caption: acc.split('.')[0],
      title: this.names.title(chrom),
      extra: `gi|${uid}|ref|${acc}|`,
      gi: Number(uid),
      createdate: '',
      updatedate: '',
      flags: 0,
      taxid: org.taxid,
      slen: length,
      biomol: 'genomic',
      moltype: 'dna',
      topology: mito ? 'circular' : 'linear',
      sourcedb: real ? 'refseq' : 'other',
      segsetsize: 0,
      projectid: 0,
      genome: mito ? 'mitochondrion' : 'chromosome',
      subtype: mito ? '' : 'chromosome',
      subname: mito ? '' : chrom.replace(/^chr/, ''),
      assemblygi: 0,
      assemblyacc: real ? 'GCF_000001405.40' : '',
      tech: '',
      completeness: real ? 'complete' : '',
      geneticcode: mito ? '2' : '1',
      strand: '',
      organism: org.scientificname,
      strain: '',
      biosample: '',
      statistics: [{ type: 'Length', count: length }],
      properties: { na: '1' },
      oslt: { indexed: true, value: acc },
      accessionversion: acc,
    };
  }

  private docsum(uid: string, g: Gene): Record<string, unknown> {
    const acc = this.names.accession(g.chrom) ?? '';
    // 0-based; the 5' end first, so minus-strand genes have chrstart > chrstop
    const [chrstart, chrstop] = g.strand === '+' ? [g.start, g.end - 1] : [g.end - 1, g.start];
    const exoncount = mergedExonCount(g);
    const first = this.asm.bandAt(g.chrom, g.start);
    const last = this.asm.bandAt(g.chrom, g.end - 1);
    const chr = g.chrom.replace(/^chr/, '');
    const maplocation = !first?.name ? '' : !last?.name || last.name === first.name ? `${chr}${first.name}` : `${chr}${first.name}-${last.name}`;
    const release = String((this.asm.manifest.source as Record<string, unknown> | undefined)?.annotationRelease ?? `genegym mirror of ${this.asm.name}`);
    const assemblyAcc = this.names.grch38 ? 'GCF_000001405.40' : `${this.asm.name} (synthetic)`;
    const info = this.names.geneInfo(uid);
    return {
      uid,
      name: g.symbol,
      description: info?.description ?? (this.names.grch38 ? '' : `synthetic gene ${g.symbol}`),
      status: '',
      currentid: '',
      chromosome: chr,
      geneticsource: 'genomic',
      maplocation,
      otheraliases: (info?.synonyms ?? []).join(', '),
      otherdesignations: '',
      nomenclaturesymbol: g.symbol,
      nomenclaturename: '',
      nomenclaturestatus: this.names.grch38 ? 'Official' : '',
      mim: info?.mim ?? [],
      genomicinfo: [{ chrloc: chr, chraccver: acc, chrstart, chrstop, exoncount }],
      geneweight: 0,
      summary: '',
      chrsort: chr.padStart(2, '0'),
      chrstart,
      organism: this.names.organism,
      locationhist: [{ annotationrelease: release, assemblyaccver: assemblyAcc, chraccver: acc, chrstart, chrstop }],
    };
  }

  private async efetch(p: URLSearchParams): Promise<MirrorReply> {
    const db = p.get('db');
    if (db !== 'nuccore' && db !== 'nucleotide') return text(400, `Error: offline mirror serves efetch only for db=nuccore (got db=${db})`);
    const rettype = p.get('rettype') ?? 'fasta';
    if (rettype !== 'fasta') return text(400, `Error: offline mirror serves only rettype=fasta for db=nuccore (got rettype=${rettype})`);
    const id = (p.get('id') ?? '').trim();
    if (!id) return text(400, 'Error: Empty id list - nothing todo');
    if (id.includes(',')) return text(400, 'Error: offline mirror fetches one id per request');
    const chrom = this.names.chromOfNuccoreId(id);
    if (!chrom) return text(400, `Error: F a i l e d  t o  u n d e r s t a n d  i d :  ${id}`);
    const acc = this.names.accession(chrom)!;
    const size = this.asm.chromSizes().get(chrom)!;
    const readable = this.asm.sequence.size(chrom) ?? 0;
    const s1 = p.has('seq_start') ? Number(p.get('seq_start')) : 1;
    let e1 = p.has('seq_stop') ? Number(p.get('seq_stop')) : size;
    if (!Number.isInteger(s1) || !Number.isInteger(e1) || s1 < 1) return text(400, `Error: seq_start/seq_stop must be positive integers (1-based)`);
    if (e1 > size) e1 = size; // NCBI clamps a stop past the end
    if (s1 > e1) return text(400, `Error: seq_start ${s1} is after seq_stop ${e1}`);
    if (e1 - s1 + 1 > MAX_FETCH) return text(400, `Error: offline mirror returns at most ${MAX_FETCH} bases per request; use seq_start/seq_stop`);
    if (e1 > readable) return text(400, `Error: offline mirror holds only ${acc}:1-${readable}`);
    const minus = p.get('strand') === '2';
    let seq = (await this.asm.read(chrom, s1 - 1, e1, { softMask: false })).toUpperCase();
    if (minus) seq = reverseComplement(seq);
    const whole = !p.has('seq_start') && !p.has('seq_stop') && !minus;
    const range = whole ? '' : minus ? `:c${e1}-${s1}` : `:${s1}-${e1}`;
    const lines = [`>${acc}${range} ${this.names.title(chrom)}`];
    for (let i = 0; i < seq.length; i += 70) lines.push(seq.slice(i, i + 70));
    return text(200, `${lines.join('\n')}\n\n`, 'text/plain');
  }
}

/** AND-joined clauses of an Entrez term, each without its enclosing parentheses: "(MYC[sym]) AND (human[orgn])". */
/** AND-joined `value[field]` clauses, lower-cased (field "all" when untagged); null if one is unreadable. */
function fieldClauses(term: string): { value: string; field: string }[] | null {
  const out: { value: string; field: string }[] = [];
  for (const clause of andClauses(term)) {
    const m = clause.match(/^"?(.+?)"?\s*(?:\[([^\]]+)\])?$/);
    if (!m) return null;
    out.push({ value: m[1].trim().toLowerCase(), field: (m[2] ?? 'all').trim().toLowerCase() });
  }
  return out;
}

function andClauses(term: string): string[] {
  let t = term.trim();
  while (/^\(.*\)$/.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t
    .split(/\s+AND\s+/i)
    .map((c) => {
      let x = c.trim();
      while (/^\(.*\)$/.test(x) && balanced(x.slice(1, -1))) x = x.slice(1, -1).trim();
      return x;
    })
    .filter(Boolean);
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function mergedExonCount(g: Gene): number {
  const ivs = g.transcripts.flatMap((t) => t.exonStarts.map((s, i) => [s, t.exonEnds[i]] as [number, number])).sort((a, b) => a[0] - b[0]);
  let n = 0;
  let end = -1;
  for (const [s, e] of ivs) {
    if (s >= end) n++;
    end = Math.max(end, e);
  }
  return n;
}

function esearchError(asJson: boolean, message: string): MirrorReply {
  if (asJson) return json(200, { header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: message } });
  return text(200, `<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><ERROR>${escapeXml(message)}</ERROR></eSearchResult>\n`, 'text/xml');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function summaryXml(ids: string[], result: Record<string, unknown>): string {
  const items: string[] = [];
  for (const id of ids) {
    const d = result[id] as Record<string, unknown>;
    if ('error' in d) {
      items.push(`<DocumentSummary uid="${id}"><error>${escapeXml(String(d.error))}</error></DocumentSummary>`);
      continue;
    }
    const gi = (d.genomicinfo as Record<string, unknown>[])[0];
    items.push(
      `<DocumentSummary uid="${id}"><Name>${escapeXml(String(d.name))}</Name><Description>${escapeXml(String(d.description))}</Description>` +
        `<Chromosome>${d.chromosome}</Chromosome><MapLocation>${d.maplocation}</MapLocation>` +
        `<GenomicInfo><GenomicInfoType><ChrLoc>${gi.chrloc}</ChrLoc><ChrAccVer>${gi.chraccver}</ChrAccVer><ChrStart>${gi.chrstart}</ChrStart><ChrStop>${gi.chrstop}</ChrStop><ExonCount>${gi.exoncount}</ExonCount></GenomicInfoType></GenomicInfo></DocumentSummary>`,
    );
  }
  return `<?xml version="1.0" ?>\n<eSummaryResult><DocumentSummarySet status="OK">\n${items.join('\n')}\n</DocumentSummarySet></eSummaryResult>\n`;
}
