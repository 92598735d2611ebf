// Method-style view of the framework's seeded streams, so the simulator reads as
// `rng.normal(0, 0.04)`. Draws come from framework/prng.ts + framework/samplers.ts.

import { Rng as Stream } from '../framework/prng.js';
import { beta, binomial, gamma, negativeBinomial, normal, poisson } from '../framework/samplers.js';

export interface Rng {
  uniform(): number;
  normal(mean?: number, sd?: number): number;
  gamma(shape: number, scale?: number): number;
  beta(a: number, b: number): number;
  poisson(lambda: number): number;
  binomial(n: number, p: number): number;
  negBinomial(mean: number, size: number): number;
}

export interface RootRng {
  stream(name: string): Rng;
}

export function view(s: Stream): Rng {
  return {
    uniform: () => s.uniform(),
    normal: (mean = 0, sd = 1) => normal(s, mean, sd),
    gamma: (shape, scale = 1) => gamma(s, shape, scale),
    beta: (a, b) => beta(s, a, b),
    poisson: (lambda) => poisson(s, lambda),
    binomial: (n, p) => binomial(s, n, p),
    negBinomial: (mean, size) => negativeBinomial(s, mean, size),
  };
}

/** Root of a case instance: one independent named stream per simulator component. */
export function caseRng(caseId: string, seed: number, subSeed: number): RootRng {
  const root = Stream.from(caseId, seed, subSeed);
  return { stream: (name) => view(root.split(name)) };
}
