// One page of lines from an open workspace file, read as a stream with every size bounded:
// gzip is inflated incrementally and stops after a cap of output (an 872 KB file of 200 M
// newlines must not become a 200 MB string), lines before the page are only counted (on bytes,
// never decoded), lines in the page keep at most a prefix, and the page itself has a size cap.
// Live memory per call is a few hundred KB whatever the file holds (the 16 MiB cap bounds what
// passes through).

import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface PageOptions {
  /** first line (0-based) */
  offset: number;
  /** lines wanted */
  limit: number;
  /** bytes of the file to read at most (its fstat size: a file growing meanwhile is not followed) */
  fileBytes: number;
  /** decompressed bytes after which a gzip file is no longer read */
  maxInflatedBytes: number;
  /** characters kept of one line (the rest is counted) */
  maxLineChars?: number;
  /** characters in the page after which it ends early (the caller pages on from `end`) */
  maxPageChars?: number;
}

export interface LinePage {
  gzip: boolean;
  /** the file's first bytes contain NUL: not text */
  binary: boolean;
  lines: string[];
  offset: number;
  /** offset + lines.length */
  end: number;
  /** lines counted; the file's total unless `capped` */
  linesCounted: number;
  /** decompression stopped at maxInflatedBytes: the file goes on, linesCounted is a lower bound */
  capped: boolean;
  /** the page stopped at maxPageChars before `limit` lines */
  pageFull: boolean;
}

/** The file starts like gzip but does not inflate (corrupt or truncated). */
export class CorruptGzipError extends Error {
  override name = 'CorruptGzipError';
}

export const DEFAULT_MAX_LINE_CHARS = 4000;
export const DEFAULT_MAX_PAGE_CHARS = 512 * 1024;
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Raw chunks of the descriptor from byte 0, at most `max` bytes. */
async function* rawChunks(fh: FileHandle, max: number): AsyncGenerator<Buffer> {
  let pos = 0;
  while (pos < max) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, max - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/** Decompressed chunks, stopping (and saying so) once `cap` bytes have come out. */
async function* inflated(raw: AsyncGenerator<Buffer>, cap: number, onCap: () => void): AsyncGenerator<Buffer> {
  const source = Readable.from(raw, { objectMode: false, highWaterMark: CHUNK });
  const gunzip = pipeline(source, createGunzip({ chunkSize: CHUNK }), () => {});
  let total = 0;
  const chunks = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // zlib's own failures are the file's fault; anything else (a read error) is not.
        if (typeof code === 'string' && code.startsWith('Z_')) throw new CorruptGzipError((err as Error).message);
        throw err;
      }
      if (next.done) return;
      const chunk = next.value;
      if (total + chunk.length > cap) {
        if (cap > total) yield chunk.subarray(0, cap - total);
        onCap();
        return;
      }
      total += chunk.length;
      yield chunk;
    }
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

/** Reads lines [offset, offset + limit) and counts the rest. Throws on corrupt gzip. */
export async function readLinePage(fh: FileHandle, opts: PageOptions): Promise<LinePage> {
  const maxLineChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const maxPageChars = opts.maxPageChars ?? DEFAULT_MAX_PAGE_CHARS;
  // UTF-8 needs at most 4 bytes a character: keeping this many bytes keeps maxLineChars.
  const keepBytes = maxLineChars * 4;
  const raw = rawChunks(fh, opts.fileBytes);
  const first = await raw.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const page: LinePage = { gzip, binary: false, lines: [], offset: opts.offset, end: opts.offset, linesCounted: 0, capped: false, pageFull: false };

  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    yield* raw;
  }
  const bytes = gzip ? inflated(all(), opts.maxInflatedBytes, () => (page.capped = true)) : all();

  const stopLine = opts.offset + opts.limit;
  let line = 0; // index of the line being read
  let parts: Buffer[] = []; // kept bytes of the current line, when it is in the page
  let kept = 0;
  let lineBytes = 0;
  let pageChars = 0;
  let sniffed = 0;
  const decoder = new TextDecoder('utf-8');
  const inPage = () => line >= opts.offset && line < stopLine && !page.pageFull;
  const endLine = () => {
    if (inPage()) {
      let text = decoder.decode(Buffer.concat(parts, kept));
      if (lineBytes > kept || text.length > maxLineChars) {
        text = `${text.slice(0, maxLineChars).replace(/\uFFFD$/, '')}… [line truncated, ${lineBytes} bytes]`;
      }
      page.lines.push(text);
      pageChars += text.length + 1;
      if (pageChars >= maxPageChars) page.pageFull = true;
    }
    line++;
    parts = [];
    kept = 0;
    lineBytes = 0;
  };
  try {
    for await (const chunk of bytes) {
      if (sniffed < 8192) {
        const look = chunk.subarray(0, 8192 - sniffed);
        sniffed += look.length;
        if (look.includes(0)) {
          page.binary = true;
          return page;
        }
      }
      let pos = 0;
      while (pos < chunk.length) {
        if (line >= stopLine || page.pageFull) {
          // Past the page: only count. A plain byte loop beats one indexOf per newline when
          // lines are short (a file of newlines is the worst case).
          let count = 0;
          let lastNl = -1;
          for (let i = pos; i < chunk.length; i++) {
            if (chunk[i] === NEWLINE) {
              count++;
              lastNl = i;
            }
          }
          line += count;
          lineBytes = lastNl === -1 ? lineBytes + chunk.length - pos : chunk.length - lastNl - 1;
          break;
        }
        const nl = chunk.indexOf(NEWLINE, pos);
        const stop = nl === -1 ? chunk.length : nl;
        if (inPage()) {
          const take = Math.min(stop - pos, keepBytes - kept);
          if (take > 0) {
            parts.push(Buffer.from(chunk.subarray(pos, pos + take))); // a copy: chunks are reused
            kept += take;
          }
        }
        lineBytes += stop - pos;
        if (nl === -1) break;
        endLine();
        pos = nl + 1;
      }
    }
    if (lineBytes > 0) endLine(); // last line without a newline
  } finally {
    await bytes.return(undefined);
  }
  page.linesCounted = line;
  page.end = opts.offset + page.lines.length;
  return page;
}
