// Public API of the assembly layer.

export * from './types.js';
export { genegymHome, assemblyDir } from './home.js';
export { parseRegion, parsePosition, fromOneBased, toOneBased, formatRegion, formatPosition, checkRange } from './coords.js';
export { complement, reverseComplement } from './revcomp.js';
export { TwoBitReader, TwoBitFormatError, openTwoBit, type TwoBitRecord, type TwoBitOptions, type Composition } from './twobit.js';
export { FastaSource, FastaIndexError, buildFai, ensureFai, parseFai, formatFai, isBgzip, type FaiEntry, type FastaOpenOptions } from './fasta.js';
export { openSequenceSource, detectSequenceFormat, countBases, type SequenceFormat, type BaseCounts } from './sequence-source.js';
export { parseGenePred, parseGenePredLine, exonLengths, exonsInTranscriptOrder, GenePredParseError } from './genepred.js';
export { parseGff3, humanRefSeqChrom, GffParseError, type GffGene, type GffResult, type GffOptions } from './gff.js';
export { Annotation, isProteinCodingTranscript, multiLocusReason, DEFAULT_MAX_LOCUS_GAP, type AnnotationOptions } from './annotation.js';
export { CytoBandIndex, parseCytoBands, formatBand, CytoBandParseError } from './cytoband.js';
export { parseChromSizes, isPrimaryChromosome, compareChromosomes, rankByLength, nuclearPrimary, lengthRank, ChromSizesParseError } from './chrom-sizes.js';
export { openAssembly, resolveAssemblyDir, locateAssemblyFiles, AssemblyError, type AssemblyFiles } from './assembly.js';
export { DamagedFileError, readTextFile, readTextFileSync } from './text-file.js';
