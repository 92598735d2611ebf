// One file over HTTP into "<dest>.part", then verified and renamed into place. Resumes with a
// Range request guarded by If-Range; accepts a 416 whose `bytes */N` equals what is on disk as
// "already complete"; restarts cleanly when a 206 starts elsewhere or the server ignores the
// range. Attempts are counted only while no new bytes arrive, with exponential backoff, so a
// flaky link that keeps making progress never gives up on a large file.

import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Progress } from './progress.js';

export class FetchError extends Error {
  override name = 'FetchError';
  /** every failed attempt failed before any HTTP response (no network, DNS, refused) */
  networkOnly = false;
}

export class NotFound extends Error {
  override name = 'NotFound';
}

/** What a failed attempt was; only these are retried. */
class RetryableFailure extends Error {
  constructor(message: string, readonly kind: 'network' | 'http' | 'transfer' | 'damaged') {
    super(message);
  }
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadOptions {
  progress: Progress;
  log: (line: string) => void;
  /** failed attempts in a row without new bytes before giving up */
  attempts: number;
  /** abort and resume a transfer that delivers no bytes for this long */
  stallMs: number;
  /** first retry delay; doubles after each failure without progress, capped at 30 s */
  retryDelayMs: number;
  /** validators of the copy already on disk: a 304 keeps it */
  conditional?: Validators;
  /** checks the complete .part before it is renamed into place; throws to reject it */
  verify?: (partPath: string) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

export type DownloadResult =
  | ({ status: 'downloaded'; url: string; bytes: number } & Validators)
  | { status: 'not-modified' };

/** Beside every .part: where its bytes came from, so a resume asks for the same version. */
interface PartMeta extends Validators {
  url: string;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** "fetch failed" says nothing; its cause (ECONNREFUSED, ENOTFOUND, a TLS error...) does. */
export function describeError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.cause && typeof err.cause === 'object') {
    const c = err.cause;
    return `${err.message}: ${[c.code, c.message].filter(Boolean).join(' ')}`;
  }
  return err?.message ?? String(e);
}

/** Content-Range: "bytes S-E/N", or "bytes *\/N" on a 416. */
export function parseContentRange(value: string | null): { start?: number; total?: number } | null {
  if (!value) return null;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(value.trim());
  if (!m) return null;
  return { start: m[1] === undefined ? undefined : Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

export async function download(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const part = `${dest}.part`;
  const metaPath = `${dest}.part.json`;
  const name = basename(dest);
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sizeOnDisk = async () => (existsSync(part) ? (await stat(part)).size : 0);
  const discardPart = async () => {
    await rm(part, { force: true });
    await rm(metaPath, { force: true });
  };

  /** Bytes of a .part that belongs to this URL (a stale one from another URL is dropped). */
  const resumable = async (): Promise<{ have: number; meta: PartMeta | null }> => {
    const have = await sizeOnDisk();
    if (have === 0) return { have: 0, meta: null };
    try {
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as PartMeta;
      if (meta.url === url) return { have, meta };
    } catch {
      /* no usable record of where the bytes came from */
    }
    await discardPart();
    return { have: 0, meta: null };
  };

  const finish = async (bytes: number, v: Validators): Promise<DownloadResult> => {
    if (opts.verify) {
      try {
        await opts.verify(part);
      } catch (e) {
        await discardPart();
        throw new RetryableFailure(`${(e as Error).message}; the download was deleted`, 'damaged');
      }
    }
    await rename(part, dest);
    await rm(metaPath, { force: true });
    return { status: 'downloaded', url, bytes, ...v };
  };

  const attempt = async (): Promise<DownloadResult> => {
    let { have, meta } = await resumable();
    const headers: Record<string, string> = {};
    if (have > 0) {
      headers.Range = `bytes=${have}-`;
      const validator = meta?.etag ?? meta?.lastModified;
      if (validator) headers['If-Range'] = validator;
    } else if (opts.conditional) {
      if (opts.conditional.etag) headers['If-None-Match'] = opts.conditional.etag;
      if (opts.conditional.lastModified) headers['If-Modified-Since'] = opts.conditional.lastModified;
    }
    const abort = new AbortController();
    let stall: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(new Error(`no data for ${Math.round(opts.stallMs / 1000)} s`)), opts.stallMs);
    };
    arm();
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'follow', signal: abort.signal });
    } catch (e) {
      clearTimeout(stall);
      throw new RetryableFailure(describeError(abort.signal.aborted ? abort.signal.reason : e), abort.signal.aborted ? 'transfer' : 'network');
    }
    const drop = async () => {
      clearTimeout(stall);
      await res.body?.cancel().catch(() => {});
    };
    if (res.status === 304 && opts.conditional && have === 0) {
      await drop();
      return { status: 'not-modified' };
    }
    if (res.status === 404 || res.status === 410) {
      await drop();
      throw new NotFound(url);
    }
    if (res.status === 416) {
      await drop();
      const total = parseContentRange(res.headers.get('content-range'))?.total;
      // every byte is already here: the earlier run stopped between the last write and the rename
      if (have > 0 && total === have) return finish(have, { etag: meta?.etag, lastModified: meta?.lastModified });
      await discardPart();
      throw new RetryableFailure(`the server refused the range at byte ${have}${total !== undefined ? ` (it has ${total} bytes)` : ''}; starting over`, 'http');
    }
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      await drop();
      throw new RetryableFailure(`HTTP ${res.status} ${res.statusText}`, 'http');
    }
    if (res.status !== 200 && res.status !== 206) {
      await drop();
      throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`);
    }
    const lastModified = res.headers.get('last-modified') ?? undefined;
    const etag = res.headers.get('etag') ?? undefined;
    const range = parseContentRange(res.headers.get('content-range'));
    if (res.status === 206) {
      if (range?.start !== have) {
        await drop();
        await discardPart();
        throw new RetryableFailure(`the server resumed at byte ${range?.start ?? '?'} instead of ${have}; starting over`, 'http');
      }
      opts.log(`${name}: resuming at byte ${have}`);
    } else if (have > 0) {
      opts.log(`${name}: the server sent the whole file instead of the rest; starting over`);
      have = 0;
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = range?.total ?? (Number.isFinite(length) ? have + length : 0);
    await writeFile(metaPath, JSON.stringify({ url, etag, lastModified } satisfies PartMeta));
    const fh = await open(part, have > 0 ? 'a' : 'w');
    const bar = opts.progress.file(name, total, have, opts.log);
    let got = have;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        await fh.write(chunk);
        got += chunk.length;
        bar.update(got);
      }
    } catch (e) {
      throw new RetryableFailure(`transfer broke off at byte ${got} (${describeError(abort.signal.aborted ? abort.signal.reason : e)})`, 'transfer');
    } finally {
      clearTimeout(stall);
      await fh.close();
      bar.stop();
    }
    if (total && got !== total) throw new RetryableFailure(`incomplete: ${got} of ${total} bytes`, 'transfer');
    return finish(got, { etag, lastModified });
  };

  let best = await sizeOnDisk();
  let failures = 0;
  let delay = opts.retryDelayMs;
  let networkOnly = true;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof RetryableFailure)) throw e;
      if (e.kind !== 'network') networkOnly = false;
      const size = await sizeOnDisk();
      if (size > best) {
        best = size;
        failures = 0;
        delay = opts.retryDelayMs;
      } else {
        failures++;
      }
      if (failures >= opts.attempts) {
        const kept = size > 0 ? ` ${size} bytes are kept in ${basename(part)}: run the command again to resume from there.` : '';
        const err = new FetchError(`${url}: download failed after ${failures} attempt${failures === 1 ? '' : 's'} without progress (last: ${e.message}).${kept}`);
        err.networkOnly = networkOnly;
        throw err;
      }
      const again = failures === 0 ? `will resume at byte ${size}` : `retry ${failures}/${opts.attempts - 1}`;
      opts.log(`${name}: ${e.message}; ${again} in ${(delay / 1000).toFixed(delay < 1000 ? 2 : 0)} s`);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}
