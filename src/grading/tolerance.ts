// Tolerance grading of a parsed case-study answer: each field against its stored [lo, hi]
// (closed interval; a code field has lo = hi), case pass = every field and every consistency
// check passes, RL reward = fraction passed (or binary), minus a format penalty when the
// answer needed the repair parser. Missing/NaN fields are abstentions: they fail, and are
// counted separately so precision and coverage can be reported.

import type { ParsedAnswer } from './json-answer.js';

export type Bounds = Record<string, [number, number]>;

export interface ConsistencyCheck {
  id: string;
  ok: boolean;
  detail: string;
}

/** Per-case hook: checks on the agent's own numbers (e.g. NCU = RD − 0.35·tox). */
export type ConsistencyHook = (values: Record<string, number | null>) => ConsistencyCheck[];

export interface FieldGrade {
  key: string;
  value: number | null;
  pass: boolean;
  /** abstained = missing or unusable */
  outcome: 'pass' | 'out_of_range' | 'abstained';
  detail?: string;
}

export interface GradeOptions {
  reward?: 'fraction' | 'binary';
  /** subtracted (multiplicatively) from the reward of a repaired answer; default 0.1 */
  formatPenalty?: number;
  consistency?: ConsistencyHook;
}

export interface CaseGrade {
  pass: boolean;
  reward: number;
  fields: FieldGrade[];
  consistency: ConsistencyCheck[];
  passedItems: number;
  totalItems: number;
  answered: number;
  format: ParsedAnswer['status'];
  formatErrors: string[];
}

export function gradeFields(values: Record<string, number | null>, bounds: Bounds, fieldErrors: Record<string, string> = {}): FieldGrade[] {
  return Object.entries(bounds).map(([key, [lo, hi]]) => {
    if (!(lo <= hi)) throw new Error(`bounds for ${key} are not an interval: [${lo}, ${hi}]`);
    const v = values[key];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return { key, value: null, pass: false, outcome: 'abstained', detail: fieldErrors[key] ?? 'missing' };
    }
    const pass = v >= lo && v <= hi;
    return { key, value: v, pass, outcome: pass ? 'pass' : 'out_of_range' };
  });
}

export function gradeCase(parsed: ParsedAnswer, bounds: Bounds, opts: GradeOptions = {}): CaseGrade {
  const fields = gradeFields(parsed.values, bounds, parsed.fieldErrors);
  const consistency = parsed.status === 'invalid' || !opts.consistency ? [] : safeChecks(opts.consistency, parsed.values);
  const passedItems = fields.filter((f) => f.pass).length + consistency.filter((c) => c.ok).length;
  const totalItems = fields.length + consistency.length;
  const pass = parsed.status !== 'invalid' && passedItems === totalItems;
  let reward = opts.reward === 'binary' ? (pass ? 1 : 0) : totalItems ? passedItems / totalItems : 0;
  const penalty = opts.formatPenalty ?? 0.1;
  if (!(penalty >= 0 && penalty <= 1)) throw new RangeError(`formatPenalty must be in [0, 1], got ${penalty}`);
  if (parsed.status === 'repaired') reward *= 1 - penalty;
  return {
    pass,
    reward,
    fields,
    consistency,
    passedItems,
    totalItems,
    answered: fields.filter((f) => f.outcome !== 'abstained').length,
    format: parsed.status,
    formatErrors: parsed.formatErrors,
  };
}

function safeChecks(hook: ConsistencyHook, values: Record<string, number | null>): ConsistencyCheck[] {
  try {
    return hook(values);
  } catch (err) {
    return [{ id: 'consistency_hook', ok: false, detail: `check failed to run: ${(err as Error).message}` }];
  }
}

/** Helper for hooks: |a − b| ≤ tol on the agent's numbers, failing when either is missing. */
export function approxEqual(id: string, a: number | null, b: number | null, tol: number, what: string): ConsistencyCheck {
  if (a === null || b === null) return { id, ok: false, detail: `${what}: a value is missing` };
  const ok = Math.abs(a - b) <= tol;
  return { id, ok, detail: `${what}: ${a} vs ${b} (tolerance ${tol})` };
}
