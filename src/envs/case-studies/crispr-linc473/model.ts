// Generative model of the LINC473 / KIN1 locus shared by the simulator and the tests: locus
// geometry, the per-seed effect scenario, and the local knockdown kernel.

/** chr7 coordinates of the transcription start sites (synthetic locus). */
export const LOCUS = {
  chrom: 'chr7',
  lncTss: 100_000, // LINC473 dominant transcript T1, + strand
  lncT2Tss: 103_200, // minor transcript T2 from an alternative TSS inside the gene body
  kinTss: 99_450, // KIN1, − strand (divergent promoter shared with LINC473)
  ankTss: 140_000, // ANKRD42 bystander, 40 kb away
  /** half-width of the local DNA-occupancy window around the LINC473 TSS */
  dnaWindowBp: 1_000,
  /** CRISPRi repression length scale (bp) */
  kernelBp: 250,
  /** GC hinge: toxicity starts above this guide GC fraction, per +0.1 */
  gcKnot: 0.65,
} as const;

export interface LincEffects {
  scenario: 'transcript' | 'neighbour' | 'both';
  /** growth effect (log2, day 10) at 100% knockdown of LINC473 T1 */
  betaL: number;
  /** growth effect at 100% KIN1 repression */
  betaK: number;
  /** local DNA-occupancy effect for guides within the window */
  betaD: number;
  /** GC-toxicity effect per +0.1 GC above the knot */
  betaGC: number;
}

/** CRISPRi repression of a TSS at distance d for a guide of efficiency eff. */
export function kernel(eff: number, distBp: number, scale = 1): number {
  const x = distBp / LOCUS.kernelBp;
  return scale * eff * Math.exp(-x * x);
}

export function gcHinge(gc: number): number {
  return Math.max(0, gc - LOCUS.gcKnot) / 0.1;
}

/** Decision rule from the task definition. */
export function advanceRule(lnc: number, neighbour: number): number {
  return lnc <= -0.08 && neighbour > -0.25 ? 1 : 0;
}
