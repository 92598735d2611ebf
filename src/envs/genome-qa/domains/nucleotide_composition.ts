// nucleotide_composition: exact base counts of an N-free window, one base's count, CpG
// dinucleotides, or A/C/G/T/N of a small whole chromosome.

import { composition, countSite, region1 } from '../seq.js';
import type { Domain, DomainKind } from '../types.js';
import { canSampleWindow, sampleWindow, type WindowSpec } from '../windows.js';
import { answerFormat, COORDS_1BASED, template } from './common.js';

const CASE = 'Soft-masked (lowercase) bases count like uppercase ones.';
const COUNT_WINDOW: WindowSpec = { minChromLength: 5000, minLength: 100, maxLength: 3000 };
const CPG_WINDOW: WindowSpec = { minChromLength: 5000, minLength: 200, maxLength: 4000 };
const MAX_WHOLE = 2_000_000;

const acgt: DomainKind = {
  name: 'window_acgt',
  supports: (ctx) => canSampleWindow(ctx, COUNT_WINDOW),
  async generate(ctx, rng) {
    const w = await sampleWindow(ctx, rng, COUNT_WINDOW);
    if (!w) return null;
    const comp = composition(w.seq);
    const r = region1(w.chrom, w.start, w.end);
    const fmt = answerFormat({ A: '<count>', C: '<count>', G: '<count>', T: '<count>' });
    const q = template(rng, [
      () => `How many A, C, G and T bases are in ${r} (${w.length} bp) of ${ctx.label}, forward strand? ${COORDS_1BASED} ${CASE} ${fmt}`,
      () => `Count each nucleotide (A, C, G, T) on the forward strand of ${r} in ${ctx.label}. ${COORDS_1BASED} ${CASE} ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { A: String(comp.A), C: String(comp.C), G: String(comp.G), T: String(comp.T) },
      fields: (['A', 'C', 'G', 'T'] as const).map((k) => ({ key: k, type: 'exact' as const, unit: 'count' as const })),
      source: { chrom: w.chrom, start: w.start + 1, end: w.end },
      key: `${this.name}|${w.chrom}:${w.start}-${w.end}`,
    };
  },
};

const single: DomainKind = {
  name: 'window_single_base',
  supports: acgt.supports,
  async generate(ctx, rng) {
    const w = await sampleWindow(ctx, rng, COUNT_WINDOW);
    if (!w) return null;
    const base = rng.pick(['A', 'C', 'G', 'T'] as const);
    const r = region1(w.chrom, w.start, w.end);
    const fmt = answerFormat({ count: '<integer>' });
    const q = template(rng, [
      () => `How many ${base} bases does the forward strand of ${r} (${ctx.label}) contain? ${COORDS_1BASED} ${CASE} ${fmt}`,
      () => `Count the occurrences of the base ${base} on the forward strand within ${r} in ${ctx.label}. ${COORDS_1BASED} ${CASE} ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { count: String(composition(w.seq)[base]) },
      fields: [{ key: 'count', type: 'exact', unit: 'count' }],
      source: { chrom: w.chrom, start: w.start + 1, end: w.end, base },
      key: `${this.name}|${w.chrom}:${w.start}-${w.end}|${base}`,
    };
  },
};

const cpg: DomainKind = {
  name: 'window_cpg',
  supports: acgt.supports,
  async generate(ctx, rng) {
    const w = await sampleWindow(ctx, rng, CPG_WINDOW);
    if (!w) return null;
    const r = region1(w.chrom, w.start, w.end);
    const fmt = answerFormat({ cpg_count: '<integer>' });
    const q = template(rng, [
      () => `How many CpG dinucleotides (a C immediately followed by a G on the forward strand, both inside the region) are there in ${r} of ${ctx.label}? ${COORDS_1BASED} ${CASE} ${fmt}`,
      () => `Count the positions in ${r} (${ctx.label}) where the forward-strand sequence reads "CG", with both bases inside the region. ${COORDS_1BASED} ${CASE} ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { cpg_count: String(countSite(w.seq, 'CG')) },
      fields: [{ key: 'cpg_count', type: 'exact', unit: 'count' }],
      source: { chrom: w.chrom, start: w.start + 1, end: w.end },
      key: `${this.name}|${w.chrom}:${w.start}-${w.end}`,
    };
  },
};

const wholeChrom: DomainKind = {
  name: 'whole_chromosome_acgtn',
  supports: (ctx) => ctx.completeChroms(MAX_WHOLE).length > 0,
  async generate(ctx, rng) {
    const c = rng.pick(ctx.completeChroms(MAX_WHOLE));
    const comp = await ctx.wholeComposition(c.chrom);
    if (comp.other > 0) return null;
    const fmt = answerFormat({ A: '<count>', C: '<count>', G: '<count>', T: '<count>', N: '<count>' });
    const q = template(rng, [
      () => `How many A, C, G, T and N are in the complete sequence of ${c.chrom} (1-${c.length}) in ${ctx.label}? ${CASE} ${fmt}`,
      () => `Give the base composition of the whole of ${c.chrom} in ${ctx.label}: the number of A, C, G and T, and of N (unknown) positions. ${CASE} ${fmt}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { A: String(comp.A), C: String(comp.C), G: String(comp.G), T: String(comp.T), N: String(comp.N) },
      fields: (['A', 'C', 'G', 'T', 'N'] as const).map((k) => ({ key: k, type: 'exact' as const, unit: 'count' as const })),
      source: { chrom: c.chrom, start: 1, end: c.length },
      key: `${this.name}|${c.chrom}`,
    };
  },
};

export const nucleotideComposition: Domain = { name: 'nucleotide_composition', kinds: [acgt, single, cpg, wholeChrom] };
