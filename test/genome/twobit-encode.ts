// A minimal 2bit encoder written from the UCSC format description, used only to make test
// files for the reader. Deliberately independent of src/genome/twobit-writer.ts.

export interface EncodeOptions {
  version?: 0 | 1;
  bigEndian?: boolean;
  /** extra mask blocks to add verbatim (e.g. overlapping N runs, unsorted order) */
  rawMaskBlocks?: Record<string, Array<[number, number]>>;
}

function runs(seq: string, test: (c: string) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < seq.length) {
    if (!test(seq[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < seq.length && test(seq[j])) j++;
    out.push([i, j - i]);
    i = j;
  }
  return out;
}

/** Encodes name -> sequence (ACGTN, soft-masked lowercase) as a 2bit file. */
export function encodeTwoBit(seqs: Array<[string, string]>, opts: EncodeOptions = {}): Buffer {
  const version = opts.version ?? 0;
  const offBytes = version === 1 ? 8 : 4;
  const parts: Buffer[] = [];
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    opts.bigEndian ? b.writeUInt32BE(v) : b.writeUInt32LE(v);
    return b;
  };
  const records = seqs.map(([name, seq]) => {
    const nBlocks = runs(seq, (c) => c === 'N' || c === 'n');
    const maskBlocks = opts.rawMaskBlocks?.[name] ?? runs(seq, (c) => c >= 'a' && c <= 'z');
    const packed = Buffer.alloc(Math.ceil(seq.length / 4));
    const code: Record<string, number> = { T: 0, C: 1, A: 2, G: 3, N: 0 };
    for (let i = 0; i < seq.length; i++) {
      packed[i >> 2] |= code[seq[i].toUpperCase()] << (6 - 2 * (i & 3));
    }
    return Buffer.concat([
      u32(seq.length),
      u32(nBlocks.length),
      ...nBlocks.map((b) => u32(b[0])),
      ...nBlocks.map((b) => u32(b[1])),
      u32(maskBlocks.length),
      ...maskBlocks.map((b) => u32(b[0])),
      ...maskBlocks.map((b) => u32(b[1])),
      u32(0),
      packed,
    ]);
  });
  const indexSize = seqs.reduce((n, [name]) => n + 1 + Buffer.byteLength(name) + offBytes, 0);
  let offset = 16 + indexSize;
  parts.push(u32(0x1a412743), u32(version), u32(seqs.length), u32(0));
  seqs.forEach(([name], i) => {
    parts.push(Buffer.from([Buffer.byteLength(name)]), Buffer.from(name, 'latin1'));
    if (offBytes === 4) parts.push(u32(offset));
    else {
      const b = Buffer.alloc(8);
      opts.bigEndian ? b.writeBigUInt64BE(BigInt(offset)) : b.writeBigUInt64LE(BigInt(offset));
      parts.push(b);
    }
    offset += records[i].length;
  });
  return Buffer.concat([...parts, ...records]);
}
