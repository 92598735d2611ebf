// Reverse complement over the IUPAC nucleotide alphabet, keeping each base's case
// (soft-masked lowercase stays lowercase). Unknown symbols are an error, not silently kept.

const PAIRS = 'AT CG RY KM SS WW BV DH NN';

const TABLE = new Int16Array(128).fill(-1);
for (const pair of PAIRS.split(' ')) {
  const [a, b] = [pair.charCodeAt(0), pair.charCodeAt(1)];
  TABLE[a] = b;
  TABLE[b] = a;
  TABLE[a | 0x20] = b | 0x20;
  TABLE[b | 0x20] = a | 0x20;
}
// U (RNA) pairs with A; A's complement stays T (DNA output).
TABLE[0x55] = 0x41;
TABLE[0x75] = 0x61;
// alignment gaps map to themselves
TABLE[0x2d] = 0x2d;
TABLE[0x2e] = 0x2e;

function badSymbol(seq: string, i: number): never {
  throw new Error(`cannot complement ${JSON.stringify(seq[i])} at offset ${i}: not an IUPAC nucleotide symbol`);
}

/** Complement without reversing. */
export function complement(seq: string): string {
  const out = Buffer.allocUnsafe(seq.length);
  for (let i = 0; i < seq.length; i++) {
    const c = seq.charCodeAt(i);
    const m = c < 128 ? TABLE[c] : -1;
    if (m < 0) badSymbol(seq, i);
    out[i] = m;
  }
  return out.toString('latin1');
}

/** Reverse complement (A<->T, C<->G, IUPAC codes paired, N->N, case kept). */
export function reverseComplement(seq: string): string {
  const n = seq.length;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    const c = seq.charCodeAt(i);
    const m = c < 128 ? TABLE[c] : -1;
    if (m < 0) badSymbol(seq, i);
    out[n - 1 - i] = m;
  }
  return out.toString('latin1');
}
