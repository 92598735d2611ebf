// FASTA sequence access: plain FASTA + .fai and bgzip FASTA + .fai + .gzi, through
// @gmod/indexedfasta. Builds the samtools-style .fai for a plain FASTA when it is missing.

import { createReadStream } from 'node:fs';
import { access, open, readFile, writeFile } from 'node:fs/promises';
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta';
import { checkRange } from './coords.js';
import { CoordinateError, type ScanOptions, type SequenceOptions, type SequenceSource } from './types.js';

export class FastaIndexError extends Error {
  override name = 'FastaIndexError';
}

/** One .fai line: name, length, byte offset of the first base, bases per line, bytes per line. */
export interface FaiEntry {
  name: string;
  length: number;
  offset: number;
  lineBases: number;
  lineBytes: number;
}

export function parseFai(text: string, source = '.fai'): FaiEntry[] {
  const out: FaiEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    const f = line.split('\t');
    const nums = f.slice(1, 5).map(Number);
    if (f.length < 5 || nums.some((n) => !Number.isSafeInteger(n) || n < 0)) {
      throw new FastaIndexError(`${source}:${i + 1}: expected name, length, offset, linebases, linewidth; got ${JSON.stringify(line)}`);
    }
    out.push({ name: f[0], length: nums[0], offset: nums[1], lineBases: nums[2], lineBytes: nums[3] });
  });
  return out;
}

export function formatFai(entries: FaiEntry[]): string {
  return entries.map((e) => `${e.name}\t${e.length}\t${e.offset}\t${e.lineBases}\t${e.lineBytes}\n`).join('');
}

/**
 * Computes the .fai of a plain (uncompressed) FASTA by streaming it once. Enforces what random
 * access needs: within a record every line but the last has the same length.
 */
export async function buildFai(path: string): Promise<FaiEntry[]> {
  type Building = FaiEntry & { shortSeen: boolean; blankSeen: boolean; afterHeader: number };
  const entries: Building[] = [];
  let cur: Building | null = null;
  let fileOffset = 0; // offset of the current chunk's first byte
  let lineNo = 1;
  let atLineStart = true;
  let inHeader = false;
  let header: Buffer[] = [];
  let lineLen = 0; // bytes of the current line so far, newline excluded
  let lineStartOffset = 0;

  const fail = (msg: string): never => {
    throw new FastaIndexError(`${path}:${lineNo}: ${msg}`);
  };
  const endHeader = () => {
    const name = Buffer.concat(header).toString('latin1').replace(/\r$/, '').slice(1).split(/\s/)[0];
    if (name === '') fail('empty sequence name');
    if (entries.some((e) => e.name === name)) fail(`duplicate sequence name ${name}`);
    cur = { name, length: 0, offset: -1, lineBases: 0, lineBytes: 0, shortSeen: false, blankSeen: false, afterHeader: lineStartOffset + lineLen + 1 };
    entries.push(cur);
  };
  const endSeqLine = (bytesWithNewline: number, bases: number) => {
    if (!cur) fail('sequence before the first ">" header');
    const c = cur!;
    if (bases === 0) {
      c.blankSeen = true;
      return;
    }
    if (c.blankSeen) fail(`blank line inside sequence ${c.name}`);
    if (c.offset < 0) {
      c.offset = lineStartOffset;
      c.lineBases = bases;
      c.lineBytes = bytesWithNewline;
    } else {
      if (c.shortSeen) fail(`lines of ${c.name} have different lengths (needed for indexing)`);
      if (bases > c.lineBases || bytesWithNewline - bases !== c.lineBytes - c.lineBases) {
        fail(`lines of ${c.name} have different lengths (needed for indexing)`);
      }
      if (bases < c.lineBases) c.shortSeen = true;
    }
    c.length += bases;
  };

  let lastByteCR = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let p = 0;
    while (p < chunk.length) {
      if (atLineStart) {
        atLineStart = false;
        lineStartOffset = fileOffset + p;
        lineLen = 0;
        inHeader = chunk[p] === 0x3e;
        header = [];
      }
      const nl = chunk.indexOf(10, p);
      const stop = nl < 0 ? chunk.length : nl;
      if (inHeader) header.push(chunk.subarray(p, stop));
      lineLen += stop - p;
      if (stop > p) lastByteCR = chunk[stop - 1] === 13;
      if (nl < 0) {
        p = chunk.length;
        break;
      }
      // a complete line of lineLen bytes (+ the newline)
      if (inHeader) endHeader();
      else {
        const bases = lineLen - (lineLen > 0 && lastByteCR ? 1 : 0);
        endSeqLine(lineLen + 1, bases);
      }
      lastByteCR = false;
      lineNo++;
      atLineStart = true;
      p = nl + 1;
    }
    fileOffset += chunk.length;
  }
  if (!atLineStart) {
    if (inHeader) endHeader();
    else endSeqLine(lineLen + 1, lineLen - (lastByteCR ? 1 : 0));
  }
  if (entries.length === 0) throw new FastaIndexError(`${path}: no FASTA records (no ">" header)`);
  // an empty sequence gets the offset just after its header, as samtools writes it
  for (const e of entries) if (e.offset < 0) e.offset = e.afterHeader;
  return entries.map(({ name, length, offset, lineBases, lineBytes }) => ({ name, length, offset, lineBases, lineBytes }));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Writes `<fasta>.fai` if it is missing; returns the index path. */
export async function ensureFai(fastaPath: string, faiPath = `${fastaPath}.fai`): Promise<string> {
  if (!(await exists(faiPath))) await writeFile(faiPath, formatFai(await buildFai(fastaPath)));
  return faiPath;
}

/** gzip magic plus the BGZF "BC" extra subfield. */
export async function isBgzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(16);
    const { bytesRead } = await fh.read(b, 0, 16, 0);
    return bytesRead >= 16 && b[0] === 0x1f && b[1] === 0x8b && (b[3] & 4) !== 0 && b[12] === 0x42 && b[13] === 0x43;
  } finally {
    await fh.close();
  }
}

export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export interface FastaOpenOptions {
  faiPath?: string;
  gziPath?: string;
  /** build a missing .fai for a plain FASTA (default true) */
  buildIndex?: boolean;
}

interface GmodFasta {
  getSequence(name: string, start: number, end: number): Promise<string | undefined>;
}

export class FastaSource implements SequenceSource {
  private readonly sizeOf = new Map<string, number>();

  private constructor(readonly path: string, readonly bgzip: boolean, private readonly fasta: GmodFasta, entries: FaiEntry[]) {
    for (const e of entries) this.sizeOf.set(e.name, e.length);
  }

  static async open(path: string, opts: FastaOpenOptions = {}): Promise<FastaSource> {
    const faiPath = opts.faiPath ?? `${path}.fai`;
    if (await isGzip(path)) {
      if (!(await isBgzip(path))) {
        throw new FastaIndexError(`${path} is gzip but not bgzip, so it cannot be read at random; recompress with "bgzip" or import it as 2bit ("genegym assembly import")`);
      }
      const gziPath = opts.gziPath ?? `${path}.gzi`;
      const absent: string[] = [];
      for (const p of [faiPath, gziPath]) if (!(await exists(p))) absent.push(p);
      if (absent.length) throw new FastaIndexError(`bgzip FASTA ${path} needs ${absent.join(' and ')} (make them with "samtools faidx ${path}")`);
      const entries = parseFai(await readFile(faiPath, 'latin1'), faiPath);
      return new FastaSource(path, true, new BgzipIndexedFasta({ path, faiPath, gziPath }), entries);
    }
    if (!(await exists(faiPath))) {
      if (opts.buildIndex === false) throw new FastaIndexError(`${path} has no index ${faiPath}`);
      await ensureFai(path, faiPath);
    }
    const entries = parseFai(await readFile(faiPath, 'latin1'), faiPath);
    return new FastaSource(path, false, new IndexedFasta({ path, faiPath }), entries);
  }

  names(): string[] {
    return [...this.sizeOf.keys()];
  }

  size(chrom: string): number | undefined {
    return this.sizeOf.get(chrom);
  }

  sizes(): Map<string, number> {
    return new Map(this.sizeOf);
  }

  async read(chrom: string, start: number, end: number, opts: SequenceOptions = {}): Promise<string> {
    const size = this.sizeOf.get(chrom);
    if (size === undefined) throw new CoordinateError(`unknown sequence ${JSON.stringify(chrom)} in ${this.path}`);
    checkRange(start, end, size, chrom);
    if (start === end) return '';
    const seq = (await this.fasta.getSequence(chrom, start, end)) ?? '';
    if (seq.length !== end - start) {
      throw new FastaIndexError(`${this.path}: read ${seq.length} bases for ${chrom}:[${start}, ${end}); the .fai does not match the file`);
    }
    return opts.softMask === false ? seq.toUpperCase() : seq;
  }

  async *scan(chrom: string, opts: ScanOptions = {}): AsyncIterable<{ start: number; seq: string }> {
    const size = this.sizeOf.get(chrom);
    if (size === undefined) throw new CoordinateError(`unknown sequence ${JSON.stringify(chrom)} in ${this.path}`);
    const start = opts.start ?? 0;
    const end = opts.end ?? size;
    checkRange(start, end, size, chrom);
    const chunk = opts.chunkSize ?? 1 << 20;
    if (!Number.isSafeInteger(chunk) || chunk <= 0) throw new CoordinateError(`chunkSize must be a positive integer, got ${chunk}`);
    for (let s = start; s < end; s += chunk) {
      const e = Math.min(end, s + chunk);
      yield { start: s, seq: await this.read(chrom, s, e, opts) };
    }
  }

  async close(): Promise<void> {
    // @gmod/indexedfasta opens and closes its local file handles per read; nothing held here.
  }
}
