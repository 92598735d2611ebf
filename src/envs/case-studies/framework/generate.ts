// Instance generation. The serving rule: a case with `accept` is served as the first sub-seed
// whose simulated data `accept` approves (a property of the data, e.g. power or
// identifiability; no analysis runs, so serving never selects on an estimator's success). A case
// without `accept` keeps the legacy rule until it is migrated: the reference passes every field
// and every naive analysis fails at least one. Rejected sub-seeds are re-drawn (sub-seed 0, 1,
// 2, ...) up to a bound; the rejections are recorded.

import { type FieldGrade, gradeFields } from '../../../grading/tolerance.js';
import type { Analysis, CaseInstance, CaseStudy } from '../types.js';

export const DEFAULT_MAX_ATTEMPTS = 12;

export interface AnalysisOutcome {
  name: string;
  /** null when the analysis threw */
  answer: Record<string, number> | null;
  error?: string;
  fields: FieldGrade[];
  passedAll: boolean;
  failed: string[];
}

export interface Validation {
  accepted: boolean;
  /** why it was rejected */
  reason?: string;
  reference: AnalysisOutcome;
  naive: AnalysisOutcome[];
}

/** 'accept': the case's data-property rule; 'legacy': reference passes and every naive fails. */
export type ServingRule = 'accept' | 'legacy';

export function servingRuleOf(cs: CaseStudy): ServingRule {
  return typeof cs.accept === 'function' ? 'accept' : 'legacy';
}

export interface ServedInstance extends CaseInstance {
  /** sub-seeds tried, including the accepted one */
  attempts: number;
  rejections: { subSeed: number; reason: string }[];
  /** the rule that chose the sub-seed */
  rule: ServingRule;
}

export class CalibrationError extends Error {
  override name = 'CalibrationError';
  constructor(message: string, readonly rejections: { subSeed: number; reason: string }[]) {
    super(message);
  }
}

export function filesMap(inst: Pick<CaseInstance, 'files'>): ReadonlyMap<string, Uint8Array> {
  return new Map(inst.files.map((f) => [f.path, f.data]));
}

async function runAnalysis(name: string, fn: Analysis, files: ReadonlyMap<string, Uint8Array>, bounds: CaseInstance['bounds']): Promise<AnalysisOutcome> {
  let answer: Record<string, number> | null = null;
  let error: string | undefined;
  try {
    answer = await fn(files);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const values: Record<string, number | null> = {};
  for (const k of Object.keys(bounds)) values[k] = answer && typeof answer[k] === 'number' ? answer[k] : null;
  const fields = gradeFields(values, bounds);
  const failed = fields.filter((f) => !f.pass).map((f) => f.key);
  return { name, answer, error, fields, passedAll: failed.length === 0, failed };
}

/** Runs the reference and every naive analysis on an instance and applies the legacy serving rule. */
export async function validateInstance(cs: CaseStudy, inst: CaseInstance): Promise<Validation> {
  const files = filesMap(inst);
  const reference = await runAnalysis('reference', cs.reference, files, inst.bounds);
  const naive: AnalysisOutcome[] = [];
  for (const n of cs.naive) naive.push(await runAnalysis(n.name, n.analyse, files, inst.bounds));
  let reason: string | undefined;
  if (reference.error) reason = `reference analysis threw: ${reference.error}`;
  else if (!reference.passedAll) reason = `reference misses ${reference.failed.join(', ')}`;
  else {
    const lucky = naive.filter((n) => n.passedAll);
    if (lucky.length) reason = `naive analysis passes every field: ${lucky.map((n) => n.name).join(', ')}`;
  }
  return { accepted: reason === undefined, reason, reference, naive };
}

async function legacyRejection(cs: CaseStudy, inst: CaseInstance): Promise<string | null> {
  const v = await validateInstance(cs, inst);
  return v.accepted ? null : v.reason!;
}

/** Simulates sub-seed `subSeed` of `seed` and attaches the case's bounds. */
export function simulateInstance(cs: CaseStudy, seed: number, subSeed: number): CaseInstance {
  const sim = cs.simulate(seed, subSeed);
  if (sim.caseId !== cs.id) throw new Error(`case ${cs.id} simulated an instance of ${sim.caseId}`);
  const bounds = cs.bounds(sim.truth);
  const keys = Object.keys(cs.answerSchema.properties);
  for (const k of keys) {
    if (!(k in sim.truth)) throw new Error(`case ${cs.id}: truth lacks answer key ${k}`);
    if (!(k in bounds)) throw new Error(`case ${cs.id}: bounds lack answer key ${k}`);
  }
  return { ...sim, bounds };
}

export interface GenerateOptions {
  maxAttempts?: number;
  /** skip the serving rule (calibration sweeps measure raw errors) */
  validate?: boolean;
}

/**
 * The case's data-property rule on one simulated sub-seed: null accepts, a string is the reason
 * it is rejected. A rule that throws is a bug in the case, reported as such.
 */
export function acceptInstance(cs: CaseStudy, inst: CaseInstance): string | null {
  if (!cs.accept) throw new Error(`case ${cs.id} has no accept rule`);
  let verdict: unknown;
  try {
    verdict = cs.accept(inst);
  } catch (err) {
    throw new Error(`case ${cs.id} seed ${inst.seed} sub-seed ${inst.subSeed}: accept() threw: ${(err as Error).message}`);
  }
  if (verdict !== null && (typeof verdict !== 'string' || verdict === '')) throw new Error(`case ${cs.id}: accept() must return null or a non-empty reason, got ${JSON.stringify(verdict)}`);
  return verdict;
}

/** The served instance of (case, seed): first sub-seed that passes the serving rule. */
export async function generate(cs: CaseStudy, seed: number, opts: GenerateOptions = {}): Promise<ServedInstance> {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const rule = servingRuleOf(cs);
  const rejections: { subSeed: number; reason: string }[] = [];
  for (let subSeed = 0; subSeed < maxAttempts; subSeed++) {
    const inst = simulateInstance(cs, seed, subSeed);
    if (opts.validate === false) return { ...inst, attempts: 1, rejections, rule };
    const reason = rule === 'accept' ? acceptInstance(cs, inst) : await legacyRejection(cs, inst);
    if (reason === null) return { ...inst, attempts: subSeed + 1, rejections, rule, meta: { ...inst.meta, calibrationAttempts: subSeed + 1 } };
    rejections.push({ subSeed, reason });
  }
  throw new CalibrationError(`case ${cs.id} seed ${seed}: no sub-seed passed calibration in ${maxAttempts} attempts (last: ${rejections.at(-1)?.reason})`, rejections);
}

/** Seed ranges of the splits: disjoint, so test instances never appear in training. */
export const SPLIT_SEED_BASE = { train: 0, test: 1_000_000_000 } as const;
export type CaseSplit = keyof typeof SPLIT_SEED_BASE;

export function isCaseSplit(s: string): s is CaseSplit {
  return s === 'train' || s === 'test';
}

/** The k-th seed of a split. */
export function splitSeed(split: CaseSplit, k: number): number {
  if (!Number.isSafeInteger(k) || k < 0 || k >= 1_000_000_000) throw new RangeError(`split index ${k} out of range`);
  return SPLIT_SEED_BASE[split] + k;
}

/** Which split a seed belongs to. */
export function splitOfSeed(seed: number): CaseSplit {
  return seed >= SPLIT_SEED_BASE.test ? 'test' : 'train';
}
