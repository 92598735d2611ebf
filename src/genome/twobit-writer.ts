// A streaming UCSC 2bit writer (https://genome.ucsc.edu/FAQ/FAQformat.html#format7).
//
// A 2bit record puts its N-block and mask-block tables before the packed bases, and the file index
// at the top needs every record's offset, so a single pass cannot write the final file directly.
// We pack bases into a side file while collecting the block tables (8 bytes per run, never the
// sequence itself), then assemble header + index + records, copying the packed bytes across.
// Memory stays bounded by the block tables whatever the genome size.
//
// Encoding follows faToTwoBit: T=0 C=1 A=2 G=3, first base in the high bits; N (and any other
// IUPAC symbol, which 2bit cannot store) is packed as T and recorded as an N block; lowercase
// runs become mask blocks. Version 0 stores 32-bit offsets; version 1 (64-bit offsets) is chosen
// automatically when the file would pass 4 GiB.

import { open, rm, rename, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';

const SIGNATURE = 0x1a412743;
const MAX_U32 = 0xffffffff;

// CODE[byte] = 2-bit code for A/C/G/T in either case, 4 for N and anything else (stored as N).
const CODE = new Uint8Array(256).fill(4);
for (const [ch, v] of [['T', 0], ['C', 1], ['A', 2], ['G', 3]] as const) {
  CODE[ch.charCodeAt(0)] = v;
  CODE[ch.toLowerCase().charCodeAt(0)] = v;
}
const IS_LOWER = new Uint8Array(256);
for (let c = 0x61; c <= 0x7a; c++) IS_LOWER[c] = 1;

/** A growable list of [start, end) runs in two Uint32Arrays. */
class RunList {
  starts = new Uint32Array(64);
  ends = new Uint32Array(64);
  length = 0;
  push(start: number, end: number): void {
    if (this.length === this.starts.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }
}

interface PendingRecord {
  name: string;
  size: number;
  nRuns: RunList;
  maskRuns: RunList;
  /** where this record's packed bases start in the side file */
  packedOffset: number;
  packedBytes: number;
}

export interface TwoBitWriterOptions {
  /** 0, 1 or 'auto' (default): version 1 only when some offset would not fit in 32 bits */
  version?: 0 | 1 | 'auto';
  /** largest offset version 0 may store (default 2^32 - 1); lowered only by tests */
  maxV0Offset?: number;
}

export class TwoBitWriteError extends Error {
  override name = 'TwoBitWriteError';
}

const FLUSH_BYTES = 1 << 20;

/**
 * Usage: `const w = await TwoBitWriter.create(path)`, then for each sequence
 * `w.beginSequence(name)`, any number of `await w.write(chunk)`, `w.endSequence()`; finally
 * `await w.close()`. The target file appears only when close() succeeds (written to a temporary
 * name and renamed); abort() removes everything.
 */
export class TwoBitWriter {
  private readonly records: PendingRecord[] = [];
  private readonly names = new Set<string>();
  private current: PendingRecord | null = null;
  private packedTotal = 0;
  // packing state of the current sequence
  private out = Buffer.allocUnsafe(FLUSH_BYTES + 16);
  private outLen = 0;
  private acc = 0;
  private accCount = 0;
  private pos = 0;
  private nStart = -1;
  private maskStart = -1;
  private done = false;

  private constructor(
    readonly path: string,
    private readonly sidePath: string,
    private readonly side: FileHandle,
    private readonly opts: TwoBitWriterOptions,
  ) {}

  static async create(path: string, opts: TwoBitWriterOptions = {}): Promise<TwoBitWriter> {
    const sidePath = `${path}.${process.pid}.${Date.now().toString(36)}.packed.tmp`;
    const side = await open(sidePath, 'w');
    return new TwoBitWriter(path, sidePath, side, opts);
  }

  get sequenceCount(): number {
    return this.records.length;
  }

  beginSequence(name: string): void {
    if (this.done) throw new TwoBitWriteError('writer is closed');
    if (this.current) throw new TwoBitWriteError(`sequence ${this.current.name} is still open`);
    const nameBytes = Buffer.byteLength(name, 'latin1');
    if (!name || nameBytes > 255 || /\s/.test(name)) {
      throw new TwoBitWriteError(`bad sequence name ${JSON.stringify(name)} (1-255 bytes, no whitespace)`);
    }
    if (this.names.has(name)) throw new TwoBitWriteError(`duplicate sequence name ${name}`);
    this.names.add(name);
    this.current = { name, size: 0, nRuns: new RunList(), maskRuns: new RunList(), packedOffset: this.packedTotal, packedBytes: 0 };
    this.pos = 0;
    this.acc = 0;
    this.accCount = 0;
    this.outLen = 0;
    this.nStart = -1;
    this.maskStart = -1;
  }

  /** Appends bases (string or latin1/ASCII bytes). Whitespace is not allowed here. */
  async write(chunk: string | Uint8Array): Promise<void> {
    const rec = this.current;
    if (!rec) throw new TwoBitWriteError('write() outside beginSequence()/endSequence()');
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    let { acc, accCount, pos, nStart, maskStart, outLen } = this;
    const out = this.out;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      const code = CODE[c];
      if (code === 4) {
        if (c <= 0x20) throw new TwoBitWriteError(`whitespace or control byte 0x${c.toString(16)} in sequence ${rec.name} at ${pos}`);
        if (nStart < 0) nStart = pos;
      } else if (nStart >= 0) {
        rec.nRuns.push(nStart, pos);
        nStart = -1;
      }
      if (IS_LOWER[c]) {
        if (maskStart < 0) maskStart = pos;
      } else if (maskStart >= 0) {
        rec.maskRuns.push(maskStart, pos);
        maskStart = -1;
      }
      acc = (acc << 2) | (code & 3);
      if (++accCount === 4) {
        out[outLen++] = acc;
        acc = 0;
        accCount = 0;
        if (outLen >= FLUSH_BYTES) {
          this.outLen = outLen;
          await this.flush();
          outLen = 0;
        }
      }
      pos++;
    }
    if (pos > MAX_U32) throw new TwoBitWriteError(`sequence ${rec.name} is longer than 2bit allows (4 Gb)`);
    Object.assign(this, { acc, accCount, pos, nStart, maskStart, outLen });
  }

  private async flush(): Promise<void> {
    if (this.outLen === 0) return;
    const rec = this.current!;
    await this.side.write(this.out, 0, this.outLen, rec.packedOffset + rec.packedBytes);
    rec.packedBytes += this.outLen;
    this.outLen = 0;
  }

  async endSequence(): Promise<void> {
    const rec = this.current;
    if (!rec) throw new TwoBitWriteError('endSequence() without beginSequence()');
    if (this.accCount > 0) {
      this.out[this.outLen++] = (this.acc << (2 * (4 - this.accCount))) & 0xff;
      this.acc = 0;
      this.accCount = 0;
    }
    await this.flush();
    if (this.nStart >= 0) rec.nRuns.push(this.nStart, this.pos);
    if (this.maskStart >= 0) rec.maskRuns.push(this.maskStart, this.pos);
    rec.size = this.pos;
    this.packedTotal += rec.packedBytes;
    this.records.push(rec);
    this.current = null;
  }

  /** Convenience: one whole sequence (or an iterable of chunks). */
  async addSequence(name: string, seq: string | Iterable<string> | AsyncIterable<string>): Promise<void> {
    this.beginSequence(name);
    if (typeof seq === 'string') await this.write(seq);
    else for await (const chunk of seq) await this.write(chunk);
    await this.endSequence();
  }

  /** Writes the 2bit file and removes the side file. Returns the file size in bytes. */
  async close(): Promise<number> {
    if (this.current) throw new TwoBitWriteError(`sequence ${this.current.name} was not ended`);
    if (this.done) throw new TwoBitWriteError('writer is closed');
    this.done = true;
    await this.side.close();
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      const size = await this.assemble(tmp);
      await rename(tmp, this.path);
      return size;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    } finally {
      await rm(this.sidePath, { force: true });
    }
  }

  /** Discards everything written so far. */
  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.side.close().catch(() => {});
    }
    await rm(this.sidePath, { force: true });
  }

  private layout(offsetBytes: number): { indexBytes: number; offsets: number[]; total: number } {
    let indexBytes = 0;
    for (const r of this.records) indexBytes += 1 + Buffer.byteLength(r.name, 'latin1') + offsetBytes;
    let at = 16 + indexBytes;
    const offsets: number[] = [];
    for (const r of this.records) {
      offsets.push(at);
      at += recordHeaderBytes(r) + r.packedBytes;
    }
    return { indexBytes, offsets, total: at };
  }

  private async assemble(tmp: string): Promise<number> {
    let version: 0 | 1 = this.opts.version === 1 ? 1 : 0;
    let plan = this.layout(version === 1 ? 8 : 4);
    const lastOffset = plan.offsets.length ? plan.offsets[plan.offsets.length - 1] : 0;
    if (lastOffset > (this.opts.maxV0Offset ?? MAX_U32)) {
      if (this.opts.version === 0) throw new TwoBitWriteError('2bit version 0 cannot address more than 4 GiB; use version 1');
      if (version === 0) {
        version = 1;
        plan = this.layout(8);
      }
    }
    const fh = await open(tmp, 'w');
    try {
      const head = Buffer.alloc(16 + plan.indexBytes);
      head.writeUInt32LE(SIGNATURE, 0);
      head.writeUInt32LE(version, 4);
      head.writeUInt32LE(this.records.length, 8);
      head.writeUInt32LE(0, 12);
      let o = 16;
      this.records.forEach((r, i) => {
        const nb = Buffer.byteLength(r.name, 'latin1');
        head.writeUInt8(nb, o++);
        o += head.write(r.name, o, 'latin1');
        if (version === 1) {
          head.writeBigUInt64LE(BigInt(plan.offsets[i]), o);
          o += 8;
        } else {
          head.writeUInt32LE(plan.offsets[i], o);
          o += 4;
        }
      });
      await fh.write(head, 0, head.length, 0);
      for (let i = 0; i < this.records.length; i++) {
        const r = this.records[i];
        const rh = encodeRecordHeader(r);
        await fh.write(rh, 0, rh.length, plan.offsets[i]);
        await copyRange(this.sidePath, r.packedOffset, r.packedBytes, fh, plan.offsets[i] + rh.length);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    return plan.total;
  }
}

function recordHeaderBytes(r: PendingRecord): number {
  return 4 + 4 + 8 * r.nRuns.length + 4 + 8 * r.maskRuns.length + 4;
}

function encodeRecordHeader(r: PendingRecord): Buffer {
  const b = Buffer.alloc(recordHeaderBytes(r));
  let o = b.writeUInt32LE(r.size, 0);
  const table = (runs: RunList) => {
    o = b.writeUInt32LE(runs.length, o);
    for (let i = 0; i < runs.length; i++) o = b.writeUInt32LE(runs.starts[i], o);
    for (let i = 0; i < runs.length; i++) o = b.writeUInt32LE(runs.ends[i] - runs.starts[i], o);
  };
  table(r.nRuns);
  table(r.maskRuns);
  b.writeUInt32LE(0, o); // reserved
  return b;
}

async function copyRange(src: string, start: number, length: number, dst: FileHandle, at: number): Promise<void> {
  if (length === 0) return;
  const stream = createReadStream(src, { start, end: start + length - 1, highWaterMark: 1 << 20 });
  let pos = at;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    await dst.write(chunk, 0, chunk.length, pos);
    pos += chunk.length;
  }
  if (pos - at !== length) throw new TwoBitWriteError(`short copy of packed bases (${pos - at} of ${length} bytes)`);
}

/** Writes name -> sequence pairs (each a string or chunk iterable) to a 2bit file. */
export async function writeTwoBit(
  path: string,
  sequences: Iterable<[string, string | Iterable<string> | AsyncIterable<string>]> | AsyncIterable<[string, string | Iterable<string> | AsyncIterable<string>]>,
  opts: TwoBitWriterOptions = {},
): Promise<number> {
  const w = await TwoBitWriter.create(path, opts);
  try {
    for await (const [name, seq] of sequences) await w.addSequence(name, seq);
    return await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
