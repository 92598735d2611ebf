// Offline api.genome.ucsc.edu: /getData/sequence, /getData/track (cytoBand and the genePred
// tracks ncbiRefSeq, ncbiRefSeqCurated, ncbiRefSeqSelect, refGene), /list/chromosomes,
// /list/tracks, /search. Replies follow the kent hubApi: a downloadTime envelope, 0-based
// half-open coordinates, soft-masked DNA, genePred exon lists as comma-terminated strings,
// 400 replies for extraneous arguments, bad ranges and unknown genomes, chromosomes or tracks.

import type { AssemblyApi, CytoBand, Transcript } from '../genome/types.js';
import { reverseComplement } from '../genome/revcomp.js';
import { json, type MirrorReply, ucscParams } from './reply.js';

const MAX_DNA = 499_999_999;
const DEFAULT_MAX_ITEMS = 1_000_000;

interface TrackDef {
  shortLabel: string;
  longLabel: string;
  type: string;
  group: string;
  rows(asm: AssemblyApi): Transcript[] | CytoBand[];
}

const GENEPRED = 'genePred';
const TRACKS: Record<string, TrackDef> = {
  cytoBand: { shortLabel: 'Chromosome Band', longLabel: 'Chromosome Bands Localized by FISH Mapping Clones', type: 'bed 4 +', group: 'map', rows: (a) => a.bands() },
  ncbiRefSeq: { shortLabel: 'RefSeq All', longLabel: 'NCBI RefSeq genes, curated and predicted sets (NM_*, XM_*, NR_*, XR_*, NP_* or YP_*)', type: GENEPRED, group: 'genes', rows: (a) => a.transcripts() },
  ncbiRefSeqCurated: { shortLabel: 'RefSeq Curated', longLabel: 'NCBI RefSeq genes, curated subset (NM_*, NR_*, NP_* or YP_*)', type: GENEPRED, group: 'genes', rows: (a) => a.transcripts().filter((t) => /^(NM|NR|NP|YP)_/.test(t.name) || !/^X[MR]_/.test(t.name)) },
  ncbiRefSeqSelect: { shortLabel: 'RefSeq Select', longLabel: 'NCBI RefSeq/MANE Select: one representative transcript per protein-coding gene', type: GENEPRED, group: 'genes', rows: (a) => a.transcripts().filter((t) => t.select) },
  refGene: { shortLabel: 'UCSC RefSeq', longLabel: 'UCSC annotations of RefSeq RNAs (NM_* and NR_*)', type: GENEPRED, group: 'genes', rows: (a) => a.transcripts().filter((t) => !/^X[MR]_/.test(t.name)) },
};

/** UCSC's "2026:02:16T18:53:40Z" (colons in the date, as the real server writes it). */
export function ucscDownloadTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

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

export class UcscMirror {
  private asm: AssemblyApi;
  private now: () => Date;
  private rowsCache = new Map<string, (Transcript | CytoBand)[]>();

  constructor(asm: AssemblyApi, now: () => Date = () => new Date()) {
    this.asm = asm;
    this.now = now;
  }

  private envelope(): { downloadTime: string; downloadTimeStamp: number } {
    const d = this.now();
    return { downloadTime: ucscDownloadTime(d), downloadTimeStamp: Math.floor(d.getTime() / 1000) };
  }

  private error(status: number, message: string): MirrorReply {
    const statusMessage = status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : 'Internal Server Error';
    return json(status, { ...this.envelope(), error: message, statusCode: status, statusMessage });
  }

  private get dataTime(): { dataTime: string; dataTimeStamp: number } {
    const d = new Date(this.asm.manifest.createdAt);
    const ok = !Number.isNaN(d.getTime());
    return {
      dataTime: ok ? d.toISOString().slice(0, 19) : '1970-01-01T00:00:00',
      dataTimeStamp: ok ? Math.floor(d.getTime() / 1000) : 0,
    };
  }

  async handle(url: URL): Promise<MirrorReply> {
    const path = url.pathname.replace(/\/+$/, '');
    const params = ucscParams(url);
    switch (path) {
      case '/getData/sequence':
        return this.sequence(params);
      case '/getData/track':
        return this.track(params);
      case '/list/chromosomes':
        return this.chromosomes(params);
      case '/list/tracks':
        return this.tracks(params);
      case '/search':
        return this.search(params);
      case '/list/ucscGenomes':
        return this.genomes(params);
      default: {
        const words = path.split('/').filter(Boolean);
        if (words.length === 0) return this.error(400, "no endpoint given: try /list/ucscGenomes, /getData/sequence, /getData/track, /list/chromosomes, /list/tracks or /search");
        return this.error(400, `do not recognize endpoint function: '${path}'`);
      }
    }
  }

  private extraneous(fn: string, params: Map<string, string>, allowed: string[]): MirrorReply | null {
    const extra = [...params.keys()].filter((k) => !allowed.includes(k));
    return extra.length ? this.error(400, `extraneous arguments found for function ${fn} '${extra.join(';')}'`) : null;
  }

  private genomeCheck(fn: string, params: Map<string, string>): MirrorReply | null {
    if (params.has('hubUrl')) return this.error(400, `track hubs are not available in this offline mirror (hubUrl given) for endpoint '${fn}'`);
    const g = params.get('genome');
    if (!g) return this.error(400, `missing URL genome=<ucscDb> name for endpoint '${fn}'`);
    if (g !== this.asm.name) return this.error(400, `can not find genome='${g}' for endpoint '${fn}' (this mirror serves genome=${this.asm.name})`);
    return null;
  }

  private genomes(params: Map<string, string>): MirrorReply {
    const bad = this.extraneous('/list/ucscGenomes', params, []);
    if (bad) return bad;
    return json(200, {
      ...this.envelope(),
      dataTime: this.dataTime.dataTime,
      dataTimeStamp: this.dataTime.dataTimeStamp,
      ucscGenomes: { [this.asm.name]: { description: this.asm.manifest.description, organism: this.asm.manifest.synthetic ? 'synthetic' : 'Human', defaultPos: '', active: 1, orderKey: 1, genome: this.asm.name, scientificName: this.asm.manifest.synthetic ? 'synthetic' : 'Homo sapiens', sourceName: this.asm.manifest.description, taxId: this.asm.manifest.synthetic ? 0 : 9606 } },
    });
  }

  private async sequence(params: Map<string, string>): Promise<MirrorReply> {
    const fn = '/getData/sequence';
    const bad = this.extraneous(fn, params, ['genome', 'hubUrl', 'chrom', 'start', 'end', 'revComp']) ?? this.genomeCheck(fn, params);
    if (bad) return bad;
    const db = this.asm.name;
    const chrom = params.get('chrom');
    if (!chrom) return this.error(400, `missing URL chrom=<name> for endpoint '${fn}?genome=${db}'`);
    const size = this.asm.chromSizes().get(chrom);
    const readable = this.asm.sequence.size(chrom);
    if (size === undefined || readable === undefined) return this.error(400, `can not find specified chrom=${chrom} in sequence for endpoint '${fn}?genome=${db};chrom=${chrom}`);
    const startS = params.get('start');
    const endS = params.get('end');
    let start = 0;
    let end = size;
    if (startS && endS) {
      if (!/^-?\d+$/.test(startS) || !/^-?\d+$/.test(endS)) return this.error(400, `invalid start=${startS} or end=${endS}: integers expected for endpoint '${fn}'`);
      start = Number(startS);
      end = Number(endS);
      if (end - start > MAX_DNA) return this.error(400, `DNA sequence request ${end - start} too large, limit: ${MAX_DNA} for endpoint '${fn}?genome=${db};chrom=${chrom};start=${startS};end=${endS}'`);
      if (end > size) return this.error(400, `DNA sequence request end coordinate ${end} past end of chromosome size ${size} for endpoint '${fn}?genome=${db};chrom=${chrom};start=${startS};end=${endS}'`);
      if (start < 0 || start >= end) return this.error(400, `invalid start=${startS} end=${endS} (need 0 <= start < end) for endpoint '${fn}?genome=${db};chrom=${chrom};start=${startS};end=${endS}'`);
    }
    if (end > readable) {
      // only fixture assemblies hold partial chromosomes; say so rather than inventing bases
      return this.error(400, `can not find sequence for chrom=${chrom};start=${start};end=${end}: this offline mirror holds only ${chrom}:0-${readable} for endpoint '${fn}?genome=${db};chrom=${chrom}'`);
    }
    let dna = await this.asm.read(chrom, start, end);
    const revComp = ['1', 'on', 'true'].includes((params.get('revComp') ?? '').toLowerCase());
    const body: Record<string, unknown> = { ...this.envelope(), genome: db, chrom, start, end };
    if (revComp) {
      dna = reverseComplement(dna); // keeps the soft-mask case, as kent does
      body.revComp = true;
    }
    body.dna = dna;
    return json(200, body);
  }

  private rows(track: string): (Transcript | CytoBand)[] {
    let r = this.rowsCache.get(track);
    if (!r) {
      const list = TRACKS[track].rows(this.asm) as (Transcript | CytoBand)[];
      r = [...list].sort((a, b) => chromOrder(a.chrom) - chromOrder(b.chrom) || startOf(a) - startOf(b));
      this.rowsCache.set(track, r);
    }
    return r;
  }

  private async track(params: Map<string, string>): Promise<MirrorReply> {
    const fn = '/getData/track';
    const bad = this.extraneous(fn, params, ['genome', 'hubUrl', 'track', 'chrom', 'start', 'end', 'maxItemsOutput', 'jsonOutputArrays']) ?? this.genomeCheck(fn, params);
    if (bad) return bad;
    const db = this.asm.name;
    const trackParam = params.get('track');
    if (!trackParam) return this.error(400, `missing URL track=<trackName> name for endpoint '${fn}'`);
    const tracks = trackParam.split(',');
    for (const t of tracks) if (!TRACKS[t]) return this.error(400, `can not find track=${t} name for endpoint '${fn}' (this mirror has: ${Object.keys(TRACKS).join(', ')})`);
    const chrom = params.get('chrom');
    const sizes = this.asm.chromSizes();
    if (chrom && !sizes.has(chrom)) return this.error(400, `can not find chrom=${chrom} for endpoint '${fn}?genome=${db};track=${trackParam}'`);
    let start = 0;
    let end = chrom ? sizes.get(chrom)! : 0;
    const hasRange = params.has('start') || params.has('end');
    if (hasRange) {
      if (!chrom) return this.error(400, `must specify chrom=<name> when using start=<number> and end=<number> for endpoint '${fn}'`);
      start = Number(params.get('start') ?? '0');
      end = Number(params.get('end') ?? String(sizes.get(chrom)));
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) return this.error(400, `invalid start=${params.get('start')} or end=${params.get('end')} for endpoint '${fn}'`);
      if (end > sizes.get(chrom)!) return this.error(400, `end coordinate ${end} past end of chromosome size ${sizes.get(chrom)} for endpoint '${fn}?genome=${db};track=${trackParam};chrom=${chrom}'`);
    }
    const maxItems = params.has('maxItemsOutput') ? Number(params.get('maxItemsOutput')) : DEFAULT_MAX_ITEMS;
    if (!Number.isInteger(maxItems) || maxItems < -1 || maxItems === 0) return this.error(400, `maxItemsOutput=${params.get('maxItemsOutput')} must be a positive integer or -1 for endpoint '${fn}'`);
    const limit = maxItems === -1 ? Infinity : maxItems;
    const arrays = ['1', 'on', 'true'].includes((params.get('jsonOutputArrays') ?? '').toLowerCase());
    const body: Record<string, unknown> = { ...this.envelope(), genome: db, ...this.dataTime, trackType: tracks.map((t) => TRACKS[t].type).join(','), track: trackParam };
    if (chrom) {
      body.chrom = chrom;
      body.start = start;
      body.end = end;
    }
    let returned = 0;
    let truncated = false;
    for (const t of tracks) {
      const isGenePred = TRACKS[t].type === GENEPRED;
      if (arrays) body.columnTypes = isGenePred ? GENEPRED_COLUMNS : CYTOBAND_COLUMNS;
      const pick = (r: Transcript | CytoBand) => (isGenePred ? genePredRow(r as Transcript, arrays) : cytoBandRow(r as CytoBand, arrays));
      const all = this.rows(t);
      if (chrom) {
        const list: unknown[] = [];
        for (const r of all) {
          if (r.chrom !== chrom || endOf(r) <= start || startOf(r) >= end) continue;
          if (returned >= limit) {
            truncated = true;
            break;
          }
          list.push(pick(r));
          returned++;
        }
        body[t] = list;
      } else {
        const byChrom: Record<string, unknown[]> = {};
        for (const r of all) {
          if (returned >= limit) {
            truncated = true;
            break;
          }
          (byChrom[r.chrom] ??= []).push(pick(r));
          returned++;
        }
        body[t] = byChrom;
      }
    }
    body.itemsReturned = returned;
    if (truncated) body.maxItemsLimit = true;
    return json(truncated ? 206 : 200, body);
  }

  private chromosomes(params: Map<string, string>): MirrorReply {
    const fn = '/list/chromosomes';
    const bad = this.extraneous(fn, params, ['genome', 'hubUrl', 'track']) ?? this.genomeCheck(fn, params);
    if (bad) return bad;
    const track = params.get('track');
    const sizes = this.asm.chromSizes();
    const body: Record<string, unknown> = { ...this.envelope(), genome: this.asm.name, ...this.dataTime };
    let names = [...sizes.keys()];
    if (track) {
      if (!TRACKS[track]) return this.error(400, `can not find track=${track} name for endpoint '${fn}'`);
      const present = new Set(this.rows(track).map((r) => r.chrom));
      names = names.filter((n) => present.has(n));
      body.track = track;
    }
    body.chromCount = names.length;
    body.chromosomes = Object.fromEntries(names.map((n) => [n, sizes.get(n)!]));
    return json(200, body);
  }

  private tracks(params: Map<string, string>): MirrorReply {
    const fn = '/list/tracks';
    const bad = this.extraneous(fn, params, ['genome', 'hubUrl', 'trackLeavesOnly']) ?? this.genomeCheck(fn, params);
    if (bad) return bad;
    const list: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(TRACKS)) {
      list[name] = { shortLabel: t.shortLabel, type: t.type, longLabel: t.longLabel, itemCount: this.rows(name).length, group: t.group, visibility: 'pack' };
    }
    return json(200, { ...this.envelope(), ...this.dataTime, [this.asm.name]: list });
  }

  private search(params: Map<string, string>): MirrorReply {
    const fn = '/search';
    const bad = this.extraneous(fn, params, ['search', 'genome', 'hubUrl', 'categories']) ?? this.genomeCheck(fn, params);
    if (bad) return bad;
    const term = (params.get('search') ?? '').trim();
    if (!term) return this.error(400, `missing URL search=<term> for endpoint '${fn}'`);
    const cats = (params.get('categories') ?? 'allTracks,helpDocs,publicHubs').split(',');
    const base = { ...this.envelope(), genome: this.asm.name };
    // a coordinate query answers with the chromInfo shape
    const coord = term.replace(/,/g, '').match(/^(chr[\w]+):(\d+)-(\d+)$/);
    if (coord) {
      const size = this.asm.chromSizes().get(coord[1]);
      if (size === undefined) return json(200, { ...base, positionMatches: [] });
      return json(200, { ...base, positionMatches: [{ name: 'chromInfo', chrom: coord[1], chromStart: Number(coord[2]) - 1, chromEnd: Math.min(Number(coord[3]), size) }] });
    }
    const matches: unknown[] = [];
    if (cats.includes('allTracks') || cats.includes('trackDb')) {
      const lower = term.toLowerCase();
      const hits = this.asm.transcripts().filter((t) => t.gene.toLowerCase() === lower || t.name.toLowerCase() === lower || t.name.split('.')[0].toLowerCase() === lower);
      for (const track of ['ncbiRefSeq', 'ncbiRefSeqSelect'] as const) {
        const rows = hits.filter((t) => track === 'ncbiRefSeq' || t.select).sort((a, b) => a.txStart - b.txStart);
        if (rows.length === 0) continue;
        matches.push({
          name: track,
          trackName: track,
          description: TRACKS[track].longLabel,
          vis: 'pack',
          matches: rows.map((t) => ({
            position: `${t.chrom}:${t.txStart + 1}-${t.txEnd}`,
            posName: `${t.gene} (${t.name})`,
            hgFindMatches: t.name,
            highlight: `${this.asm.name}.${t.chrom}:${t.txStart + 1}-${t.txEnd}#aaedff`,
          })),
        });
      }
      const band = term.match(/^(?:chr)?([0-9]{1,2}|X|Y)([pq][\d.]*)$/i);
      if (band) {
        const chrom = `chr${band[1].toUpperCase()}`;
        const r = this.asm.bandRange(chrom, band[2].toLowerCase());
        if (r) matches.push({ name: 'cytoBand', trackName: 'cytoBand', description: TRACKS.cytoBand.longLabel, vis: 'dense', matches: [{ position: `${chrom}:${r.start + 1}-${r.end}`, posName: `${band[1].toUpperCase()}${band[2].toLowerCase()}` }] });
      }
    }
    return json(200, { ...base, positionMatches: matches });
  }
}

const PRIMARY = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM'];
function chromOrder(c: string): number {
  const i = PRIMARY.indexOf(c);
  return i < 0 ? 1000 : i;
}
const startOf = (r: Transcript | CytoBand) => ('txStart' in r ? r.txStart : r.start);
const endOf = (r: Transcript | CytoBand) => ('txEnd' in r ? r.txEnd : r.end);

const GENEPRED_COLUMNS = [
  ['bin', 'smallint(5) unsigned'], ['name', 'varchar(255)'], ['chrom', 'varchar(255)'], ['strand', 'char(1)'],
  ['txStart', 'int(10) unsigned'], ['txEnd', 'int(10) unsigned'], ['cdsStart', 'int(10) unsigned'], ['cdsEnd', 'int(10) unsigned'],
  ['exonCount', 'int(10) unsigned'], ['exonStarts', 'longblob'], ['exonEnds', 'longblob'], ['score', 'int(11)'],
  ['name2', 'varchar(255)'], ['cdsStartStat', "enum('none','unk','incmpl','cmpl')"], ['cdsEndStat', "enum('none','unk','incmpl','cmpl')"], ['exonFrames', 'longblob'],
].map(([name, sqlType]) => ({ name, sqlType, jsonType: sqlType.includes('int') ? 'number' : 'string', description: '' }));

const CYTOBAND_COLUMNS = [
  ['chrom', 'varchar(255)'], ['chromStart', 'int(10) unsigned'], ['chromEnd', 'int(10) unsigned'], ['name', 'varchar(255)'], ['gieStain', 'varchar(255)'],
].map(([name, sqlType]) => ({ name, sqlType, jsonType: sqlType.includes('int') ? 'number' : 'string', description: '' }));

function genePredRow(t: Transcript, arrays: boolean): unknown {
  const list = (xs: number[]) => xs.map((x) => `${x},`).join('');
  const frames = t.exonFrames.length ? t.exonFrames : t.exonStarts.map(() => -1);
  const row = {
    bin: ucscBin(t.txStart, t.txEnd), name: t.name, chrom: t.chrom, strand: t.strand, txStart: t.txStart, txEnd: t.txEnd,
    cdsStart: t.cdsStart, cdsEnd: t.cdsEnd, exonCount: t.exonStarts.length, exonStarts: list(t.exonStarts), exonEnds: list(t.exonEnds),
    score: t.score, name2: t.gene, cdsStartStat: t.cdsStartStat, cdsEndStat: t.cdsEndStat, exonFrames: list(frames),
  };
  return arrays ? Object.values(row) : row;
}

function cytoBandRow(b: CytoBand, arrays: boolean): unknown {
  const row = { chrom: b.chrom, chromStart: b.start, chromEnd: b.end, name: b.name, gieStain: b.stain };
  return arrays ? Object.values(row) : row;
}
