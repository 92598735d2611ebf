// Reads a text table that may be gzip- or bgzip-compressed (UCSC ships *.txt.gz).

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

function decode(buf: Buffer): string {
  // gunzip handles concatenated members, so bgzip files decode whole too
  const raw = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
  return raw.toString('utf8');
}

export async function readTextFile(path: string): Promise<string> {
  return decode(await readFile(path));
}

export function readTextFileSync(path: string): string {
  return decode(readFileSync(path));
}
