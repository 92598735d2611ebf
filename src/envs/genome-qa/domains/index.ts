import type { Domain } from '../types.js';
import { chromosomeStats } from './chromosome_stats.js';
import { codingNoncodingRatio } from './coding_noncoding_ratio.js';
import { cytobandMapping } from './cytoband_mapping.js';
import { exonProperties } from './exon_properties.js';
import { gcContent } from './gc_content.js';
import { geneGenomicSpan } from './gene_genomic_span.js';
import { intergenicDistance } from './intergenic_distance.js';
import { nucleotideComposition } from './nucleotide_composition.js';
import { referenceSequence } from './reference_sequence.js';
import { sequenceMotif } from './sequence_motif.js';

/** In the canonical DOMAINS order. */
export const ALL_DOMAINS: Domain[] = [
  referenceSequence,
  gcContent,
  geneGenomicSpan,
  chromosomeStats,
  cytobandMapping,
  intergenicDistance,
  exonProperties,
  nucleotideComposition,
  codingNoncodingRatio,
  sequenceMotif,
];
