// `genegym assembly fetch <name>`: downloads a UCSC assembly into the UCSC directory layout.
//
// Source layout (https://hgdownload.soe.ucsc.edu/goldenPath/<name>/...):
//   bigZips/<name>.2bit, bigZips/<name>.chrom.sizes, bigZips/md5sum.txt
//   database/cytoBand.txt.gz, database/ncbiRefSeq.txt.gz (else refGene.txt.gz),
//   database/ncbiRefSeqSelect.txt.gz, database/ncbiRefSeqLink.txt.gz (NCBI Gene ids),
//   database/chromAlias.txt.gz (other sequence names)
// Every file is verified before it is renamed into place: bigZips files against md5sum.txt,
// tables by decompressing and parsing them (md5sum.txt lists none of database/). assembly.json
// records only verified files, with their ETag and Last-Modified, so a re-run asks the server
// "changed since?" and keeps what a 304 vouches for; with no network, a complete assembly stays
// usable. One fetch per directory at a time (a lock file). The base URL can point at any mirror
// with the same layout (--mirror, GENEGYM_UCSC_URL).

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assemblyDir } from './home.js';
import type { AssemblyFileRecord, AssemblyManifest } from './types.js';
import { download, FetchError, NotFound, type DownloadOptions } from './fetch/download.js';
import { lockDir } from './fetch/lock.js';
import { Progress, type ProgressMode } from './fetch/progress.js';
import { isTableRole, verifyTable } from './fetch/verify.js';

export { FetchError } from './fetch/download.js';
export { DirLockedError } from './fetch/lock.js';

export const DEFAULT_UCSC_URL = 'https://hgdownload.soe.ucsc.edu/goldenPath';

export interface FetchOptions {
  /** target directory (default <GENEGYM_HOME>/assemblies/<name>) */
  dir?: string;
  home?: string;
  /** base URL holding <name>/bigZips and <name>/database (default $GENEGYM_UCSC_URL or UCSC) */
  mirror?: string;
  /** failed attempts in a row without new bytes before a file is given up (default 4) */
  attempts?: number;
  /** true: bars; false: nothing; default bars on a terminal, a line per 5% / 30 s otherwise */
  progress?: boolean;
  /** one line per event (default stderr) */
  log?: (line: string) => void;
  /** abort and resume a transfer that delivers no bytes for this long (default 60 s) */
  stallTimeoutMs?: number;
  /** first retry delay, doubled per failure without progress (default 1 s) */
  retryDelayMs?: number;
  /** no network: check the assembly already in `dir` and report */
  offline?: boolean;
}

export interface FetchResult {
  dir: string;
  manifest: AssemblyManifest;
  skipped: string[];
  /** files kept because the server said they had not changed (304) or md5sum.txt vouched for them */
  kept: string[];
  /** the server could not be reached (or --offline) and the complete assembly on disk was kept */
  offline: boolean;
}

interface FileSpec {
  role: string;
  remote: string;
  local: string;
  required: boolean;
  /** alternatives tried in order when the first is absent (404) */
  fallback?: FileSpec;
}

function layout(name: string): FileSpec[] {
  const big = (f: string) => `${name}/bigZips/${f}`;
  const db = (f: string) => `${name}/database/${f}`;
  return [
    { role: 'twoBit', remote: big(`${name}.2bit`), local: `${name}.2bit`, required: true },
    { role: 'chromSizes', remote: big(`${name}.chrom.sizes`), local: `${name}.chrom.sizes`, required: true },
    { role: 'cytoBand', remote: db('cytoBand.txt.gz'), local: 'cytoBand.txt.gz', required: false },
    {
      role: 'ncbiRefSeq', remote: db('ncbiRefSeq.txt.gz'), local: 'ncbiRefSeq.txt.gz', required: false,
      fallback: { role: 'refGene', remote: db('refGene.txt.gz'), local: 'refGene.txt.gz', required: false },
    },
    { role: 'ncbiRefSeqSelect', remote: db('ncbiRefSeqSelect.txt.gz'), local: 'ncbiRefSeqSelect.txt.gz', required: false },
    // transcript -> NCBI Gene id (locusLinkId): the mirror's esearch/esummary answer with real Gene ids
    { role: 'ncbiRefSeqLink', remote: db('ncbiRefSeqLink.txt.gz'), local: 'ncbiRefSeqLink.txt.gz', required: false },
    // other names of each sequence (RefSeq, GenBank, Ensembl): the mirror resolves chrom= through it
    { role: 'chromAlias', remote: db('chromAlias.txt.gz'), local: 'chromAlias.txt.gz', required: false },
  ];
}

/** md5sum.txt lines: "<32 hex>  <file name>" */
export function parseMd5Sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]{32})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m) out.set(m[2].replace(/^.*\//, ''), m[1].toLowerCase());
  }
  return out;
}

async function hashFile(path: string, algo: string): Promise<string> {
  const h = createHash(algo);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function readManifest(dir: string): Promise<AssemblyManifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  } catch {
    return null;
  }
}

/** What is missing from a fetched assembly on disk ([] = complete: every recorded file at its recorded size). */
async function missingFiles(dir: string, m: AssemblyManifest | null): Promise<string[]> {
  if (!m) return ['assembly.json'];
  const missing: string[] = [];
  for (const role of ['twoBit', 'chromSizes']) if (!m.files[role]) missing.push(`${role} (not recorded)`);
  for (const f of Object.values(m.files)) {
    const p = join(dir, f.path);
    if (!existsSync(p)) missing.push(f.path);
    else if (f.bytes !== undefined && (await stat(p)).size !== f.bytes) missing.push(`${f.path} (size differs from assembly.json)`);
  }
  return missing;
}

export async function fetchAssembly(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new FetchError(`bad assembly name ${JSON.stringify(name)}`);
  const base = (opts.mirror ?? process.env.GENEGYM_UCSC_URL ?? DEFAULT_UCSC_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new FetchError(`mirror must be an http(s) URL, got ${base}`);
  const dir = opts.dir ?? assemblyDir(name, opts.home);
  await mkdir(dir, { recursive: true });
  const release = await lockDir(dir);
  try {
    return await fetchLocked(name, base, dir, opts);
  } finally {
    await release();
  }
}

async function fetchLocked(name: string, base: string, dir: string, opts: FetchOptions): Promise<FetchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const mode: ProgressMode = opts.progress === false ? 'off' : opts.progress === true || process.stderr.isTTY === true ? 'bar' : 'lines';
  const attempts = opts.attempts ?? 4;
  if (!Number.isInteger(attempts) || attempts < 1) throw new FetchError(`attempts must be a positive integer, got ${attempts}`);
  const previous = await readManifest(dir);
  const missing = await missingFiles(dir, previous);
  const complete = missing.length === 0;
  const offlineResult = (why: string): FetchResult => {
    log(`${why}; ${dir} holds a complete assembly (fetched ${previous!.createdAt}), kept as it is`);
    return { dir, manifest: previous!, skipped: [], kept: Object.values(previous!.files).map((f) => f.path), offline: true };
  };
  if (opts.offline) {
    if (!complete) throw new FetchError(`--offline: the assembly in ${dir} is not complete (missing: ${missing.join(', ')}); run without --offline to download it`);
    return offlineResult('--offline');
  }

  const base_: Omit<DownloadOptions, 'verify' | 'conditional'> = {
    progress: new Progress({ mode }),
    log,
    attempts,
    stallMs: opts.stallTimeoutMs ?? 60_000,
    retryDelayMs: opts.retryDelayMs ?? 1000,
  };
  const files: Record<string, AssemblyFileRecord> = {};
  const skipped: string[] = [];
  const kept: string[] = [];
  const damaged: string[] = [];
  const prior = (role: string, url: string, local: string) => {
    const rec = previous?.files[role];
    return rec && rec.url === url && rec.path === local && existsSync(join(dir, local)) ? rec : undefined;
  };

  /** Downloads (or keeps, on a 304) one file; returns its record, or null on 404. */
  const get = async (role: string, url: string, local: string, verify?: (part: string) => Promise<void>, attemptsHere = attempts): Promise<AssemblyFileRecord | null> => {
    const dest = join(dir, local);
    const before = prior(role, url, local);
    const conditional = before && (before.etag || before.version) && (before.bytes === undefined || (await stat(dest)).size === before.bytes)
      ? { etag: before.etag, lastModified: before.version }
      : undefined;
    try {
      const got = await download(url, dest, { ...base_, attempts: attemptsHere, conditional, verify });
      if (got.status === 'not-modified') {
        kept.push(local);
        log(`${local}: unchanged on the server (304), kept`);
        return before!;
      }
      const record: AssemblyFileRecord = { path: local, url, bytes: got.bytes, version: got.lastModified, etag: got.etag };
      record.md5 = await hashFile(dest, 'md5');
      record.sha256 = await hashFile(dest, 'sha256');
      log(`${local}: ${got.bytes} bytes, verified`);
      return record;
    } catch (e) {
      if (e instanceof NotFound) return null;
      throw e;
    }
  };

  // md5sum.txt first: the checksums every bigZips download is held to. When a complete assembly
  // is already here, one failed attempt to reach the server means "offline": keep what we have.
  let md5 = new Map<string, string>();
  const md5Url = `${base}/${name}/bigZips/md5sum.txt`;
  try {
    const rec = await get('md5sum', md5Url, 'md5sum.txt', async (part) => {
      if (parseMd5Sums(await readFile(part, 'utf8')).size === 0) throw new Error('md5sum.txt is damaged: it lists no checksums');
    }, complete ? 1 : attempts);
    if (rec) {
      files.md5sum = rec;
      md5 = parseMd5Sums(await readFile(join(dir, 'md5sum.txt'), 'utf8'));
    } else {
      skipped.push('md5sum.txt (not published; bigZips downloads are not checksum-verified)');
    }
  } catch (e) {
    if (complete && e instanceof FetchError && e.networkOnly) return offlineResult(`could not reach ${base} (${e.message.replace(/^.*\(last: /, '').replace(/\)\.?.*$/, '')})`);
    throw e;
  }

  for (const spec of layout(name)) {
    let s: FileSpec | undefined = spec;
    while (s) {
      const url = `${base}/${s.remote}`;
      const dest = join(dir, s.local);
      const listed = md5.get(s.local);
      const label = s.local;
      if (listed && existsSync(dest) && (await hashFile(dest, 'md5')) === listed) {
        const before = prior(s.role, url, s.local);
        files[s.role] = {
          path: s.local, url, bytes: (await stat(dest)).size, version: before?.version, etag: before?.etag,
          md5: listed, sha256: before?.sha256 ?? (await hashFile(dest, 'sha256')),
        };
        kept.push(s.local);
        log(`${s.local}: already downloaded, md5 verified`);
        break;
      }
      const role = s.role;
      const verify = async (part: string) => {
        if (listed) {
          const actual = await hashFile(part, 'md5');
          if (actual !== listed) throw new Error(`md5 mismatch for ${label}: md5sum.txt says ${listed}, downloaded file has ${actual}`);
        }
        if (isTableRole(role)) await verifyTable(role, part, label);
      };
      let rec: AssemblyFileRecord | null;
      try {
        rec = await get(s.role, url, s.local, verify);
      } catch (e) {
        // a damaged optional table is deleted and reported; the rest of the assembly goes on
        if (!s.required && e instanceof FetchError && /is damaged/.test(e.message)) {
          damaged.push(e.message);
          await rm(dest, { force: true });
          break;
        }
        throw e;
      }
      if (rec) {
        if (listed) rec.md5 = listed;
        files[s.role] = rec;
        break;
      }
      if (s.fallback) {
        log(`${s.remote} not found; trying ${s.fallback.remote}`);
        s = s.fallback;
        continue;
      }
      if (s.required) throw new FetchError(`${url} not found (HTTP 404): is "${name}" a UCSC assembly name, and does the mirror ${base} have it?`);
      skipped.push(s === spec ? `${s.remote} (not published)` : `${spec.remote} and its fallbacks (not published): no gene table`);
      s = undefined;
    }
  }
  const manifest: AssemblyManifest = {
    name,
    description: `UCSC ${name}, downloaded from ${base}`,
    synthetic: false,
    createdAt: new Date().toISOString(),
    files,
    source: { site: base, fetchedBy: 'genegym assembly fetch', skipped },
  };
  await writeFile(join(dir, 'assembly.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (damaged.length) {
    throw new FetchError(`${damaged.length} table${damaged.length > 1 ? 's were' : ' was'} damaged on every attempt and left out of ${dir}:\n  ${damaged.join('\n  ')}\nThe rest of the assembly is usable; run the command again to retry.`);
  }
  return { dir, manifest, skipped, kept, offline: false };
}
