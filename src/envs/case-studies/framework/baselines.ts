// Uninformed baselines: answers that never look at the measurements. A case whose reward any of
// them earns teaches a policy to guess. Built from the truths of *train*-split instances
// (what a policy trained on the train split could learn), applied to test-split instances:
//   - best constant: per-field median of the truths (mode for integer and label fields);
//   - prior draw: each field drawn independently from its empirical truth distribution;
//   - another instance's answer: the reference answer of one instance graded against another
//     (see measure.ts; it needs the reference, not the truths).

import { schemaFields } from '../../../grading/json-answer.js';
import type { Answer, CaseStudy, Truth } from '../types.js';
import { generate, type GenerateOptions, servingRuleOf, splitSeed } from './generate.js';
import { Rng } from './prng.js';

/** Whether a field is graded as an exact code (integer or label) rather than a float. */
export function isCodeField(cs: CaseStudy, key: string): boolean {
  return schemaFields(cs.answerSchema).find((f) => f.key === key)?.kind !== 'number';
}

/** Truths of the served instances of `seeds` (the serving rule applied, as an agent sees them). */
export async function servedTruths(cs: CaseStudy, seeds: readonly number[], opts: GenerateOptions = {}): Promise<Truth[]> {
  const out: Truth[] = [];
  for (const seed of seeds) out.push((await generate(cs, seed, opts)).truth);
  return out;
}

/**
 * The truths the baselines learn from: served truths for a case with accept() (cheap: simulate
 * and the data rule); for a legacy case, sub-seed 0's truths, because serving it runs every
 * analysis (minutes per case in CI) and re-draws only a few per cent of sub-seeds.
 */
export async function baselineTruths(cs: CaseStudy, seeds: readonly number[], opts: GenerateOptions = {}): Promise<Truth[]> {
  return servedTruths(cs, seeds, servingRuleOf(cs) === 'accept' ? opts : { ...opts, validate: false });
}

/** The first `n` train-split seeds. */
export function trainSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, k) => splitSeed('train', k));
}

/** The first `n` test-split seeds. */
export function testSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, k) => splitSeed('test', k));
}

/** Most frequent value (ties: the smallest), and its share. */
export function modeOf(xs: readonly number[]): { value: number; share: number } {
  if (xs.length === 0) throw new Error('mode of no values');
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = NaN;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
  return { value: best, share: bestCount / xs.length };
}

export function medianOf(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Best constant answer: per-field median of the truths, mode for integer and label fields. */
export function bestConstant(cs: CaseStudy, truths: readonly Truth[]): Answer {
  const out: Answer = {};
  for (const { key } of schemaFields(cs.answerSchema)) {
    const xs = truths.map((t) => t[key]);
    out[key] = isCodeField(cs, key) ? modeOf(xs).value : medianOf(xs);
  }
  return out;
}

/** A prior draw for one test instance: each field an independent draw from the train truths. */
export function priorDraw(cs: CaseStudy, truths: readonly Truth[], seed: number): Answer {
  if (truths.length === 0) throw new Error('prior draw from no truths');
  const rng = Rng.from('baseline-prior-draw', cs.id, seed);
  const out: Answer = {};
  for (const { key } of schemaFields(cs.answerSchema)) out[key] = truths[rng.split(key).below(truths.length)][key];
  return out;
}

const constantCache = new WeakMap<CaseStudy, Map<number, Promise<Answer>>>();

/**
 * The best constant from the baseline truths (see baselineTruths) of the first `n` train seeds,
 * cached per process and case object (CI checks compute it once per test file).
 */
export function trainConstant(cs: CaseStudy, n = 24): Promise<Answer> {
  let perCase = constantCache.get(cs);
  if (!perCase) constantCache.set(cs, (perCase = new Map()));
  let p = perCase.get(n);
  if (!p) {
    p = baselineTruths(cs, trainSeeds(n)).then((t) => bestConstant(cs, t));
    perCase.set(n, p);
    p.catch(() => perCase.delete(n));
  }
  return p;
}
