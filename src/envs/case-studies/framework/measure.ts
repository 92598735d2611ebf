// The measurement harness behind `npm run bench:cases` and the CI checks: on served test-split
// instances (the serving rule applied, as an agent gets them), every answer is graded through
// gradeResponse, the path submit_answer takes. It measures the reference, each realistic mistake
// (the trap matrix), each defensible alternative, the uninformed baselines (best constant, prior
// draw, another instance's reference answer, the case's metadata guesses), per-field truth spread
// against the tolerance, point masses, label balance, the serving rule's rejection share and the
// time to open an instance.

import { performance } from 'node:perf_hooks';
import { schemaFields } from '../../../grading/json-answer.js';
import type { Analysis, Answer, Bounds, CaseStudy, Truth } from '../types.js';
import { baselineTruths, bestConstant, medianOf, modeOf, priorDraw } from './baselines.js';
import { CalibrationError, filesMap, generate, type ServedInstance, type ServingRule, servingRuleOf } from './generate.js';
import { type CaseReward, DEFAULT_CASE_REWARD, gradeAnswer } from './grade.js';

/** One answer's grade, under the default reward and under the per-field fraction. */
export interface Verdict {
  pass: boolean;
  /** reward under the reward rule measured (default: the environment's default) */
  reward: number;
  /** the per-field fraction reward, for comparison */
  fractionReward: number;
  /** keys of fields (and consistency checks) that failed */
  failed: string[];
  /** the answer graded; null when the analysis threw */
  answer: Answer | null;
  error?: string;
}

/** Grades a fixed answer (a baseline) on an instance, as submit_answer would. */
export function gradeFixed(cs: CaseStudy, bounds: Bounds, answer: Answer | null, reward: CaseReward = DEFAULT_CASE_REWARD): Verdict {
  if (answer === null) return { pass: false, reward: 0, fractionReward: 0, failed: Object.keys(bounds), answer: null };
  const main = gradeAnswer(cs, bounds, answer, { reward }).grade;
  const fraction = reward === 'fraction' ? main : gradeAnswer(cs, bounds, answer, { reward: 'fraction' }).grade;
  const failed = [...main.fields.filter((f) => !f.pass).map((f) => f.key), ...main.consistency.filter((c) => !c.ok).map((c) => `consistency:${c.id}`)];
  return { pass: main.pass, reward: main.reward, fractionReward: fraction.reward, failed, answer };
}

/** Runs an analysis on an instance's files and grades its answer; a throw is a failed answer. */
export async function gradeAnalysis(cs: CaseStudy, inst: Pick<ServedInstance, 'files' | 'bounds'>, analyse: Analysis, reward: CaseReward = DEFAULT_CASE_REWARD): Promise<Verdict> {
  let answer: Answer;
  try {
    answer = await analyse(filesMap(inst));
  } catch (err) {
    return { ...gradeFixed(cs, inst.bounds, null, reward), error: err instanceof Error ? err.message : String(err) };
  }
  return gradeFixed(cs, inst.bounds, answer, reward);
}

export type RowKind = 'reference' | 'mistake' | 'alternative' | 'baseline' | 'metadata';

/** Pass rate and rewards of one analysis or baseline over the measured instances. */
export interface Row {
  name: string;
  kind: RowKind;
  /** the trap, choice or rule, in words */
  detail: string;
  n: number;
  passes: number;
  rewardSum: number;
  fractionRewardSum: number;
  threw: number;
  /** how often each field (or consistency check) failed */
  fieldMisses: Record<string, number>;
  /** a few first errors, for the report */
  errors: string[];
}

export interface FieldReport {
  key: string;
  kind: 'number' | 'integer' | 'label';
  /** median tolerance half-width over the served instances (0 for exact code fields) */
  halfWidth: number;
  truthSd: number;
  truthIqr: number;
  /** share of served instances whose truth equals the field's most common value */
  modeShare: number;
  modeValue: number;
  /** reference answer − truth on the served instances */
  refRmse: number;
  refBias: number;
  refMaxAbs: number;
  /**
   * RMS over served instances of (reference − truth) / that instance's half-width: the like-for-like
   * check of the rule half-width ≥ 3 × RMSE_ref when half-widths differ between instances (relative or
   * truth-scaled tolerances), where the median half-width and the pooled RMSE are not comparable
   */
  refRmsePerHalfWidth: number;
}

export interface CaseMeasurement {
  caseId: string;
  rule: ServingRule;
  reward: CaseReward;
  testSeeds: number;
  trainSeeds: number;
  served: number;
  unservable: number;
  subSeedsTried: number;
  rejected: number;
  /** rejection reasons with digits folded, most common first */
  reasons: [string, number][];
  constant: Answer;
  rows: Row[];
  fields: FieldReport[];
  /** ms to serve one instance in-process (simulate + serving rule, every sub-seed tried) */
  openMs: number[];
  /** ms to serve one instance through `timeOpen` (e.g. the worker pool), when given */
  openViaWorkerMs: number[];
  /** ms of the reference analysis per instance */
  referenceMs: number[];
}

export interface MeasureOptions {
  testSeeds: readonly number[];
  /** seeds whose truths build the constant and prior-draw baselines (train split; see baselineTruths) */
  trainSeeds: readonly number[];
  reward?: CaseReward;
  maxAttempts?: number;
  /** serves one instance another way (e.g. through the worker pool); timed on a few seeds */
  timeOpen?: (seed: number) => Promise<unknown>;
  timeOpenSeeds?: number;
  onProgress?: (done: number, total: number) => void;
}

function newRow(name: string, kind: RowKind, detail: string): Row {
  return { name, kind, detail, n: 0, passes: 0, rewardSum: 0, fractionRewardSum: 0, threw: 0, fieldMisses: {}, errors: [] };
}

function tally(row: Row, v: Verdict): void {
  row.n++;
  if (v.pass) row.passes++;
  row.rewardSum += v.reward;
  row.fractionRewardSum += v.fractionReward;
  if (v.error !== undefined) {
    row.threw++;
    if (row.errors.length < 3) row.errors.push(v.error);
  }
  for (const k of v.failed) row.fieldMisses[k] = (row.fieldMisses[k] ?? 0) + 1;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : NaN;
};
/** Linear-interpolated quantile. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const i = Math.floor(pos);
  return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}

/** Measures one case on served test instances (see the file comment). */
export async function measureCase(cs: CaseStudy, opts: MeasureOptions): Promise<CaseMeasurement> {
  const reward = opts.reward ?? DEFAULT_CASE_REWARD;
  const genOpts = { maxAttempts: opts.maxAttempts };
  const trainTruths = await baselineTruths(cs, opts.trainSeeds, genOpts);
  const constant = bestConstant(cs, trainTruths);
  const reference = newRow('reference', 'reference', "the case's reference analysis");
  const mistakes = cs.naive.map((m) => newRow(m.name, 'mistake', m.trap));
  const alternatives = (cs.alternatives ?? []).map((a) => newRow(a.name, 'alternative', a.choice));
  const constantRow = newRow('best constant', 'baseline', 'per-field median (mode for integer/label fields) of train truths');
  const priorRow = newRow('prior draw', 'baseline', 'each field drawn from its empirical train-truth distribution');
  const otherRow = newRow("another instance's reference answer", 'baseline', 'the reference answer of the next test seed, graded against this one');
  const metadata = (cs.metadataGuesses ?? []).map((g) => newRow(g.name, 'metadata', 'a choice read from metadata alone'));
  const keys = schemaFields(cs.answerSchema).map((f) => f.key);
  const truths: Truth[] = [];
  const halfWidths = new Map<string, number[]>(keys.map((k) => [k, []]));
  const refErrors = new Map<string, number[]>(keys.map((k) => [k, []]));
  const refScaledErrors = new Map<string, number[]>(keys.map((k) => [k, []]));
  const served: { bounds: Bounds; reference: Answer | null }[] = [];
  const openMs: number[] = [];
  const referenceMs: number[] = [];
  const reasons = new Map<string, number>();
  let unservable = 0;
  let subSeedsTried = 0;
  let rejected = 0;
  const countRejections = (rs: { reason: string }[]) => {
    for (const r of rs) {
      const key = r.reason.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, '#');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  };

  let done = 0;
  for (const seed of opts.testSeeds) {
    const t0 = performance.now();
    let inst: ServedInstance;
    try {
      inst = await generate(cs, seed, genOpts);
    } catch (err) {
      if (!(err instanceof CalibrationError)) throw err;
      unservable++;
      subSeedsTried += err.rejections.length;
      rejected += err.rejections.length;
      countRejections(err.rejections);
      opts.onProgress?.(++done, opts.testSeeds.length);
      continue;
    }
    openMs.push(performance.now() - t0);
    subSeedsTried += inst.attempts;
    rejected += inst.rejections.length;
    countRejections(inst.rejections);
    truths.push(inst.truth);
    for (const k of keys) halfWidths.get(k)!.push((inst.bounds[k][1] - inst.bounds[k][0]) / 2);

    const r0 = performance.now();
    const ref = await gradeAnalysis(cs, inst, cs.reference, reward);
    referenceMs.push(performance.now() - r0);
    tally(reference, ref);
    if (ref.answer)
      for (const k of keys) {
        if (!Number.isFinite(ref.answer[k])) continue;
        const err = ref.answer[k] - inst.truth[k];
        refErrors.get(k)!.push(err);
        const hw = (inst.bounds[k][1] - inst.bounds[k][0]) / 2;
        if (hw > 0) refScaledErrors.get(k)!.push(err / hw);
      }
    for (const [i, m] of cs.naive.entries()) tally(mistakes[i], await gradeAnalysis(cs, inst, m.analyse, reward));
    for (const [i, a] of (cs.alternatives ?? []).entries()) tally(alternatives[i], await gradeAnalysis(cs, inst, a.analyse, reward));
    for (const [i, g] of (cs.metadataGuesses ?? []).entries()) tally(metadata[i], await gradeAnalysis(cs, inst, g.analyse, reward));
    tally(constantRow, gradeFixed(cs, inst.bounds, constant, reward));
    tally(priorRow, gradeFixed(cs, inst.bounds, priorDraw(cs, trainTruths, seed), reward));
    served.push({ bounds: inst.bounds, reference: ref.answer });
    opts.onProgress?.(++done, opts.testSeeds.length);
  }
  // Another instance's answer: the next served seed's reference answer (wrapping around).
  if (served.length > 1) for (const [i, s] of served.entries()) tally(otherRow, gradeFixed(cs, s.bounds, served[(i + 1) % served.length].reference, reward));

  const openViaWorkerMs: number[] = [];
  if (opts.timeOpen) {
    for (const seed of opts.testSeeds.slice(0, opts.timeOpenSeeds ?? 10)) {
      const t0 = performance.now();
      try {
        await opts.timeOpen(seed);
        openViaWorkerMs.push(performance.now() - t0);
      } catch (err) {
        if (!(err instanceof CalibrationError) && !/no sub-seed passed/.test(String(err))) throw err;
      }
    }
  }

  const kinds = new Map(schemaFields(cs.answerSchema).map((f) => [f.key, f.kind]));
  const fields: FieldReport[] = keys.map((key) => {
    const xs = truths.map((t) => t[key]);
    const errs = refErrors.get(key)!;
    const mode = xs.length ? modeOf(xs) : { value: NaN, share: NaN };
    return {
      key,
      kind: kinds.get(key)!,
      halfWidth: halfWidths.get(key)!.length ? medianOf(halfWidths.get(key)!) : NaN,
      truthSd: sd(xs),
      truthIqr: quantile(xs, 0.75) - quantile(xs, 0.25),
      modeShare: mode.share,
      modeValue: mode.value,
      refRmse: Math.sqrt(mean(errs.map((e) => e * e))),
      refBias: mean(errs),
      refMaxAbs: errs.length ? Math.max(...errs.map(Math.abs)) : NaN,
      refRmsePerHalfWidth: Math.sqrt(mean(refScaledErrors.get(key)!.map((e) => e * e))),
    };
  });
  return {
    caseId: cs.id,
    rule: servingRuleOf(cs),
    reward,
    testSeeds: opts.testSeeds.length,
    trainSeeds: opts.trainSeeds.length,
    served: served.length,
    unservable,
    subSeedsTried,
    rejected,
    reasons: [...reasons].sort((a, b) => b[1] - a[1]),
    constant,
    rows: [reference, ...mistakes, ...alternatives, constantRow, priorRow, otherRow, ...metadata],
    fields,
    openMs,
    openViaWorkerMs,
    referenceMs,
  };
}

export const passRate = (r: Row) => (r.n ? r.passes / r.n : NaN);
export const meanReward = (r: Row) => (r.n ? r.rewardSum / r.n : NaN);

/** The headline numbers the README case table quotes. */
export interface CaseSummary {
  caseId: string;
  rule: ServingRule;
  served: number;
  referencePass: number;
  /** the realistic mistake that passes most often, and its pass rate */
  worstMistake: { name: string; pass: number } | null;
  constantPass: number;
  constantMeanReward: number;
  /** the highest pass rate and mean reward among all uninformed baselines */
  worstBaseline: { name: string; pass: number; meanReward: number } | null;
  worstAlternative: { name: string; pass: number } | null;
  rejectionShare: number;
  openMedianMs: number;
  openWorkerMedianMs: number;
}

export function summarise(m: CaseMeasurement): CaseSummary {
  const rows = (k: RowKind) => m.rows.filter((r) => r.kind === k && r.n > 0);
  const maxBy = <T>(xs: T[], f: (x: T) => number) => xs.reduce<T | null>((best, x) => (best === null || f(x) > f(best) ? x : best), null);
  const minBy = <T>(xs: T[], f: (x: T) => number) => xs.reduce<T | null>((best, x) => (best === null || f(x) < f(best) ? x : best), null);
  const ref = m.rows.find((r) => r.kind === 'reference')!;
  const constant = m.rows.find((r) => r.name === 'best constant')!;
  const worstMistake = maxBy(rows('mistake'), passRate);
  const baselines = [...rows('baseline'), ...rows('metadata')];
  const worstBaseline = maxBy(baselines, (r) => passRate(r) + meanReward(r) / 1e6);
  const worstAlternative = minBy(rows('alternative'), passRate);
  return {
    caseId: m.caseId,
    rule: m.rule,
    served: m.served,
    referencePass: passRate(ref),
    worstMistake: worstMistake && { name: worstMistake.name, pass: passRate(worstMistake) },
    constantPass: passRate(constant),
    constantMeanReward: meanReward(constant),
    worstBaseline: worstBaseline && { name: worstBaseline.name, pass: passRate(worstBaseline), meanReward: Math.max(...baselines.map(meanReward)) },
    worstAlternative: worstAlternative && { name: worstAlternative.name, pass: passRate(worstAlternative) },
    rejectionShare: m.subSeedsTried ? m.rejected / m.subSeedsTried : NaN,
    openMedianMs: quantile(m.openMs, 0.5),
    openWorkerMedianMs: quantile(m.openViaWorkerMs, 0.5),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');

/** One line for the README case table. */
export function summaryLine(s: CaseSummary): string {
  return `${s.caseId} (${s.rule} rule, ${s.served} served): ` + [
    `reference pass ${pct(s.referencePass)}`,
    `worst realistic mistake ${s.worstMistake ? `${pct(s.worstMistake.pass)} (${s.worstMistake.name})` : '–'}`,
    `constant pass ${pct(s.constantPass)}, mean constant reward ${Number.isFinite(s.constantMeanReward) ? s.constantMeanReward.toFixed(3) : '–'}`,
    `open ${secs(s.openMedianMs)} median${Number.isFinite(s.openWorkerMedianMs) ? ` (${secs(s.openWorkerMedianMs)} via worker)` : ''}`,
  ].join('; ');
}
