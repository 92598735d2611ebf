// Shapes shared by the genome-QA generator, environment, exporter and agents.

import type { FieldSpec } from '../../grading/match.js';
import type { JsonObject } from '../../ors/types.js';
import type { GenContext } from './context.js';
import type { Rng } from './rng.js';

export const DOMAINS = [
  'reference_sequence',
  'gc_content',
  'gene_genomic_span',
  'chromosome_stats',
  'cytoband_mapping',
  'intergenic_distance',
  'exon_properties',
  'nucleotide_composition',
  'coding_noncoding_ratio',
  'sequence_motif',
] as const;

export type DomainName = (typeof DOMAINS)[number];

/** One generated question with its server-side answer key. */
export interface Draft {
  kind: string;
  question: string;
  /** expected values, as strings */
  answer: Record<string, string>;
  fields: FieldSpec[];
  /** where the answer comes from: coordinates (1-based), genes, transcript, enzyme... */
  source: JsonObject;
  /** canonical identity of what is asked; decides the train/test partition */
  key: string;
}

export interface GeneratedTask extends Draft {
  id: string;
  split: string;
  index: number;
  domain: DomainName;
}

export interface DomainKind {
  name: string;
  /** false when the assembly lacks what this kind needs (sequence, genes, bands...) */
  supports(ctx: GenContext): boolean;
  /** one attempt; null when the sampled candidate is rejected (ambiguous, N-containing...) */
  generate(ctx: GenContext, rng: Rng): Promise<Draft | null>;
}

export interface Domain {
  name: DomainName;
  kinds: DomainKind[];
}

/** The task spec an agent sees: no answer. */
export function taskSpec(t: GeneratedTask): JsonObject {
  return { id: t.id, split: t.split, index: t.index, domain: t.domain, question: t.question };
}
