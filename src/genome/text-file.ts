// Reads a text table that may be gzip- or bgzip-compressed (UCSC ships *.txt.gz). A file that
// fails to decompress is reported by name with the way to repair it, never as a bare zlib error.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** A table file on disk that cannot be decoded (truncated or corrupted download). */
export class DamagedFileError extends Error {
  override name = 'DamagedFileError';
  constructor(readonly path: string, readonly cause: string) {
    super(`${path} is damaged (${cause}); download it again with \`genegym assembly fetch <name>\` or re-import the assembly`);
  }
}

export const isGzipBuffer = (buf: Uint8Array): boolean => buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;

function decode(buf: Buffer, path: string): string {
  if (!isGzipBuffer(buf)) return buf.toString('utf8');
  try {
    // gunzip handles concatenated members, so bgzip files decode whole too
    return gunzipSync(buf).toString('utf8');
  } catch (e) {
    throw new DamagedFileError(path, (e as Error).message);
  }
}

export async function readTextFile(path: string): Promise<string> {
  return decode(await readFile(path), path);
}

export function readTextFileSync(path: string): string {
  return decode(readFileSync(path), path);
}
