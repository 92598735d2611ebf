// exon_properties: exon count, the length of exon k (5'->3' transcript order), total exonic
// length and longest exon, always of the named Select transcript.

import { exonLengthsTxOrder, ordinal } from '../seq.js';
import type { Domain, DomainKind, Draft } from '../types.js';
import { answerFormat, selectDef, selectTx, template } from './common.js';

const ORDER = "Exons are numbered from the transcript's 5' end (for a minus-strand gene, exon 1 is the one with the highest genomic coordinates).";
const LEN = 'An exon of 1-based inclusive coordinates s..e has length e - s + 1 and includes any UTR part.';

const count: DomainKind = {
  name: 'exon_count',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng): Promise<Draft | null> {
    const g = rng.pick(ctx.selectGenes());
    const tx = g.select;
    const q = template(rng, [
      () => `How many exons does ${selectTx(tx.name, g.symbol)} have in ${ctx.label}? ${selectDef(tx.name)} UTR-only exons count. ${answerFormat({ exon_count: '<integer>' })}`,
      () => `What is the exon count of gene ${g.symbol}'s Select/MANE transcript ${tx.name} in ${ctx.label}? Count every exon, coding or not. ${answerFormat({ exon_count: '<integer>' })}`,
    ]);
    return {
      kind: this.name,
      question: q,
      answer: { exon_count: String(tx.exonStarts.length) },
      fields: [{ key: 'exon_count', type: 'exact', unit: 'count' }],
      source: { gene: g.symbol, transcript: tx.name },
      key: `${this.name}|${tx.name}`,
    };
  },
};

const length: DomainKind = {
  name: 'exon_length',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng): Promise<Draft | null> {
    const g = rng.pick(ctx.selectGenes());
    const tx = g.select;
    const lens = exonLengthsTxOrder(tx);
    const k = rng.int(1, lens.length);
    const both = rng.next() < 0.4;
    const fmt = both ? answerFormat({ exon_count: '<integer>', exon_length: '<bp>' }) : answerFormat({ exon_length: '<bp>' });
    const ask = both
      ? `How many exons does ${selectTx(tx.name, g.symbol)} have in ${ctx.label}, and how long, in bp, is its ${ordinal(k)} exon? ${selectDef(tx.name)}`
      : rng.pick([
          `How long, in bp, is exon ${k} of gene ${g.symbol}'s Select/MANE transcript ${tx.name} in ${ctx.label}?`,
          `What is the length of the ${ordinal(k)} exon of ${selectTx(tx.name, g.symbol)} in ${ctx.label}? ${selectDef(tx.name)}`,
        ]);
    return {
      kind: both ? 'exon_count_and_length' : this.name,
      question: `${ask} ${ORDER} ${LEN} ${fmt}`,
      answer: both ? { exon_count: String(lens.length), exon_length: String(lens[k - 1]) } : { exon_length: String(lens[k - 1]) },
      fields: both
        ? [
            { key: 'exon_count', type: 'exact', unit: 'count' },
            { key: 'exon_length', type: 'exact', unit: 'bp' },
          ]
        : [{ key: 'exon_length', type: 'exact', unit: 'bp' }],
      source: { gene: g.symbol, transcript: tx.name, exon: k, strand: tx.strand },
      key: `${both ? 'exon_count_and_length' : this.name}|${tx.name}|${k}`,
    };
  },
};

const total: DomainKind = {
  name: 'exonic_total',
  supports: (ctx) => ctx.selectGenes().length > 0,
  async generate(ctx, rng): Promise<Draft | null> {
    const g = rng.pick(ctx.selectGenes());
    const tx = g.select;
    const lens = exonLengthsTxOrder(tx);
    const longest = rng.next() < 0.5;
    if (longest) {
      return {
        kind: 'longest_exon',
        question: `What is the length in bp of the longest exon of ${selectTx(tx.name, g.symbol)} in ${ctx.label}? ${selectDef(tx.name)} ${LEN} ${answerFormat({ longest_exon_bp: '<bp>' })}`,
        answer: { longest_exon_bp: String(Math.max(...lens)) },
        fields: [{ key: 'longest_exon_bp', type: 'exact', unit: 'bp' }],
        source: { gene: g.symbol, transcript: tx.name },
        key: `longest_exon|${tx.name}`,
      };
    }
    return {
      kind: this.name,
      question: `What is the total exonic length of ${selectTx(tx.name, g.symbol)} in ${ctx.label}, the sum of all its exon lengths with UTRs included? ${selectDef(tx.name)} ${LEN} ${answerFormat({ exonic_bp: '<bp>' })}`,
      answer: { exonic_bp: String(lens.reduce((a, b) => a + b, 0)) },
      fields: [{ key: 'exonic_bp', type: 'exact', unit: 'bp' }],
      source: { gene: g.symbol, transcript: tx.name },
      key: `${this.name}|${tx.name}`,
    };
  },
};

export const exonProperties: Domain = { name: 'exon_properties', kinds: [count, length, total] };
