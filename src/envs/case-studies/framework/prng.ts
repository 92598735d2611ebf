// Splittable seeded PRNG for case simulators.
//
// Every stream is keyed by a 64-bit value derived from labels (case id, seed, sub-seed, component
// name). `split(label)` derives a child from the parent's KEY, not from its draw position, so adding
// draws to one component never shifts another component's numbers. Keys are mixed with SplitMix64;
// the stream itself is xoshiro128** (32-bit ops only, so it stays fast in JS without BigInt).

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 step: returns [next state, output]. */
function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [s, z ^ (z >> 31n)];
}

/** 64-bit FNV-1a over the UTF-8 bytes of a label, then one SplitMix64 round for avalanche. */
function hashLabel(label: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(label)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return splitmix64(h)[1];
}

function labelOf(part: string | number | bigint): string {
  if (typeof part === 'number') {
    if (!Number.isSafeInteger(part)) throw new Error(`PRNG label numbers must be safe integers, got ${part}`);
    return `#${part}`;
  }
  if (typeof part === 'bigint') return `#${part}`;
  return part;
}

export class Rng {
  /** 64-bit key this stream was derived from (children derive from it). */
  readonly key: bigint;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** spare value of the polar normal method (used by samplers.normal) */
  spareNormal: number | null = null;

  private constructor(key: bigint) {
    this.key = key;
    let st = key;
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [next, out] = splitmix64(st);
      st = next;
      words.push(Number(out & 0xffffffffn) >>> 0, Number(out >> 32n) >>> 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    // An all-zero state would be absorbing; SplitMix64 makes that practically impossible.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A stream keyed by an ordered list of labels, e.g. `Rng.from('oncology-txr1', seed, subSeed)`. */
  static from(...parts: (string | number | bigint)[]): Rng {
    let key = 0x6a09e667f3bcc908n;
    for (const p of parts) key = splitmix64(key ^ hashLabel(labelOf(p)))[1];
    return new Rng(key);
  }

  /** A stream with an explicit xoshiro128** state (tests against the reference implementation). */
  static fromState(words: [number, number, number, number]): Rng {
    const r = new Rng(0n);
    [r.s0, r.s1, r.s2, r.s3] = words.map((w) => w >>> 0);
    return r;
  }

  /** An independent child stream named `label`; same parent key + label → same child. */
  split(...labels: (string | number | bigint)[]): Rng {
    let key = this.key;
    for (const l of labels) key = splitmix64(key ^ hashLabel(labelOf(l)))[1];
    return new Rng(key);
  }

  /** Next uint32 (xoshiro128**). */
  nextU32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 = this.s2 ^ t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in (0, 1): safe for log(). */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Uniform double in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Unbiased integer in [0, n), n ≤ 2^53. */
  below(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`below(n) needs a positive safe integer, got ${n}`);
    if (n <= 0x100000000) {
      // Lemire-style rejection on 32 bits.
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = this.nextU32();
        if (x < limit) return x % n;
      }
    }
    const limit = 9007199254740992 - (9007199254740992 % n);
    for (;;) {
      const x = Math.floor(this.uniform() * 9007199254740992);
      if (x < limit) return x % n;
    }
  }

  /** Integer in [lo, hi], both inclusive. */
  integer(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) throw new Error(`integer(${lo}, ${hi}): bad range`);
    return lo + this.below(hi - lo + 1);
  }

  /** true with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty array');
    return items[this.below(items.length)];
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** k distinct indices from 0..n-1 (in random order). */
  sampleIndices(n: number, k: number): number[] {
    if (k > n || k < 0) throw new Error(`cannot sample ${k} of ${n}`);
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.below(n - i);
      const tmp = idx[i];
      idx[i] = idx[j];
      idx[j] = tmp;
    }
    return idx.slice(0, k);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
