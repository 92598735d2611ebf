// The simulated genome of case 9: 22 autosomes with sex-averaged genetic lengths in Morgan
// (rounded from published human linkage maps; chr1 2.86 M … chr21 0.62 M).

export interface ChromosomeMap {
  name: string;
  lengthMorgan: number;
}

export const AUTOSOMES: readonly ChromosomeMap[] = [
  ['chr1', 2.86], ['chr2', 2.69], ['chr3', 2.23], ['chr4', 2.14], ['chr5', 2.04], ['chr6', 1.92],
  ['chr7', 1.87], ['chr8', 1.68], ['chr9', 1.66], ['chr10', 1.81], ['chr11', 1.58], ['chr12', 1.74],
  ['chr13', 1.26], ['chr14', 1.2], ['chr15', 1.41], ['chr16', 1.34], ['chr17', 1.29], ['chr18', 1.2],
  ['chr19', 1.08], ['chr20', 1.08], ['chr21', 0.62], ['chr22', 0.74],
].map(([name, lengthMorgan]) => ({ name: name as string, lengthMorgan: lengthMorgan as number }));

/** A chromosome as the caller covered it: the called span and the uncalled gaps inside it. */
export interface CalledChromosome extends ChromosomeMap {
  calledStart: number;
  calledEnd: number;
  /** interior uncalled gaps [start, end), sorted; not listed in the files (no tract covers them) */
  gaps: [number, number][];
}

/** Positions are kept on a 1e-6 Morgan grid so file text and in-memory values agree exactly. */
export const roundMorgan = (x: number) => Math.round(x * 1e6) / 1e6;
