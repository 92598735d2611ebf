// cytoBand.txt (chrom, chromStart, chromEnd, name, gieStain; 0-based half-open).
// Lookups are binary searches over each chromosome's bands sorted by start.
// Boundary rule (genome.md 1.5): 0-based pos belongs to the band with start <= pos < end, so the
// 1-based position equal to a band's chromEnd is still inside that band.

import type { CytoBand, Interval } from './types.js';

export class CytoBandParseError extends Error {
  override name = 'CytoBandParseError';
}

const STAIN = /^(gneg|gpos\d*|acen|gvar|stalk)$/;

export function parseCytoBands(text: string, source = 'cytoBand.txt'): CytoBand[] {
  const out: CytoBand[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 4 || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) {
      throw new CytoBandParseError(`${source}:${i + 1}: expected chrom, start, end, name, stain; got ${JSON.stringify(line)}`);
    }
    const start = Number(f[1]);
    const end = Number(f[2]);
    if (end < start) throw new CytoBandParseError(`${source}:${i + 1}: end before start`);
    let name = f[3] ?? '';
    let stain = f[4] ?? '';
    // An unnamed band (chrM) written without its empty name column leaves the stain in the name
    // slot; stains are a closed vocabulary, so put it back.
    if (stain === '' && STAIN.test(name)) [name, stain] = ['', name];
    out.push({ chrom: f[0], start, end, name, stain });
  }
  return out;
}

export class CytoBandIndex {
  private readonly byChrom = new Map<string, CytoBand[]>();

  constructor(bands: CytoBand[]) {
    for (const b of bands) {
      let list = this.byChrom.get(b.chrom);
      if (!list) this.byChrom.set(b.chrom, (list = []));
      list.push(b);
    }
    for (const [chrom, list] of this.byChrom) {
      list.sort((a, b) => a.start - b.start);
      for (let i = 1; i < list.length; i++) {
        if (list[i].start < list[i - 1].end) {
          throw new CytoBandParseError(`overlapping bands on ${chrom}: ${list[i - 1].name} and ${list[i].name}`);
        }
      }
    }
  }

  chromosomes(): string[] {
    return [...this.byChrom.keys()];
  }

  bands(chrom?: string): CytoBand[] {
    if (chrom !== undefined) return [...(this.byChrom.get(chrom) ?? [])];
    return [...this.byChrom.values()].flat();
  }

  /** The band holding 0-based position pos0, or undefined (unknown chrom, gap, past the end). */
  bandAt(chrom: string, pos0: number): CytoBand | undefined {
    const list = this.byChrom.get(chrom);
    if (!list || !Number.isInteger(pos0) || pos0 < 0) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start <= pos0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    return pos0 < list[found].end ? list[found] : undefined;
  }

  /**
   * Range covered by a band name ("p36.33") or a prefix of names ("q24" covers q24.1..q24.3,
   * "p" the whole arm). Also accepts the chromosome-qualified form ("8q24.21", "chr8q24.21").
   * Exact names win over prefixes; the matching bands must be contiguous.
   */
  bandRange(chrom: string, name: string): Interval | undefined {
    const list = this.byChrom.get(chrom);
    if (!list) return undefined;
    const wanted = stripChromPrefix(chrom, name.trim());
    if (wanted === '') return undefined;
    const exact = list.filter((b) => b.name === wanted);
    const hits = exact.length > 0 ? exact : list.filter((b) => b.name.startsWith(wanted) && isBandBoundary(b.name, wanted.length));
    if (hits.length === 0) return undefined;
    const first = list.indexOf(hits[0]);
    const last = list.indexOf(hits[hits.length - 1]);
    if (last - first + 1 !== hits.length) return undefined;
    return { chrom, start: hits[0].start, end: hits[hits.length - 1].end };
  }
}

/** "8q24.21" or "chr8q24.21" on chr8 -> "q24.21"; other text unchanged. */
function stripChromPrefix(chrom: string, name: string): string {
  const short = chrom.replace(/^chr/, '');
  for (const p of [chrom, short]) {
    if (p && name.startsWith(p) && /^[pq]/.test(name.slice(p.length))) return name.slice(p.length);
  }
  return name;
}

// ISCN names nest by digits: "q2" is region 2 (q21..q24), "q24" band 4, "q24.2" holds q24.21..
// A prefix may end anywhere, but "q24." alone is not a name.
function isBandBoundary(name: string, prefixLength: number): boolean {
  return name[prefixLength - 1] !== '.';
}

/** "chr8" + "q24.21" -> "8q24.21" (how NCBI and papers write a band). */
export function formatBand(band: Pick<CytoBand, 'chrom' | 'name'>): string {
  return band.chrom.replace(/^chr/, '') + band.name;
}
