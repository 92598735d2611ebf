// Offline api.genome.ucsc.edu: /getData/sequence, /getData/track, /list/chromosomes,
// /list/tracks, /list/schema, /list/ucscGenomes, /search. Replies follow the kent hubApi: a
// downloadTime envelope, 0-based half-open coordinates, soft-masked DNA, genePred exon lists as
// comma-terminated strings, chrom= resolved through chromAlias (chrom=8, NC_000008.11 and
// CM000670.2 all mean chr8 on hg38), and the same 400 replies and messages for repeated or
// extraneous arguments, bad coordinates, and unknown genomes, chromosomes or tracks.

import type { AssemblyApi } from '../genome/types.js';
import { reverseComplement } from '../genome/revcomp.js';
import { Names } from './accessions.js';
import { json, type MirrorReply, ucscParamList } from './reply.js';
import { availableTracks, type Row, type TrackDef } from './ucsc-tracks.js';

export { ucscBin } from './ucsc-tracks.js';

const MAX_DNA = 499_999_999;
const MAX_ITEMS = 1_000_000;

/** Arguments each endpoint takes (kent hubApi.c); anything else is "extraneous". */
const ALLOWED: Record<string, string[]> = {
  '/list/ucscGenomes': [],
  '/list/tracks': ['genome', 'hubUrl', 'trackLeavesOnly'],
  '/list/chromosomes': ['genome', 'hubUrl', 'track'],
  '/list/schema': ['genome', 'hubUrl', 'track'],
  '/getData/sequence': ['genome', 'hubUrl', 'track', 'chrom', 'start', 'end', 'revComp'],
  '/getData/track': ['genome', 'hubUrl', 'track', 'chrom', 'start', 'end', 'maxItemsOutput', 'jsonOutputArrays'],
  '/search': ['search', 'genome', 'hubUrl', 'categories'],
};
/** Arguments kent ignores when looking for extraneous ones. */
const ALWAYS_OK = ['cgiSpoof', 'debug', 'cmd', 'measureTiming'];

/** UCSC's "2026:02:16T18:53:40Z" (colons in the date, as the real server writes it). */
export function ucscDownloadTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

const STATUS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 415: 'Unsupported Media Type', 500: 'Internal Server Error' };
const isOn = (v: string | undefined) => ['1', 'on', 'true'].includes((v ?? '').toLowerCase());

class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
const bad = (message: string): never => {
  throw new ApiError(400, message);
};

export class UcscMirror {
  private asm: AssemblyApi;
  private names: Names;
  private now: () => Date;
  private rowsCache = new Map<string, Row[]>();
  private tracksCache?: Record<string, TrackDef>;

  constructor(asm: AssemblyApi, now: () => Date = () => new Date(), names?: Names) {
    this.asm = asm;
    this.now = now;
    this.names = names ?? new Names(asm);
  }

  private get tracks(): Record<string, TrackDef> {
    this.tracksCache ??= availableTracks(this.asm);
    return this.tracksCache;
  }

  private envelope(): { downloadTime: string; downloadTimeStamp: number } {
    const d = this.now();
    return { downloadTime: ucscDownloadTime(d), downloadTimeStamp: Math.floor(d.getTime() / 1000) };
  }

  private error(status: number, message: string): MirrorReply {
    return json(status, { ...this.envelope(), error: message, statusCode: status, statusMessage: STATUS[status] ?? 'Error' });
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
    try {
      return await this.route(url);
    } catch (e) {
      if (e instanceof ApiError) return this.error(e.status, e.message);
      throw e;
    }
  }

  private async route(url: URL): Promise<MirrorReply> {
    const path = url.pathname.replace(/\/+$/, '');
    const list = ucscParamList(url);
    const params = new Map(list);
    this.globalChecks(path, list, params);
    const fn = ALLOWED[path] ? path : '';
    if (fn) {
      const extra = list.filter(([k]) => !ALLOWED[fn].includes(k) && !ALWAYS_OK.includes(k));
      // kent writes /search's message without the space the others have
      if (extra.length) bad(`extraneous arguments found for function ${fn}${fn === '/search' ? '' : ' '}'${extra.map(([k, v]) => `${k}=${v}`).join(';')}'`);
      if (params.get('hubUrl')) bad(`track hubs are not available in this offline mirror (hubUrl given) for endpoint '${fn}'`);
    }
    switch (path) {
      case '/getData/sequence':
        return this.sequence(params);
      case '/getData/track':
        return this.track(params);
      case '/list/chromosomes':
        return this.chromosomes(params);
      case '/list/tracks':
        return this.listTracks(params);
      case '/list/schema':
        return this.schema(params);
      case '/list/ucscGenomes':
        return this.genomes();
      case '/search':
        return this.search(params);
      default: {
        const words = path.split('/').filter(Boolean);
        if (words.length === 0) return this.error(400, "no such command: '/");
        if (['list', 'getData'].includes(words[0])) return this.error(400, `do not recognize endpoint function: '${path}'`);
        return this.error(400, `no such command: '${path}`);
      }
    }
  }

  /** What kent checks before any endpoint: repeated arguments, flag values, maxItemsOutput, the genome, start/end. */
  private globalChecks(path: string, list: [string, string][], params: Map<string, string>): void {
    const counts = new Map<string, number>();
    for (const [k] of list) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const [k, n] of counts) if (n > 1) bad(`parameter '${k}' found ${n} times, only one instance allowed`);
    for (const flag of ['trackLeavesOnly', 'jsonOutputArrays']) {
      const v = params.get(flag);
      if (v && !isOn(v) && v !== '0') bad(`unrecognized '${flag}=${v}' argument, can only be =1 or =0`);
    }
    const maxOut = params.get('maxItemsOutput');
    if (maxOut) {
      if (!/^-?\d+$/.test(maxOut.trim())) bad(`can not recognize maxItemsOutput '${maxOut}' as a number`);
      const n = Number(maxOut);
      if (n !== -1 && n > MAX_ITEMS) bad(`requested maxItemsOutput '${maxOut}' greater than maximum limit allowed: ${MAX_ITEMS}`);
      if (n !== -1 && n < 1) bad(`requested maxItemsOutput '${maxOut}' can not be less than one`);
    }
    const errors: string[] = [];
    const genome = params.get('genome');
    if (genome && !params.get('hubUrl') && genome !== this.asm.name) errors.push(`can not find genome='${genome}' for endpoint '${path}'`);
    const start = params.get('start');
    const end = params.get('end');
    if (start || end) {
      const parse = (v: string | undefined) => (v === undefined || v === '' ? -1 : /^-?\d+$/.test(v.trim()) ? Number(v) : NaN);
      const s = parse(start);
      const e = parse(end);
      if (Number.isNaN(s) || Number.isNaN(e)) {
        const what = Number.isNaN(s) ? start! : end!;
        let msg = `invalid signed long long: "${what}"`;
        if (Number.isNaN(s)) msg += `, can not recognize start coordinate: '${start}'`;
        if (Number.isNaN(e)) msg += `, can not recognize end coordinate: '${end}'`;
        errors.push(msg);
      } else if (s < 0 || e < 0 || e <= s) {
        errors.push(`illegal start,end coordinates given: ${start || '(null)'},${end || '(null)'}, 'end' must be greater than 'start', and start greater than or equal to zero`);
      }
    }
    if (errors.length) bad(errors.join(', '));
  }

  private genomes(): MirrorReply {
    const m = this.asm.manifest;
    return json(200, {
      ...this.envelope(),
      ...this.dataTime,
      ucscGenomes: { [this.asm.name]: { description: m.description, nibPath: `/gbdb/${this.asm.name}`, organism: m.synthetic ? 'synthetic' : 'Human', defaultPos: '', active: 1, orderKey: 1, genome: this.asm.name, scientificName: m.synthetic ? 'synthetic' : 'Homo sapiens', htmlPath: '', hgNearOk: 0, hgPbOk: 0, sourceName: m.description, taxId: m.synthetic ? 0 : 9606 } },
    });
  }

  private requireGenome(fn: string, params: Map<string, string>, what = 'URL genome=<ucscDb> name'): string {
    const g = params.get('genome');
    if (!g) bad(`missing ${what} for endpoint '${fn}`);
    return g!;
  }

  private async sequence(params: Map<string, string>): Promise<MirrorReply> {
    const fn = '/getData/sequence';
    const db = this.requireGenome(fn, params);
    const given = params.get('chrom');
    if (!given) bad(`missing URL chrom=<name> for endpoint '${fn}?genome=${db}'`);
    const chrom = this.names.resolveChrom(given!) ?? given!;
    const size = this.asm.chromSizes().get(chrom);
    const readable = this.asm.sequence.size(chrom);
    if (size === undefined || readable === undefined) bad(`can not find specified chrom=${chrom} in sequence for endpoint '${fn}?genome=${db};chrom=${chrom}`);
    const startS = params.get('start');
    const endS = params.get('end');
    let start = 0;
    let end = size!;
    if (startS && endS) {
      start = Number(startS);
      end = Number(endS);
      if (end - start > MAX_DNA) bad(`DNA sequence request ${end - start} too large, limit: ${MAX_DNA} for endpoint '${fn}?genome=${db};chrom=${chrom};start=${startS};end=${endS}'`);
      if (end > size!) bad(`DNA sequence request end coordinate ${end} past end of chromosome size ${size} for endpoint '${fn}?genome=${db};chrom=${chrom};start=${startS};end=${endS}'`);
    } else if (size! > MAX_DNA) {
      bad(`DNA sequence request ${size} (size of ${chrom}) too large, limit: ${MAX_DNA} for endpoint '${fn}?genome=${db};chrom=${chrom}'`);
    }
    if (end > readable!) {
      // only fixture assemblies hold partial chromosomes; say so rather than inventing bases
      bad(`can not find sequence for chrom=${chrom};start=${start};end=${end}: this offline mirror holds only ${chrom}:0-${readable} for endpoint '${fn}?genome=${db};chrom=${chrom}'`);
    }
    let dna = await this.asm.read(chrom, start, end);
    const body: Record<string, unknown> = { ...this.envelope(), genome: db, chrom, start, end };
    if (isOn(params.get('revComp'))) {
      dna = reverseComplement(dna); // keeps the soft-mask case, as kent does
      body.revComp = true;
    }
    body.dna = dna;
    return json(200, body);
  }

  private rows(track: string): Row[] {
    let r = this.rowsCache.get(track);
    if (!r) {
      const startOf = (x: Row) => ('txStart' in x ? x.txStart : x.start);
      r = [...this.tracks[track].rows(this.asm)].sort((a, b) => chromOrder(a.chrom) - chromOrder(b.chrom) || startOf(a) - startOf(b));
      this.rowsCache.set(track, r);
    }
    return r;
  }

  private async track(params: Map<string, string>): Promise<MirrorReply> {
    const fn = '/getData/track';
    const db = this.requireGenome(fn, params, 'URL variable genome=<ucscDb> name');
    const trackParam = params.get('track');
    if (!trackParam) bad(`missing URL variable track=<trackName> name for endpoint '${fn}`);
    const names = trackParam!.split(',');
    for (const t of names) if (!this.tracks[t]) bad(`can not find track=${t} name for endpoint '${fn}`);
    const given = params.get('chrom');
    const chrom = given ? this.names.resolveChrom(given) ?? given : undefined;
    const sizes = this.asm.chromSizes();
    if (chrom && !sizes.has(chrom)) bad(`can not find specified chrom=${chrom} for endpoint '${fn}?genome=${db};track=${trackParam};chrom=${chrom}'`);
    const hasRange = Boolean(params.get('start') && params.get('end'));
    const start = hasRange ? Number(params.get('start')) : 0;
    const end = hasRange ? Number(params.get('end')) : chrom ? sizes.get(chrom)! : 0;
    const maxOut = params.get('maxItemsOutput');
    const limit = !maxOut || Number(maxOut) === -1 ? MAX_ITEMS : Number(maxOut);
    const arrays = isOn(params.get('jsonOutputArrays'));
    const body: Record<string, unknown> = { ...this.envelope(), genome: db };
    let returned = 0;
    let truncated = false;
    for (const t of names) {
      const def = this.tracks[t];
      Object.assign(body, this.dataTime, { trackType: def.type, track: t });
      if (chrom) Object.assign(body, { chrom, start, end });
      if (arrays) body.columnTypes = columnTypes(def);
      const pick = (r: Row) => (arrays ? Object.values(def.row(r)) : def.row(r));
      const all = this.rows(t);
      if (chrom) {
        const out: unknown[] = [];
        for (const r of all) {
          const [rs, re] = 'txStart' in r ? [r.txStart, r.txEnd] : [r.start, r.end];
          if (r.chrom !== chrom || re <= start || rs >= end) continue;
          if (returned >= limit) {
            truncated = true;
            break;
          }
          out.push(pick(r));
          returned++;
        }
        body[t] = out;
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
    if (returned) body.itemsReturned = returned;
    if (truncated) body.maxItemsLimit = true;
    return json(truncated ? 206 : 200, body);
  }

  private chromosomes(params: Map<string, string>): MirrorReply {
    const fn = '/list/chromosomes';
    const db = params.get('genome');
    if (!db) bad(`must supply hubUrl or genome name for endpoint '${fn}`);
    const track = params.get('track');
    const sizes = this.asm.chromSizes();
    if (track) {
      if (!this.tracks[track]) bad(`track '${track}' is not a position track, request table without chrom specification, genome: '${db}'`);
      const present = new Set(this.rows(track).map((r) => r.chrom));
      const names = [...sizes.keys()].filter((n) => present.has(n)).sort((a, b) => sizes.get(b)! - sizes.get(a)!);
      return json(200, { ...this.envelope(), genome: db, track, ...this.dataTime, chromCount: names.length, chromosomes: Object.fromEntries(names.map((n) => [n, sizes.get(n)!])) });
    }
    const names = [...sizes.keys()];
    return json(200, { ...this.envelope(), genome: db, ...this.dataTime, chromCount: names.length, chromosomes: Object.fromEntries(names.map((n) => [n, sizes.get(n)!])) });
  }

  private trackVars(name: string, def: TrackDef, withCount: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { shortLabel: def.shortLabel, type: def.type, longLabel: def.longLabel };
    if (withCount) out.itemCount = this.rows(name).length;
    return { ...out, group: def.group, visibility: def.visibility };
  }

  private listTracks(params: Map<string, string>): MirrorReply {
    const db = params.get('genome');
    if (!db) bad('missing hubUrl or genome name for endpoint /list/tracks');
    const list: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(this.tracks)) list[name] = this.trackVars(name, def, false);
    return json(200, { ...this.envelope(), ...this.dataTime, [db!]: list });
  }

  private schema(params: Map<string, string>): MirrorReply {
    const fn = '/list/schema';
    const track = params.get('track');
    if (!track) bad(`missing track=<name> for endpoint '${fn}'`);
    const db = params.get('genome');
    if (!db) bad(`must supply hubUrl or genome name for endpoint '${fn}`);
    const def = this.tracks[track!];
    if (!def) bad(`failed to find specified track=${track} in genome=${db} for endpoint '${fn}'`);
    return json(200, { ...this.envelope(), genome: db, track, ...this.dataTime, columnTypes: columnTypes(def), ...this.trackVars(track!, def, true) });
  }

  private search(params: Map<string, string>): MirrorReply {
    const fn = '/search';
    const db = params.get('genome');
    if (!db) bad(`missing URL variable genome=<ucscDb> name for endpoint '${fn}/`);
    const term = (params.get('search') ?? '').trim();
    if (!term) bad(`missing URL variable search=<search query> for endpoint '${fn}/`);
    const cats = (params.get('categories') ?? 'allTracks,helpDocs,publicHubs').split(',');
    const base = { ...this.envelope(), genome: db };
    // a coordinate query answers with the chromInfo shape
    const coord = term.replace(/,/g, '').match(/^([\w.]+):(\d+)-(\d+)$/);
    if (coord) {
      const chrom = this.names.resolveChrom(coord[1]);
      const size = chrom ? this.asm.chromSizes().get(chrom) : undefined;
      if (!chrom || size === undefined) return json(200, { ...base, positionMatches: [] });
      return json(200, { ...base, positionMatches: [{ name: 'chromInfo', chrom, chromStart: Number(coord[2]) - 1, chromEnd: Math.min(Number(coord[3]), size) }] });
    }
    const matches: unknown[] = [];
    if (cats.includes('allTracks') || cats.includes('trackDb')) {
      const lower = term.toLowerCase();
      const geneTracks = Object.keys(this.tracks).filter((t) => t === 'ncbiRefSeq' || t === 'ncbiRefSeqSelect' || t === 'knownGene');
      const hits = geneTracks.length ? this.asm.transcripts().filter((t) => t.gene.toLowerCase() === lower || t.name.toLowerCase() === lower || t.name.split('.')[0].toLowerCase() === lower) : [];
      for (const track of geneTracks) {
        const rows = hits.filter((t) => track !== 'ncbiRefSeqSelect' || t.select).sort((a, b) => a.txStart - b.txStart);
        if (rows.length === 0) continue;
        matches.push({
          name: track,
          trackName: track,
          description: this.tracks[track].longLabel,
          vis: 'pack',
          matches: rows.map((t) => ({
            position: `${t.chrom}:${t.txStart + 1}-${t.txEnd}`,
            posName: t.gene ? `${t.gene} (${t.name})` : t.name,
            hgFindMatches: t.name,
            highlight: `${this.asm.name}.${t.chrom}:${t.txStart + 1}-${t.txEnd}#aaedff`,
          })),
        });
      }
      const band = term.match(/^(?:chr)?([0-9]{1,2}|X|Y)([pq][\d.]*)$/i);
      if (band && this.tracks.cytoBand) {
        const chrom = `chr${band[1].toUpperCase()}`;
        const r = this.asm.bandRange(chrom, band[2].toLowerCase());
        if (r) matches.push({ name: 'cytoBand', trackName: 'cytoBand', description: this.tracks.cytoBand.longLabel, vis: 'dense', matches: [{ position: `${chrom}:${r.start + 1}-${r.end}`, posName: `${band[1].toUpperCase()}${band[2].toLowerCase()}` }] });
      }
    }
    return json(200, { ...base, positionMatches: matches });
  }
}

function columnTypes(def: TrackDef): { name: string; sqlType: string; jsonType: string; description: string }[] {
  return def.columns.map((c) => ({ name: c.name, sqlType: c.sqlType, jsonType: /int/.test(c.sqlType) ? 'number' : 'string', description: c.description }));
}

const PRIMARY = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY', 'chrM'];
function chromOrder(c: string): number {
  const i = PRIMARY.indexOf(c);
  return i < 0 ? 1000 : i;
}
