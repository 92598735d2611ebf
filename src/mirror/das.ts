// Offline genome.ucsc.edu/cgi-bin/das: the DAS 1 server UCSC still runs. /das/dsn lists the
// data source, /das/<db>/entry_points the chromosomes, /das/<db>/dna?segment=chr1:1,100 the
// DNA (1-based inclusive segment, lower case, 50 bases a line, XML sent as text/plain as kent
// does). Errors are kent's: an empty body with the DAS code in X-DAS-Status (401 unknown data
// source, 402 bad arguments, 403 unknown reference sequence, 405 bad coordinates, 501 a
// command this mirror does not serve).

import type { AssemblyApi } from '../genome/types.js';
import type { Names } from './accessions.js';
import type { MirrorReply } from './reply.js';

const DAS_BAD_DATA_SOURCE = 401;
const DAS_BAD_COMMAND_ARGS = 402;
const DAS_BAD_REFERENCE_OBJECT = 403;
const DAS_COORDINATE_ERROR = 405;
const DAS_UNIMPLEMENTED_FEATURE = 501;
/** one request's DNA cap, so a whole-genome segment list can't exhaust the server */
const MAX_DAS_BASES = 50_000_000;

function dasReply(code: number, body = ''): MirrorReply {
  return { status: 200, contentType: 'text/plain', body, headers: { 'X-DAS-Version': 'DAS/0.95', 'X-DAS-Status': String(code) } };
}

const XML_HEAD = '<?xml version="1.0" standalone="no"?>\n';

export class DasMirror {
  private asm: AssemblyApi;
  private names: Names;

  constructor(asm: AssemblyApi, names: Names) {
    this.asm = asm;
    this.names = names;
  }

  async handle(url: URL): Promise<MirrorReply> {
    const words = url.pathname.replace(/^\/cgi-bin\/das\/?/, '').split('/').filter(Boolean);
    if (words.length === 0) {
      return dasReply(200, 'UCSC DAS Server (offline mirror).\nTry /cgi-bin/das/dsn for the data source, ' +
        `/cgi-bin/das/${this.asm.name}/entry_points for its sequences and /cgi-bin/das/${this.asm.name}/dna?segment=chr1:1,100 for DNA.\n`);
    }
    if (words[0] === 'dsn') return this.dsn();
    if (words.length === 1) return dasReply(200, 'Expecting dsn or database/command in the URL after das.\nTry das/dsn for a list of databases.\n');
    if (words[0] !== this.asm.name) return dasReply(DAS_BAD_DATA_SOURCE);
    // kent reads only the first two path words
    if (words[1] === 'entry_points') return this.entryPoints(url);
    if (words[1] === 'dna') return this.dna(url);
    return dasReply(DAS_UNIMPLEMENTED_FEATURE); // types/features are not mirrored
  }

  private dsn(): MirrorReply {
    const db = this.asm.name;
    return dasReply(200, `${XML_HEAD}<!DOCTYPE DASDSN SYSTEM "http://www.biodas.org/dtd/dasdsn.dtd">\n<DASDSN>\n   <DSN>\n     <SOURCE id="${db}" version="1.00">${escapeXml(this.asm.manifest.description)} at UCSC</SOURCE>\n     <DESCRIPTION>${escapeXml(this.names.organism.scientificname)} ${db} Genome at UCSC</DESCRIPTION>\n     <MAPMASTER>http://genome.cse.ucsc.edu:80/cgi-bin/das/${db}</MAPMASTER>\n   </DSN>\n</DASDSN>\n`);
  }

  private entryPoints(url: URL): MirrorReply {
    const lines = [...this.asm.chromSizes()].map(([chrom, size]) => {
      const id = chrom.startsWith('chr') ? chrom.slice(3) : chrom;
      return ` <SEGMENT id="${escapeXml(id)}" start="1" stop="${size}" orientation="+" subparts="no">${escapeXml(id)}</SEGMENT>`;
    });
    return dasReply(200, `${XML_HEAD}<!DOCTYPE DASEP SYSTEM "http://www.biodas.org/dtd/dasep.dtd">\n<DASEP>\n<ENTRY_POINTS href="${escapeXml(url.toString())}" version="7.00">\n${lines.join('\n')}\n</ENTRY_POINTS>\n</DASEP>\n`);
  }

  /** segment=name[:start,stop] (repeatable), or the older ref=name[&start=&stop=] */
  private segments(url: URL): { name: string; chrom: string; start: number; end: number }[] | number {
    const q = url.searchParams;
    const raw = q.getAll('segment');
    const out: { name: string; chrom: string; start: number; end: number }[] = [];
    const resolve = (name: string) => this.names.resolveChrom(`chr${name}`) ?? this.names.resolveChrom(name);
    if (raw.length) {
      for (const seg of raw) {
        const parts = seg.split(/[:,]/).filter((p) => p !== '');
        const chrom = resolve(parts[0] ?? '');
        if (parts.length === 2 || parts.length > 3 || parts.length === 0) return DAS_BAD_COMMAND_ARGS;
        if (parts.length === 3 && (!/^\d/.test(parts[1]) || !/^\d/.test(parts[2]))) return DAS_BAD_COMMAND_ARGS;
        if (!chrom) return DAS_BAD_REFERENCE_OBJECT;
        const size = this.asm.chromSizes().get(chrom)!;
        const [start, end] = parts.length === 3 ? [parseInt(parts[1], 10) - 1, parseInt(parts[2], 10)] : [0, size];
        if (start > end || end > size) return DAS_COORDINATE_ERROR;
        out.push({ name: parts[0], chrom, start, end });
      }
      return out;
    }
    const ref = q.get('ref');
    if (!ref) return DAS_BAD_COMMAND_ARGS;
    const chrom = resolve(ref);
    if (!chrom) return DAS_BAD_REFERENCE_OBJECT;
    const size = this.asm.chromSizes().get(chrom)!;
    const int = (v: string | null, dflt: number) => (v === null ? dflt : /^-?\d+$/.test(v.trim()) ? Number(v) : NaN);
    const start = int(q.get('start'), 1) - 1;
    const end = int(q.get('stop'), size);
    if (Number.isNaN(start) || Number.isNaN(end)) return DAS_BAD_COMMAND_ARGS;
    if (start > end || start < 0 || end > size) return DAS_COORDINATE_ERROR;
    return [{ name: ref, chrom, start, end }];
  }

  private async dna(url: URL): Promise<MirrorReply> {
    const segs = this.segments(url);
    if (typeof segs === 'number') return dasReply(segs);
    if (segs.reduce((n, s) => n + s.end - s.start, 0) > MAX_DAS_BASES) return dasReply(DAS_COORDINATE_ERROR);
    const parts: string[] = [];
    for (const s of segs) {
      const readable = this.asm.sequence.size(s.chrom) ?? 0;
      if (s.end > readable) return dasReply(DAS_COORDINATE_ERROR); // fixture assemblies hold part of a chromosome only
      const dna = (await this.asm.read(s.chrom, s.start, s.end)).toLowerCase();
      const lines: string[] = [];
      for (let i = 0; i < dna.length; i += 50) lines.push(dna.slice(i, i + 50));
      parts.push(`<SEQUENCE id="${escapeXml(s.name)}" start="${s.start + 1}" stop="${s.end}" version="1.00">\n<DNA length="${s.end - s.start}">\n${lines.map((l) => `${l}\n`).join('')}</DNA>\n</SEQUENCE>\n`);
    }
    return dasReply(200, `${XML_HEAD}<!DOCTYPE DASDNA SYSTEM "http://www.biodas.org/dtd/dasdna.dtd">\n<DASDNA>\n${parts.join('')}</DASDNA>\n`);
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
