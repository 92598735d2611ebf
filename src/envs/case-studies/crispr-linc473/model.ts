// Generative model of the LINC473 / KIN1 locus shared by the simulator and the tests: locus
// geometry, the per-instance effects, the local knockdown kernel and the screen's GC bias.

/** chr7 coordinates of the transcription start sites (synthetic locus). */
export const LOCUS = {
  chrom: 'chr7',
  lncTss: 100_000, // LINC473 dominant transcript T1, + strand
  lncT2Tss: 103_200, // minor transcript T2 from an alternative TSS inside the gene body
  kinTss: 99_450, // KIN1, − strand (divergent promoter shared with LINC473)
  ankTss: 140_000, // ANKRD42, 40 kb away; its promoter loops to an enhancer inside the LINC473 promoter
  /** centre of the CpG island over the shared promoter (GC peaks here) */
  islandCentre: 99_450,
  /** half-width of the local DNA-occupancy window around the LINC473 TSS */
  dnaWindowBp: 1_000,
  /** CRISPRi repression length scale (bp) */
  kernelBp: 250,
  /** length scale (bp) of repression of the ANKRD42 enhancer by guides near it */
  enhancerBp: 300,
} as const;

/** Decision-rule thresholds and the margins the drawn truths keep from them. */
export const RULE = { lnc: -0.08, neighbour: -0.25, lncMargin: 0.03, neighbourMargin: 0.06 } as const;

export interface LincEffects {
  /** growth effect (log2, day 10) at 100% knockdown of LINC473 T1 */
  betaL: number;
  /** growth effect at 100% KIN1 repression */
  betaK: number;
  /** growth effect at 100% ANKRD42 repression */
  betaA: number;
  /** local DNA-occupancy effect for guides within the window */
  betaD: number;
  /** ANKRD42 enhancer inside the LINC473 promoter: position and the share of ANKRD42 it drives */
  enhancerPos: number;
  enhancerShare: number;
  /** screen GC bias (day-10 library amplification): knot and slope per +0.1 GC above it */
  gcKnot: number;
  gcSlope: number;
}

/** CRISPRi repression of a TSS at distance d for a guide of efficiency eff. */
export function kernel(eff: number, distBp: number, scale = 1, lengthBp: number = LOCUS.kernelBp): number {
  const x = distBp / lengthBp;
  return scale * eff * Math.exp(-x * x);
}

/**
 * Smooth hinge of the screen's GC bias: ≈ 0 below the knot, (gc − knot)/0.1 well above it. It is
 * a bias of the sequencing libraries (log2 day10/day0 counts), not of growth.
 */
export function gcHingeSmooth(gc: number, knot: number): number {
  const z = (gc - knot) / 0.03;
  const softplus = z > 30 ? z : Math.log1p(Math.exp(z));
  return (0.03 * softplus) / 0.1;
}

/** Decision rule from the task definition. */
export function advanceRule(lnc: number, neighbour: number): number {
  return lnc <= RULE.lnc && neighbour > RULE.neighbour ? 1 : 0;
}
