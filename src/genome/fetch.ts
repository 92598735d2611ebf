// `genegym assembly fetch <name>`: downloads a UCSC assembly into the UCSC directory layout.
//
// Source layout (https://hgdownload.soe.ucsc.edu/goldenPath/<name>/...):
//   bigZips/<name>.2bit, bigZips/<name>.chrom.sizes, bigZips/md5sum.txt
//   database/cytoBand.txt.gz, database/ncbiRefSeq.txt.gz (else refGene.txt.gz),
//   database/ncbiRefSeqSelect.txt.gz
// Downloads go to "<file>.part" and resume with an HTTP Range request (guarded by If-Range, so a
// file changed on the server restarts from zero). Files listed in md5sum.txt are verified; a
// mismatch deletes the download and fails. assembly.json records URLs, sizes, Last-Modified and
// checksums. The base URL can point at any mirror with the same layout (--mirror, GENEGYM_UCSC_URL).

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { assemblyDir } from './home.js';
import type { AssemblyFileRecord, AssemblyManifest } from './types.js';

export const DEFAULT_UCSC_URL = 'https://hgdownload.soe.ucsc.edu/goldenPath';

export class FetchError extends Error {
  override name = 'FetchError';
}

export interface FetchOptions {
  /** target directory (default <GENEGYM_HOME>/assemblies/<name>) */
  dir?: string;
  home?: string;
  /** base URL holding <name>/bigZips and <name>/database (default $GENEGYM_UCSC_URL or UCSC) */
  mirror?: string;
  /** attempts per file when a transfer breaks off (default 4) */
  attempts?: number;
  /** progress bars: true forces, false disables; default on when stderr is a TTY */
  progress?: boolean;
  /** one line per event, for non-TTY logs */
  log?: (line: string) => void;
  /** abort and resume a transfer that delivers no bytes for this long (default 60 s) */
  stallTimeoutMs?: number;
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

interface Downloaded {
  url: string;
  bytes: number;
  lastModified?: string;
}

interface PartMeta {
  url: string;
  validator?: string;
}

class NotFound extends Error {}

/** One progress bar per file while it downloads (stderr, TTY only); log lines go between bars. */
class Progress {
  constructor(private readonly enabled: boolean) {}
  bar(file: string, total: number, start: number): { update(v: number): void; stop(): void } {
    if (!this.enabled) return { update() {}, stop() {} };
    const mb = (x: number) => (x / 1e6).toFixed(1);
    const b = new cliProgress.SingleBar({
      format: ' {file} |{bar}| {percentage}% {value_mb}/{total_mb} MB',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic);
    b.start(Math.max(total, 1), start, { file: file.padEnd(24), value_mb: mb(start), total_mb: total ? mb(total) : '?' });
    return {
      update: (v) => b.update(v, { value_mb: mb(v) }),
      stop: () => b.stop(),
    };
  }
}

/** Downloads url to `dest`, resuming from `dest.part` when the server supports ranges. */
async function download(url: string, dest: string, progress: Progress, attempts: number, log: (l: string) => void, stallMs: number): Promise<Downloaded> {
  const part = `${dest}.part`;
  const metaPath = `${dest}.part.json`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let have = existsSync(part) ? (await stat(part)).size : 0;
    let meta: PartMeta | null = null;
    if (have > 0) {
      try {
        meta = JSON.parse(await readFile(metaPath, 'utf8')) as PartMeta;
      } catch {
        meta = null;
      }
      if (!meta || meta.url !== url) have = 0;
    }
    const headers: Record<string, string> = {};
    if (have > 0) {
      headers.Range = `bytes=${have}-`;
      if (meta?.validator) headers['If-Range'] = meta.validator;
    }
    let res: Response;
    // a stalled connection (no bytes for stallMs) is aborted and resumed like a broken one
    const abort = new AbortController();
    let stall: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(new FetchError(`no data for ${stallMs} ms`)), stallMs);
    };
    arm();
    try {
      res = await fetch(url, { headers, redirect: 'follow', signal: abort.signal });
    } catch (e) {
      clearTimeout(stall);
      lastError = e;
      log(`${url}: ${(e as Error).message}; retrying (${attempt}/${attempts})`);
      continue;
    }
    if (res.status !== 200 && res.status !== 206) clearTimeout(stall);
    if (res.status === 404) {
      await res.body?.cancel();
      throw new NotFound(url);
    }
    if (res.status === 416) {
      // our partial file does not fit the server's file: start over
      await res.body?.cancel();
      await rm(part, { force: true });
      lastError = new FetchError(`${url}: range not satisfiable`);
      continue;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`);
    }
    const resumed = res.status === 206;
    if (!resumed) have = 0;
    const lastModified = res.headers.get('last-modified') ?? undefined;
    const validator = res.headers.get('etag') ?? lastModified;
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? have + length : 0;
    if (resumed) log(`${url}: resuming at byte ${have}`);
    await writeFile(metaPath, JSON.stringify({ url, validator } satisfies PartMeta));
    const fh = await open(part, resumed ? 'a' : 'w');
    const bar = progress.bar(dest.replace(/^.*\//, ''), total, have);
    let got = have;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        await fh.write(chunk);
        got += chunk.length;
        bar.update(got);
      }
    } catch (e) {
      if (abort.signal.aborted) e = abort.signal.reason;
      lastError = e;
      log(`${url}: transfer broke off at byte ${got} (${(e as Error).message}); will resume (${attempt}/${attempts})`);
      continue;
    } finally {
      clearTimeout(stall);
      await fh.close();
      bar.stop();
    }
    if (total && got !== total) {
      lastError = new FetchError(`${url}: got ${got} of ${total} bytes`);
      log(`${url}: incomplete (${got} of ${total} bytes); will resume (${attempt}/${attempts})`);
      continue;
    }
    await rename(part, dest);
    await rm(metaPath, { force: true });
    return { url, bytes: got, lastModified };
  }
  throw new FetchError(`${url}: download failed after ${attempts} attempts: ${(lastError as Error)?.message ?? lastError}. Run the command again to resume.`);
}

export interface FetchResult {
  dir: string;
  manifest: AssemblyManifest;
  skipped: string[];
}

export async function fetchAssembly(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new FetchError(`bad assembly name ${JSON.stringify(name)}`);
  const base = (opts.mirror ?? process.env.GENEGYM_UCSC_URL ?? DEFAULT_UCSC_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new FetchError(`mirror must be an http(s) URL, got ${base}`);
  const dir = opts.dir ?? assemblyDir(name, opts.home);
  await mkdir(dir, { recursive: true });
  const progress = new Progress(opts.progress ?? process.stderr.isTTY === true);
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const attempts = opts.attempts ?? 4;
  const stallMs = opts.stallTimeoutMs ?? 60_000;
  const files: Record<string, AssemblyFileRecord> = {};
  const skipped: string[] = [];
  // md5sum.txt first: the checksums every bigZips download is held to
  let md5 = new Map<string, string>();
  const md5Url = `${base}/${name}/bigZips/md5sum.txt`;
  try {
    const got = await download(md5Url, join(dir, 'md5sum.txt'), progress, attempts, log, stallMs);
    md5 = parseMd5Sums(await readFile(join(dir, 'md5sum.txt'), 'utf8'));
    files.md5sum = { path: 'md5sum.txt', url: got.url, bytes: got.bytes, version: got.lastModified };
  } catch (e) {
    if (!(e instanceof NotFound)) throw e;
    skipped.push('md5sum.txt (not published; downloads are not checksum-verified)');
  }
  // a file already here from an earlier run is kept when md5sum.txt vouches for it
  let previous: AssemblyManifest | null = null;
  try {
    previous = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  } catch {
    previous = null;
  }
  for (const spec of layout(name)) {
    let s: FileSpec | undefined = spec;
    while (s) {
      const url = `${base}/${s.remote}`;
      const dest = join(dir, s.local);
      const listed = md5.get(s.local);
      if (listed && existsSync(dest) && (await hashFile(dest, 'md5')) === listed) {
        const before = previous?.files[s.role];
        files[s.role] = {
          path: s.local, url, bytes: (await stat(dest)).size, version: before?.url === url ? before.version : undefined,
          md5: listed, sha256: before?.url === url && before.sha256 ? before.sha256 : await hashFile(dest, 'sha256'),
        };
        log(`${s.local}: already downloaded, md5 verified`);
        break;
      }
      try {
        const got = await download(url, dest, progress, attempts, log, stallMs);
        const record: AssemblyFileRecord = { path: s.local, url, bytes: got.bytes, version: got.lastModified };
        const expected = md5.get(s.local);
        const actual = await hashFile(dest, 'md5');
        if (expected && expected !== actual) {
          await rm(dest, { force: true });
          throw new FetchError(`md5 mismatch for ${s.local}: md5sum.txt says ${expected}, downloaded file has ${actual}; the file was deleted, run the command again`);
        }
        record.md5 = actual;
        record.sha256 = await hashFile(dest, 'sha256');
        files[s.role] = record;
        log(`${s.local}: ${got.bytes} bytes${expected ? ', md5 verified' : ''}`);
        break;
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
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
  return { dir, manifest, skipped };
}
