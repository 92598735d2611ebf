// Multi-step arithmetic word problems generated from (seed, split, index), so a split of any
// size is addressable without being stored. The answer is recomputed on the server from the
// same three numbers; it never appears in a task spec.

export interface Problem {
  question: string;
  answer: number;
  steps: number;
}

interface Theme {
  actor: string;
  unit: string;
  /** plural: k ≥ 2 of them always arrive */
  containers: string;
  use: string;
}

const THEMES: Theme[] = [
  { actor: 'A sequencing core', unit: 'DNA samples', containers: 'plates', use: 'sequences' },
  { actor: 'A genetics lab', unit: 'pipette tips', containers: 'boxes', use: 'uses up' },
  { actor: 'A greenhouse', unit: 'seedlings', containers: 'trays', use: 'sells' },
  { actor: 'A compute cluster', unit: 'queued jobs', containers: 'batches', use: 'finishes' },
  { actor: 'A biobank', unit: 'frozen aliquots', containers: 'racks', use: 'ships out' },
];

/** 32-bit mixing of the seed, split name and index into one PRNG state. */
function stateOf(seed: number, split: string, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  for (let i = 0; i < split.length; i++) h = Math.imul(h ^ split.charCodeAt(i), 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ (index >>> 0), 0x27d4eb2f) >>> 0;
  h = Math.imul(h ^ Math.floor(index / 2 ** 32), 0x165667b1) >>> 0;
  // murmur3's fmix32 finaliser: neighbouring indexes get unrelated states.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for drawing problem parameters. */
function prng(state: number): (lo: number, hi: number) => number {
  let a = state;
  return (lo, hi) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + Math.floor(u * (hi - lo + 1));
  };
}

const LIMIT = 100_000;

export function generateProblem(seed: number, split: string, index: number): Problem {
  const rand = prng(stateOf(seed, split, index));
  const theme = THEMES[rand(0, THEMES.length - 1)];
  const steps = rand(2, 5);
  let value = rand(12, 120);
  const sentences = [`${theme.actor} starts the week with ${value} ${theme.unit}.`];
  for (let s = 0; s < steps; s++) {
    for (;;) {
      const op = rand(0, 4);
      if (op === 0) {
        const a = rand(3, 90);
        value += a;
        sentences.push(`Then it receives ${a} more ${theme.unit}.`);
      } else if (op === 1) {
        if (value < 4) continue;
        const a = rand(1, value - 1);
        value -= a;
        sentences.push(`Then it ${theme.use} ${a} of its ${theme.unit}.`);
      } else if (op === 2) {
        const k = rand(2, 9);
        const m = rand(2, 24);
        if (value + k * m > LIMIT) continue;
        value += k * m;
        sentences.push(`Then ${k} ${theme.containers} arrive, each holding ${m} ${theme.unit}.`);
      } else if (op === 3) {
        const k = rand(2, 3);
        if (value * k > LIMIT) continue;
        value *= k;
        sentences.push(`Then its stock of ${theme.unit} ${k === 2 ? 'doubles' : 'triples'}.`);
      } else {
        const divisors = [2, 3, 4, 5, 6].filter((d) => value % d === 0);
        if (divisors.length === 0) continue;
        const k = divisors[rand(0, divisors.length - 1)];
        value /= k;
        sentences.push(`Then it splits its ${theme.unit} equally among ${k} teams and keeps just one team's share.`);
      }
      break;
    }
  }
  sentences.push(`How many ${theme.unit} does it have now?`);
  return { question: sentences.join(' '), answer: value, steps };
}
