// Opens any supported sequence file behind the one SequenceSource interface: 2bit (our cached
// reader), plain FASTA (+ .fai, built when missing) or bgzip FASTA (+ .fai + .gzi).

import { open } from 'node:fs/promises';
import { FastaSource, type FastaOpenOptions } from './fasta.js';
import { TwoBitReader, type TwoBitOptions } from './twobit.js';
import type { SequenceSource } from './types.js';

export type SequenceFormat = '2bit' | 'fasta' | 'bgzip-fasta';

/** Detects the format from the first bytes, not the file name. */
export async function detectSequenceFormat(path: string): Promise<SequenceFormat> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    if (bytesRead === 4 && (b.readUInt32LE(0) === 0x1a412743 || b.readUInt32BE(0) === 0x1a412743)) return '2bit';
    if (bytesRead >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'bgzip-fasta';
    if (bytesRead >= 1 && b[0] === 0x3e) return 'fasta';
    throw new Error(`${path}: not a 2bit or FASTA file (starts with ${JSON.stringify(b.subarray(0, bytesRead).toString('latin1'))})`);
  } finally {
    await fh.close();
  }
}

export async function openSequenceSource(path: string, opts: TwoBitOptions & FastaOpenOptions = {}): Promise<SequenceSource & { sizes(): Map<string, number> }> {
  const format = await detectSequenceFormat(path);
  return format === '2bit' ? TwoBitReader.open(path, opts) : FastaSource.open(path, opts);
}

/** Per-base counts of a region, uppercase-folded (A, C, G, T, N, and any other symbol). */
export interface BaseCounts {
  A: number;
  C: number;
  G: number;
  T: number;
  N: number;
  other: number;
}

/** Counts bases of [start, end) through the streaming scan (never holds the whole region). */
export async function countBases(source: SequenceSource, chrom: string, opts: { start?: number; end?: number; chunkSize?: number } = {}): Promise<BaseCounts> {
  if (source instanceof TwoBitReader) {
    // counted from the packed bytes: same answer, no strings
    return { ...(await source.composition(chrom, opts)), other: 0 };
  }
  const counts = new Float64Array(128);
  for await (const { seq } of source.scan(chrom, { ...opts, softMask: false })) {
    for (let i = 0; i < seq.length; i++) counts[seq.charCodeAt(i) & 127]++;
  }
  const [A, C, G, T, N] = [...'ACGTN'].map((c) => counts[c.charCodeAt(0)]);
  const total = counts.reduce((a, b) => a + b, 0);
  return { A, C, G, T, N, other: total - A - C - G - T - N };
}
