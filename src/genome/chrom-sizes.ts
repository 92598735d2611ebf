// chrom.sizes: "name<TAB>length" per line. Natural chromosome order and length rankings.

const PRIMARY = /^chr([1-9]|1\d|2[0-2]|X|Y|M)$/;

export class ChromSizesParseError extends Error {
  override name = 'ChromSizesParseError';
}

/** Parses chrom.sizes text into a Map in file order. Blank and `#` lines are skipped. */
export function parseChromSizes(text: string, source = 'chrom.sizes'): Map<string, number> {
  const sizes = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const size = Number(fields[1]);
    if (fields.length < 2 || fields[0] === '' || !/^\d+$/.test(fields[1]) || !Number.isSafeInteger(size)) {
      throw new ChromSizesParseError(`${source}:${i + 1}: expected "name<TAB>length", got ${JSON.stringify(line)}`);
    }
    if (sizes.has(fields[0])) throw new ChromSizesParseError(`${source}:${i + 1}: duplicate sequence ${fields[0]}`);
    sizes.set(fields[0], size);
  }
  return sizes;
}

/** chr1-22, chrX, chrY, chrM (UCSC names). */
export function isPrimaryChromosome(name: string): boolean {
  return PRIMARY.test(name);
}

function naturalKey(name: string): [number, number, string] {
  const m = PRIMARY.exec(name);
  if (m) {
    const c = m[1];
    const rank = c === 'X' ? 23 : c === 'Y' ? 24 : c === 'M' ? 25 : Number(c);
    return [0, rank, ''];
  }
  return [1, 0, name];
}

/** Natural order: chr1..chr22, chrX, chrY, chrM, then every other name (numbers inside compared as numbers). */
export function compareChromosomes(a: string, b: string): number {
  const [ga, ra, sa] = naturalKey(a);
  const [gb, rb, sb] = naturalKey(b);
  if (ga !== gb) return ga - gb;
  if (ra !== rb) return ra - rb;
  return sa.localeCompare(sb, 'en', { numeric: true });
}

/** Names sorted by length, longest first (ties in natural order). */
export function rankByLength(sizes: Map<string, number>, names: Iterable<string> = sizes.keys()): string[] {
  const list = [...names].filter((n) => sizes.has(n));
  return list.sort((a, b) => sizes.get(b)! - sizes.get(a)! || compareChromosomes(a, b));
}

/** The nuclear primary chromosomes chr1-22, X, Y present in `sizes` (chrM left out of rankings). */
export function nuclearPrimary(sizes: Map<string, number>): string[] {
  return [...sizes.keys()].filter((n) => isPrimaryChromosome(n) && n !== 'chrM').sort(compareChromosomes);
}

/** 1-based rank of `chrom` by length among `among` (default chr1-22, X, Y); undefined if absent. */
export function lengthRank(sizes: Map<string, number>, chrom: string, among: Iterable<string> = nuclearPrimary(sizes)): number | undefined {
  const i = rankByLength(sizes, among).indexOf(chrom);
  return i < 0 ? undefined : i + 1;
}
