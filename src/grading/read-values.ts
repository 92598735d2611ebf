// Reading values the way people write them: numbers with units, thousands separators and
// number words; chromosome and band labels; DNA sequences pasted with headers and end marks.
// Every reading is exact or refused: a unit that changes the value is applied ("2.176 kb" is
// 2176 bp, "2176 Mb" is 2,176,000,000 bp), and anything we cannot read unambiguously throws
// Unreadable, which the grader reports as "malformed" (never a silent guess).

/**
 * What a numeric field measures; it decides which units a submission may carry.
 *   bp       - a length or position in base pairs: bp/b/nt/bases, kb, Mb, Gb are applied
 *   count    - a plain count or rank: like bp (so "5,124 bases" reads), never a percent
 *   fraction - a value in [0, 1]: "39%" and "39 percent" read as 0.39; a bare 39 stays 39
 *   percent  - a value in [0, 100]: "39%", "39 percent" and a bare 39 all read as 39; a
 *              bare 0.39 stays 0.39 (the question asks for a percentage)
 */
export type FieldUnit = 'bp' | 'count' | 'fraction' | 'percent';

export class Unreadable extends Error {}

/** Power of ten each length unit multiplies by, keyed by its lowercase spelling. */
const LENGTH_UNITS: Record<string, number> = {
  bp: 0,
  b: 0,
  nt: 0,
  base: 0,
  bases: 0,
  'base pair': 0,
  'base pairs': 0,
  'base-pairs': 0,
  basepairs: 0,
  kb: 3,
  kbp: 3,
  kilobase: 3,
  kilobases: 3,
  'kilobase pairs': 3,
  mb: 6,
  mbp: 6,
  megabase: 6,
  megabases: 6,
  'megabase pairs': 6,
  gb: 9,
  gbp: 9,
  gigabase: 9,
  gigabases: 9,
};
const PERCENT_UNITS = new Set(['%', 'percent', 'per cent', 'pct']);

// Longest spellings first so "base pairs" wins over "base" and "kbp" over "kb".
const UNIT_ALTERNATION = [...Object.keys(LENGTH_UNITS), ...PERCENT_UNITS]
  .sort((a, b) => b.length - a.length)
  .map((u) => u.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&').replace(/ /g, '\\s+'))
  .join('|');
const UNIT_AFTER = new RegExp(`^\\s*(${UNIT_ALTERNATION})(?![A-Za-z0-9])`, 'i');
/** Words or signs after a number that would scale it in a way we do not read. */
const UNREAD_SCALE = /^\s*(?:[kKmMgG](?![A-Za-z])|thousand|million|billion|hundred|lakh|x\s*10|×|\*\s*10|\^|·\s*10|e[-+]?\d)/i;

// A digit-written number: groups of three separated by commas or (thin / no-break) spaces,
// or plain digits; an optional decimal part; a bare leading "." decimal; an exponent.
const SPACE = '[ \\u00a0\\u2009\\u202f]';
const NUMBER = new RegExp(
  `(?<![\\d.,])([-\\u2212]?)((?:\\d{1,3}(?:(?:,\\d{3})+|(?:${SPACE}\\d{3})+)|\\d+)(?:\\.\\d+)?|\\.\\d+)(?:[eE]([-+]?\\d+))?(?![\\d,])(?!\\.\\d)`,
  'g',
);

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20,
};
const UNITS_1_9 = 'one|two|three|four|five|six|seven|eight|nine';
const WORD_NUMBER = new RegExp(
  `(?<![A-Za-z-])(?:(${Object.keys(TENS).join('|')})(?:[- ](${UNITS_1_9}))?|(${Object.keys(SMALL).join('|')})|(${Object.keys(ORDINALS).join('|')}))(?![A-Za-z-])`,
  'gi',
);

interface Token {
  /** decimal digits with at most one ".", sign included */
  digits: string;
  /** power of ten already in the text (an exponent) */
  exp: number;
  end: number;
  unit: string | null;
}

/**
 * Reads one number for a field of the given unit. Surrounding words are tolerated ("about
 * 0.44", "7,518 bp") only when exactly one number appears; number words ("twelve", "third")
 * count only when no digits appear at all.
 */
export function readNumber(raw: unknown, unit: FieldUnit): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new Unreadable('not a finite number');
    return raw;
  }
  const text = readText(raw);
  let tokens: Token[] = [...text.matchAll(NUMBER)].map((m) => ({
    digits: (m[1] ? '-' : '') + m[2].replace(/[,\s\u00a0\u2009\u202f]/g, ''),
    exp: m[3] ? Number(m[3]) : 0,
    end: m.index! + m[0].length,
    unit: null,
  }));
  if (tokens.length === 0) {
    tokens = [...text.matchAll(WORD_NUMBER)].map((m) => {
      const n = m[1] ? TENS[m[1].toLowerCase()] + (m[2] ? SMALL[m[2].toLowerCase()] : 0) : m[3] ? SMALL[m[3].toLowerCase()] : ORDINALS[m[4].toLowerCase()];
      return { digits: String(n), exp: 0, end: m.index! + m[0].length, unit: null };
    });
  }
  if (tokens.length === 0) throw new Unreadable(`no number in ${JSON.stringify(clip(text))}`);
  if (tokens.length > 1) throw new Unreadable(`several numbers in ${JSON.stringify(clip(text))}`);
  const tok = tokens[0];
  const rest = text.slice(tok.end);
  const u = UNIT_AFTER.exec(rest);
  if (u) tok.unit = u[1].toLowerCase().replace(/\s+/g, ' ');
  const after = u ? rest.slice(u[0].length) : rest;
  if (UNREAD_SCALE.test(after) || (!u && /^[A-Za-z]/.test(rest) && !/^(?:st|nd|rd|th)\b/i.test(rest))) {
    throw new Unreadable(`unrecognised unit or multiplier after the number in ${JSON.stringify(clip(text))}`);
  }
  return Number(`${tok.digits}e${tok.exp + unitExponent(tok.unit, unit, text)}`);
}

/** The power of ten a written unit applies for a field of `field` unit, or throws. */
function unitExponent(written: string | null, field: FieldUnit, text: string): number {
  if (written === null) return 0;
  if (PERCENT_UNITS.has(written)) {
    if (field === 'fraction') return -2;
    if (field === 'percent') return 0;
    throw new Unreadable(`a percentage where a ${field === 'bp' ? 'length in bp' : 'count'} is asked: ${JSON.stringify(clip(text))}`);
  }
  if (field === 'fraction' || field === 'percent') {
    throw new Unreadable(`a length unit where a ${field} is asked: ${JSON.stringify(clip(text))}`);
  }
  return LENGTH_UNITS[written];
}

/**
 * A chromosome or band label in one canonical form: lowercase, no whitespace, no leading
 * "chromosome"/"chrom"/"chr" word, no ":" between chromosome and arm, no trailing full stop.
 * "Chromosome 3p12.1", "chr3:p12.1" and "3 p12.1" all become "3p12.1"; "chr3" becomes "3".
 */
export function normaliseLabel(s: string): string {
  return s
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/^(?:chromosome|chrom|chr)(?=[0-9xym])/, '')
    .replace(/^([0-9]+|[xym]):?(?=[pq])/, '$1')
    .replace(/[.。]$/, '');
}

/**
 * DNA letters from what people paste: FASTA header lines (">chr1:1-20"), 5'/3' end marks
 * ("5'-ACGT-3'", "5′ ACGT 3′"), line numbers and whitespace, code fences and quotes are
 * dropped; whatever remains must be A, C, G, T or N.
 */
export function readSequence(raw: unknown): string {
  let text = readText(raw)
    .replace(/^\s*```[A-Za-z]*\s*$/gm, '')
    .replace(/^\s*>.*$/gm, '');
  text = text.trim();
  const quoted = /^(["`])([\s\S]*)\1$/.exec(text);
  if (quoted) text = quoted[2].trim();
  text = text.replace(/^5\s*['′’]\s*[-–—]?\s*/, '').replace(/\s*[-–—]?\s*3\s*['′’]$/, '');
  text = text.replace(/[\d\s]+/g, '');
  if (/^[ACGTNacgtn]+$/.test(text)) return text.toUpperCase();
  throw new Unreadable('a sequence must contain only A, C, G, T, N (headers, 5\'/3\' marks, numbers and whitespace are ignored)');
}

export function readText(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new Unreadable(`expected a string, got ${clip(JSON.stringify(raw) ?? String(raw))}`);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
