// chromosome_stats: lengths, differences, ranks, comparisons and sums over the primary nuclear
// chromosomes (chr1-22, X, Y). The set is named in every question; ties are never asked.

import type { GenContext } from '../context.js';
import type { Domain, DomainKind } from '../types.js';
import { answerFormat, PRIMARY_ONLY, template } from './common.js';

function setName(ctx: GenContext): string {
  const names = ctx.nuclear().map((c) => c.chrom);
  if (names.length === 24) return 'the 24 primary nuclear chromosomes chr1-chr22, chrX and chrY (chrM excluded)';
  return `the primary nuclear chromosomes ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} (chrM excluded)`;
}

/** 1 = longest; null when another chromosome has the same length (a tie is never asked). */
export function lengthRank(all: { chrom: string; size: number }[], chrom: string): number | null {
  const c = all.find((x) => x.chrom === chrom);
  if (!c || all.some((o) => o.chrom !== chrom && o.size === c.size)) return null;
  return 1 + all.filter((o) => o.size > c.size).length;
}

const SIZE_SRC = 'Lengths are the full sequence lengths as in the assembly\'s chrom.sizes, N gaps included.';

const length: DomainKind = {
  name: 'length',
  supports: (ctx) => ctx.nuclear().length > 0,
  async generate(ctx, rng) {
    const c = rng.pick(ctx.nuclear());
    const q = template(rng, [
      () => `What is the length in bp of ${c.chrom} in ${ctx.label}? ${SIZE_SRC} ${PRIMARY_ONLY} ${answerFormat({ length_bp: '<integer>' })}`,
      () => `How many base pairs long is chromosome ${c.chrom} in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ length_bp: '<integer>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { length_bp: String(c.size) }, fields: [{ key: 'length_bp', type: 'exact', unit: 'bp' }], source: { chrom: c.chrom }, key: `${this.name}|${c.chrom}` };
  },
};

const difference: DomainKind = {
  name: 'difference',
  supports: (ctx) => ctx.nuclear().length > 1,
  async generate(ctx, rng) {
    const a = rng.pick(ctx.nuclear());
    const b = rng.pick(ctx.nuclear());
    if (a.size <= b.size) return null;
    const q = template(rng, [
      () => `How many bp longer is ${a.chrom} than ${b.chrom} in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ difference_bp: '<integer>' })}`,
      () => `By how many base pairs does the length of ${a.chrom} exceed that of ${b.chrom} in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ difference_bp: '<integer>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { difference_bp: String(a.size - b.size) }, fields: [{ key: 'difference_bp', type: 'exact', unit: 'bp' }], source: { chroms: [a.chrom, b.chrom] }, key: `${this.name}|${a.chrom}|${b.chrom}` };
  },
};

const rank: DomainKind = {
  name: 'rank',
  supports: (ctx) => ctx.nuclear().length > 2,
  async generate(ctx, rng) {
    const all = ctx.nuclear();
    const c = rng.pick(all);
    const r = lengthRank(all, c.chrom);
    if (r === null) return null;
    const q = template(rng, [
      () => `What rank does ${c.chrom} have by length among ${setName(ctx)} of ${ctx.label}, from longest (rank 1) to shortest? ${SIZE_SRC} ${answerFormat({ rank: '<integer>' })}`,
      () => `At which rank is ${c.chrom} when ${setName(ctx)} of ${ctx.label} are sorted by sequence length, longest first as rank 1? ${SIZE_SRC} ${answerFormat({ rank: '<integer>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { rank: String(r) }, fields: [{ key: 'rank', type: 'exact', unit: 'count' }], source: { chrom: c.chrom }, key: `${this.name}|${c.chrom}` };
  },
};

const comparison: DomainKind = {
  name: 'comparison',
  supports: (ctx) => ctx.nuclear().length > 1,
  async generate(ctx, rng) {
    const a = rng.pick(ctx.nuclear());
    const b = rng.pick(ctx.nuclear());
    if (a.chrom === b.chrom || a.size === b.size) return null;
    const longer = a.size > b.size ? a : b;
    const q = template(rng, [
      () => `Which is longer in ${ctx.label}, ${a.chrom} or ${b.chrom}? ${SIZE_SRC} ${answerFormat({ longer_chromosome: '<chromosome name>' })}`,
      () => `Which of ${a.chrom} and ${b.chrom} has the longer sequence in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ longer_chromosome: '<chromosome name>' })}`,
    ]);
    return { kind: this.name, question: q, answer: { longer_chromosome: longer.chrom }, fields: [{ key: 'longer_chromosome', type: 'exact' }], source: { chroms: [a.chrom, b.chrom] }, key: `${this.name}|${[a.chrom, b.chrom].sort().join('|')}` };
  },
};

const total: DomainKind = {
  name: 'total',
  supports: (ctx) => ctx.nuclear().length > 2,
  async generate(ctx, rng) {
    const all = ctx.nuclear();
    const n = rng.int(2, Math.min(5, all.length - 1));
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(rng.pick(all).chrom);
    const list = all.filter((c) => chosen.has(c.chrom));
    const names = list.map((c) => c.chrom);
    const sum = list.reduce((a, c) => a + c.size, 0);
    const q = `What is the combined length in bp of ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ total_bp: '<integer>' })}`;
    return { kind: this.name, question: q, answer: { total_bp: String(sum) }, fields: [{ key: 'total_bp', type: 'exact', unit: 'bp' }], source: { chroms: names }, key: `${this.name}|${names.join('|')}` };
  },
};

const extreme: DomainKind = {
  name: 'longest_or_shortest_of_set',
  supports: (ctx) => ctx.nuclear().length > 3,
  async generate(ctx, rng) {
    const all = ctx.nuclear();
    const n = rng.int(3, Math.min(5, all.length - 1));
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(rng.pick(all).chrom);
    const list = all.filter((c) => chosen.has(c.chrom));
    if (new Set(list.map((c) => c.size)).size !== list.length) return null;
    const longest = rng.next() < 0.5;
    const pick = list.reduce((a, c) => ((longest ? c.size > a.size : c.size < a.size) ? c : a));
    const names = list.map((c) => c.chrom);
    const which = longest ? 'longest' : 'shortest';
    const q = `Which chromosome is the ${which} of ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} in ${ctx.label}? ${SIZE_SRC} ${answerFormat({ [`${which}_chromosome`]: '<chromosome name>' })}`;
    return {
      kind: this.name,
      question: q,
      answer: { [`${which}_chromosome`]: pick.chrom },
      fields: [{ key: `${which}_chromosome`, type: 'exact' }],
      source: { chroms: names, which },
      key: `${this.name}|${which}|${names.join('|')}`,
    };
  },
};

export const chromosomeStats: Domain = { name: 'chromosome_stats', kinds: [length, difference, rank, comparison, total, extreme] };
