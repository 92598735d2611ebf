// Deterministic randomness: every task is a pure function of (assembly, seed, split, index,
// attempt), so any index of a huge split can be generated on its own, in any order.

/** 64-bit FNV-1a of a string, folded to a 32-bit seed. */
export function hashString(s: string): number {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return Number((h ^ (h >> 32n)) & 0xffffffffn);
}

export class Rng {
  private s: number;
  /**
   * Set by the generator on a large split: whether this attempt may ask about a locus
   * ("chr1:101-200"). Samplers that read sequence check it before reading, so a block of a
   * large split never pays for reads of loci another block owns.
   */
  owns?: (locus: string) => boolean;
  /** names the block `owns` belongs to (for per-block memos) */
  ownerTag?: string;
  constructor(seed: number | string) {
    this.s = (typeof seed === 'string' ? hashString(seed) : seed) >>> 0;
  }
  /** mulberry32: small, fast, good enough for sampling */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }
}
