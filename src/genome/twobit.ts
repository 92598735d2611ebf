// A cached 2bit reader (UCSC .2bit, https://genome.ucsc.edu/FAQ/FAQformat.html#format7).
//
// File layout: header (signature 0x1A412743, version 0|1, sequenceCount, reserved), an index of
// (nameSize u8, name, offset u32 | u64 in version 1), then per sequence a record: dnaSize,
// nBlockCount, nBlockStarts[], nBlockSizes[], maskBlockCount, maskBlockStarts[], maskBlockSizes[],
// reserved, packed DNA (T=0 C=1 A=2 G=3, four bases a byte, first base in the high bits).
// Integers use the byte order the signature was written in.
//
// Unlike @gmod/twobit, each sequence record (its N and mask block tables) is read once and
// cached; a query is then one binary search per table and one read of the packed bytes.

import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { checkRange } from './coords.js';
import { CoordinateError, type ScanOptions, type SequenceOptions, type SequenceSource } from './types.js';

const SIGNATURE = 0x1a412743;

export class TwoBitFormatError extends Error {
  override name = 'TwoBitFormatError';
}

/** Parsed record of one sequence: block tables as sorted, non-overlapping [start, end) runs. */
export interface TwoBitRecord {
  name: string;
  size: number;
  nStarts: Uint32Array;
  nEnds: Uint32Array;
  maskStarts: Uint32Array;
  maskEnds: Uint32Array;
  /** file offset of the first packed DNA byte */
  dnaOffset: number;
}

// DECODE[b*4 + k] = k-th base (uppercase ASCII) of packed byte b.
const BASES = [0x54, 0x43, 0x41, 0x47]; // T C A G
const DECODE = new Uint8Array(256 * 4);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) DECODE[b * 4 + k] = BASES[(b >> (6 - 2 * k)) & 3];
}
// The same table seen as one 32-bit word per byte, to write four bases at a time.
const DECODE32 = new Uint32Array(DECODE.buffer);

// COUNTS[b] = base counts of packed byte b in 8-bit lanes: T | C << 8 | A << 16 | G << 24.
const COUNTS = new Uint32Array(256);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) COUNTS[b] += 1 << (8 * ((b >> (6 - 2 * k)) & 3));
}

/** Base counts of a region (uppercase-folded; N from the N blocks). */
export interface Composition {
  A: number;
  C: number;
  G: number;
  T: number;
  N: number;
}

/** Adds the bases of absolute positions [from, to) held in `packed` (whose byte 0 holds base `base0`). */
function countPacked(packed: Buffer, base0: number, from: number, to: number, tcag: Float64Array): void {
  let p = from;
  // leading bases up to a byte boundary, one at a time
  while (p < to && (p & 3) !== 0) {
    tcag[(packed[(p - base0) >>> 2] >> (6 - 2 * (p & 3))) & 3]++;
    p++;
  }
  const fullEnd = to & ~3;
  let i = (p - base0) >>> 2;
  const iEnd = p < fullEnd ? (fullEnd - base0) >>> 2 : i;
  // whole bytes through the lane table; 63 bytes at most per batch so no 8-bit lane overflows
  while (i < iEnd) {
    const stop = Math.min(iEnd, i + 63);
    let lanes = 0;
    for (; i < stop; i++) lanes += COUNTS[packed[i]];
    tcag[0] += lanes & 255;
    tcag[1] += (lanes >>> 8) & 255;
    tcag[2] += (lanes >>> 16) & 255;
    tcag[3] += lanes >>> 24;
  }
  if (p < fullEnd) p = fullEnd;
  for (; p < to; p++) tcag[(packed[(p - base0) >>> 2] >> (6 - 2 * (p & 3))) & 3]++;
}

/** Small free list of scratch buffers so steady-state reads allocate no Buffers. */
class BufferPool {
  private free: Buffer[] = [];
  constructor(private readonly size: number, private readonly keep = 8) {}
  acquire(n: number): Buffer {
    if (n > this.size) return Buffer.allocUnsafeSlow(n);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
  release(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.keep) this.free.push(buf);
  }
}

// one 1 Mb scan chunk fits the pooled buffers: packed bytes and 4 decoded bases per byte
const PACKED_POOL_BYTES = (1 << 18) + 16;
const BASE_POOL_BYTES = PACKED_POOL_BYTES * 4;
// packed bytes of the largest read served synchronously (see TwoBitOptions.syncReadBytes)
const SCRATCH_BYTES = 1 << 16;

export interface TwoBitOptions {
  /**
   * Reads of at most this many packed bytes use a synchronous pread (default 64 KiB): for small
   * reads from the page cache the thread-pool round trip of an async read costs more than the
   * read itself. Set 0 to make every read asynchronous.
   */
  syncReadBytes?: number;
}

export class TwoBitReader implements SequenceSource {
  private readonly index = new Map<string, number>();
  private readonly order: string[] = [];
  private readonly records = new Map<string, TwoBitRecord>();
  private readonly pending = new Map<string, Promise<TwoBitRecord>>();
  private readonly sizeOf = new Map<string, number>();
  private readonly packedPool = new BufferPool(PACKED_POOL_BYTES, 4);
  private readonly basePool = new BufferPool(BASE_POOL_BYTES, 4);
  private readonly scratchPacked = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  private readonly scratchBases = Buffer.allocUnsafeSlow(SCRATCH_BYTES * 4);
  private readonly scratchWords = new Uint32Array(this.scratchBases.buffer, 0, SCRATCH_BYTES);
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly littleEndian: boolean,
    readonly version: number,
    private readonly syncReadBytes: number,
  ) {}

  static async open(path: string, opts: TwoBitOptions = {}): Promise<TwoBitReader> {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(16);
      const { bytesRead } = await fh.read(head, 0, 16, 0);
      if (bytesRead < 16) throw new TwoBitFormatError(`${path}: too short for a 2bit header`);
      let le: boolean;
      if (head.readUInt32LE(0) === SIGNATURE) le = true;
      else if (head.readUInt32BE(0) === SIGNATURE) le = false;
      else throw new TwoBitFormatError(`${path}: not a 2bit file (bad signature 0x${head.readUInt32BE(0).toString(16)})`);
      const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
      const version = u32(head, 4);
      if (version !== 0 && version !== 1) throw new TwoBitFormatError(`${path}: unsupported 2bit version ${version}`);
      const count = u32(head, 8);
      const reader = new TwoBitReader(path, fh, le, version, opts.syncReadBytes ?? 65536);
      await reader.readIndex(count, u32);
      await reader.readSizes();
      return reader;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  private async readIndex(count: number, u32: (b: Buffer, o: number) => number): Promise<void> {
    const offsetBytes = this.version === 1 ? 8 : 4;
    let pos = 16;
    let buf = Buffer.alloc(0);
    let at = 0;
    const need = async (n: number) => {
      if (buf.length - at >= n) return;
      const more = Buffer.alloc(Math.max(n, 65536));
      const { bytesRead } = await this.fh.read(more, 0, more.length, pos);
      pos += bytesRead;
      buf = Buffer.concat([buf.subarray(at), more.subarray(0, bytesRead)]);
      at = 0;
      if (buf.length < n) throw new TwoBitFormatError(`${this.path}: sequence index is truncated`);
    };
    for (let i = 0; i < count; i++) {
      await need(1);
      const nameSize = buf[at];
      await need(1 + nameSize + offsetBytes);
      const name = buf.toString('latin1', at + 1, at + 1 + nameSize);
      let offset: number;
      if (offsetBytes === 4) offset = u32(buf, at + 1 + nameSize);
      else {
        const big = this.littleEndian ? buf.readBigUInt64LE(at + 1 + nameSize) : buf.readBigUInt64BE(at + 1 + nameSize);
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new TwoBitFormatError(`${this.path}: offset of ${name} too large`);
        offset = Number(big);
      }
      at += 1 + nameSize + offsetBytes;
      if (this.index.has(name)) throw new TwoBitFormatError(`${this.path}: duplicate sequence name ${name}`);
      this.index.set(name, offset);
      this.order.push(name);
    }
  }

  /** Sizes are the first word of each record: read them all at open (block tables stay lazy). */
  private async readSizes(): Promise<void> {
    const batch = 64;
    for (let i = 0; i < this.order.length; i += batch) {
      const names = this.order.slice(i, i + batch);
      const words = await Promise.all(names.map((n) => this.readAt(this.index.get(n)!, 4)));
      names.forEach((n, j) => this.sizeOf.set(n, this.u32(words[j], 0)));
    }
  }

  names(): string[] {
    return [...this.order];
  }

  size(chrom: string): number | undefined {
    return this.sizeOf.get(chrom);
  }

  /** Sizes of every sequence, in file order. */
  sizes(): Map<string, number> {
    return new Map(this.sizeOf);
  }

  /** The parsed record of a sequence, read from the file on first use and cached. */
  record(name: string): Promise<TwoBitRecord> {
    const cached = this.records.get(name);
    if (cached) return Promise.resolve(cached);
    let p = this.pending.get(name);
    if (!p) {
      p = this.loadRecord(name).finally(() => this.pending.delete(name));
      this.pending.set(name, p);
    }
    return p;
  }

  private async loadRecord(name: string): Promise<TwoBitRecord> {
    this.assertOpen();
    const offset = this.index.get(name);
    if (offset === undefined) throw new CoordinateError(`unknown sequence ${JSON.stringify(name)} in ${this.path}`);
    const head = await this.readAt(offset, 8);
    const size = this.u32(head, 0);
    const nCount = this.u32(head, 4);
    let pos = offset + 8;
    const nBlocks = await this.readAt(pos, nCount * 8 + 4);
    const [nStarts, nEnds] = this.blocks(nBlocks, nCount, size, name, 'N');
    pos += nCount * 8;
    const maskCount = this.u32(nBlocks, nCount * 8);
    pos += 4;
    const maskBlocks = await this.readAt(pos, maskCount * 8);
    const [maskStarts, maskEnds] = this.blocks(maskBlocks, maskCount, size, name, 'mask');
    pos += maskCount * 8 + 4; // + reserved word
    const rec: TwoBitRecord = { name, size, nStarts, nEnds, maskStarts, maskEnds, dnaOffset: pos };
    this.records.set(name, rec);
    return rec;
  }

  /** Reads a block table into sorted, merged [start, end) arrays, validating against the size. */
  private blocks(buf: Buffer, count: number, size: number, name: string, kind: string): [Uint32Array, Uint32Array] {
    const starts = new Uint32Array(count);
    const ends = new Uint32Array(count);
    let sorted = true;
    for (let i = 0; i < count; i++) {
      const s = this.u32(buf, i * 4);
      const e = s + this.u32(buf, (count + i) * 4);
      if (e > size) throw new TwoBitFormatError(`${this.path}: ${kind} block [${s}, ${e}) of ${name} runs past its size ${size}`);
      starts[i] = s;
      ends[i] = e;
      if (i > 0 && (s < ends[i - 1] || s < starts[i - 1])) sorted = false;
    }
    return sorted ? [starts, ends] : mergeBlocks(starts, ends);
  }

  private u32(b: Buffer, o: number): number {
    return this.littleEndian ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  private async readAt(pos: number, n: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.fh.read(buf, done, n - done, pos + done);
      if (bytesRead === 0) throw new TwoBitFormatError(`${this.path}: unexpected end of file at byte ${pos + done}`);
      done += bytesRead;
    }
    return buf;
  }

  /** Fills buf[0, n) from the file at pos; synchronous for small reads (see TwoBitOptions). */
  private async fill(buf: Buffer, n: number, pos: number): Promise<void> {
    if (n <= this.syncReadBytes) return this.preadSync(buf, n, pos);
    let done = 0;
    while (done < n) {
      const got = (await this.fh.read(buf, done, n - done, pos + done)).bytesRead;
      if (got === 0) throw new TwoBitFormatError(`${this.path}: unexpected end of file at byte ${pos + done}`);
      done += got;
    }
  }

  /** Sequence of [start, end) (0-based half-open); soft-mask lowercase kept unless softMask is false. */
  async read(chrom: string, start: number, end: number, opts: SequenceOptions = {}): Promise<string> {
    const rec = this.records.get(chrom) ?? (await this.record(chrom));
    checkRange(start, end, rec.size, chrom);
    return this.decode(rec, start, end, opts.softMask !== false);
  }

  private async decode(rec: TwoBitRecord, start: number, end: number, softMask: boolean): Promise<string> {
    if (end === start) return '';
    this.assertOpen();
    const firstByte = start >>> 2;
    const byteCount = ((end + 3) >>> 2) - firstByte;
    if (byteCount <= this.syncReadBytes && byteCount <= SCRATCH_BYTES) {
      // Synchronous from read to string, so nothing can interleave: one scratch pair serves all.
      this.preadSync(this.scratchPacked, byteCount, rec.dnaOffset + firstByte);
      return unpack(rec, start, end, softMask, this.scratchPacked, this.scratchBases, this.scratchWords);
    }
    const packed = this.packedPool.acquire(byteCount);
    const bases = this.basePool.acquire(byteCount * 4);
    try {
      await this.fill(packed, byteCount, rec.dnaOffset + firstByte);
      // the pool hands out whole ArrayBuffers, so the 32-bit view is aligned
      const words = new Uint32Array(bases.buffer, bases.byteOffset, bases.length >>> 2);
      return unpack(rec, start, end, softMask, packed, bases, words);
    } finally {
      this.packedPool.release(packed);
      this.basePool.release(bases);
    }
  }

  private preadSync(buf: Buffer, n: number, pos: number): void {
    let done = 0;
    while (done < n) {
      const got = readSync(this.fh.fd, buf, done, n - done, pos + done);
      if (got === 0) throw new TwoBitFormatError(`${this.path}: unexpected end of file at byte ${pos + done}`);
      done += got;
    }
  }

  /**
   * Base composition of [start, end) counted straight from the packed bytes (four bases per
   * table lookup, no strings). Bases under N blocks count as N whatever the file packed there.
   */
  async composition(chrom: string, opts: { start?: number; end?: number; chunkSize?: number } = {}): Promise<Composition> {
    this.assertOpen();
    const rec = await this.record(chrom);
    const start = opts.start ?? 0;
    const end = opts.end ?? rec.size;
    checkRange(start, end, rec.size, chrom);
    const tcag = new Float64Array(4);
    const nOut = new Float64Array(4); // packed bases found under N blocks, to take back out
    let nCount = 0;
    const chunkBases = Math.min((PACKED_POOL_BYTES - 16) * 4, opts.chunkSize ?? Infinity);
    if (!(chunkBases > 0) || !Number.isInteger(chunkBases)) throw new CoordinateError(`chunkSize must be a positive integer, got ${opts.chunkSize}`);
    const packed = this.packedPool.acquire(PACKED_POOL_BYTES);
    try {
      for (let s = start; s < end; s += chunkBases) {
        const e = Math.min(end, s + chunkBases);
        const base0 = s & ~3;
        const bytes = ((e + 3) >>> 2) - (base0 >>> 2);
        await this.fill(packed, bytes, rec.dnaOffset + (base0 >>> 2));
        countPacked(packed, base0, s, e, tcag);
        for (let i = firstEndingAfter(rec.nEnds, s); i < rec.nStarts.length && rec.nStarts[i] < e; i++) {
          const from = Math.max(rec.nStarts[i], s);
          const to = Math.min(rec.nEnds[i], e);
          countPacked(packed, base0, from, to, nOut);
          nCount += to - from;
        }
      }
    } finally {
      this.packedPool.release(packed);
    }
    return { T: tcag[0] - nOut[0], C: tcag[1] - nOut[1], A: tcag[2] - nOut[2], G: tcag[3] - nOut[3], N: nCount };
  }

  /**
   * Streams [start, end) in chunks (default 1 Mb) without holding the chromosome; reads are
   * sequential, so each chunk is one contiguous file read.
   */
  async *scan(chrom: string, opts: ScanOptions = {}): AsyncIterable<{ start: number; seq: string }> {
    const rec = await this.record(chrom);
    const start = opts.start ?? 0;
    const end = opts.end ?? rec.size;
    checkRange(start, end, rec.size, chrom);
    const chunk = opts.chunkSize ?? 1 << 20;
    if (!Number.isSafeInteger(chunk) || chunk <= 0) throw new CoordinateError(`chunkSize must be a positive integer, got ${chunk}`);
    const softMask = opts.softMask !== false;
    for (let s = start; s < end; s += chunk) {
      const e = Math.min(end, s + chunk);
      yield { start: s, seq: await this.decode(rec, s, e, softMask) };
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.path}: reader is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/**
 * Decodes packed bytes of [start, end) (packed[0] holds base start & ~3) into a string:
 * four bases per table lookup, then N runs, then the soft-mask. OR-ing 0x20 lowercases bases
 * and N alike, so case inside an N run covered by a mask block comes out right.
 */
function unpack(rec: TwoBitRecord, start: number, end: number, softMask: boolean, packed: Buffer, bases: Buffer, words: Uint32Array): string {
  const byteCount = ((end + 3) >>> 2) - (start >>> 2);
  for (let i = 0; i < byteCount; i++) words[i] = DECODE32[packed[i]];
  const skip = start & 3;
  applyRuns(bases, rec.nStarts, rec.nEnds, start, end, skip, 'fill');
  if (softMask) applyRuns(bases, rec.maskStarts, rec.maskEnds, start, end, skip, 'lower');
  return bases.toString('latin1', skip, skip + end - start);
}

/** First index i with ends[i] > pos (block tables are sorted and disjoint, so ends ascend too). */
function firstEndingAfter(ends: Uint32Array, pos: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] > pos) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Writes N ('fill') or lowercases ('lower') where the runs meet [start, end); buf[skip] is `start`. */
function applyRuns(buf: Buffer, starts: Uint32Array, ends: Uint32Array, start: number, end: number, skip: number, how: 'fill' | 'lower'): void {
  const base = skip - start;
  for (let i = firstEndingAfter(ends, start); i < starts.length && starts[i] < end; i++) {
    const from = Math.max(starts[i], start) + base;
    const to = Math.min(ends[i], end) + base;
    if (how === 'fill') buf.fill(0x4e, from, to);
    else for (let j = from; j < to; j++) buf[j] |= 0x20;
  }
}

/** Sorts runs by start and merges overlapping or touching runs (both N and mask are set unions). */
function mergeBlocks(starts: Uint32Array, ends: Uint32Array): [Uint32Array, Uint32Array] {
  const idx = [...starts.keys()].sort((a, b) => starts[a] - starts[b]);
  const s: number[] = [];
  const e: number[] = [];
  for (const i of idx) {
    if (starts[i] === ends[i]) continue;
    if (s.length && starts[i] <= e[e.length - 1]) e[e.length - 1] = Math.max(e[e.length - 1], ends[i]);
    else {
      s.push(starts[i]);
      e.push(ends[i]);
    }
  }
  return [Uint32Array.from(s), Uint32Array.from(e)];
}

export async function openTwoBit(path: string, opts?: TwoBitOptions): Promise<TwoBitReader> {
  return TwoBitReader.open(path, opts);
}
