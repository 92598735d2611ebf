// Programmatic answer matching for generated QA tasks. Three grading types:
//   sequence - DNA letters, case- and whitespace-insensitive exact match (FASTA headers,
//              5'/3' marks and line numbers ignored)
//   exact    - numbers compared as numbers after applying any unit (2.176 kb = 2176 bp),
//              labels (chr11, "chromosome 17p13.1") compared in canonical form
//   numeric  - |submitted - truth| <= tolerance, in the field's declared unit
// How values are read (units, separators, number words) lives in read-values.ts.
// A submission may be the answer object ({"gc_content": "0.44"}), a JSON string of it, or a
// bare value when the task asks for one field. Anything we cannot read unambiguously is
// "malformed" (reward 0, with the reason), which is where an LLM judge may step in.

import { type FieldUnit, normaliseLabel, readNumber, readSequence, readText, Unreadable } from './read-values.js';

export { type FieldUnit, normaliseLabel, readNumber, readSequence } from './read-values.js';

export type GradingType = 'sequence' | 'exact' | 'numeric';

export interface FieldSpec {
  key: string;
  type: GradingType;
  /** numeric only: absolute tolerance */
  tolerance?: number;
  /** what a number measures (decides which units apply); inferred from the key when absent */
  unit?: FieldUnit;
}

export interface AnswerKey {
  /** expected values, as strings, keyed by what is asked */
  answer: Record<string, string>;
  fields: FieldSpec[];
}

export type Verdict = 'correct' | 'incorrect' | 'malformed' | 'judged' | 'ungraded';

export interface FieldResult {
  key: string;
  expected: string;
  submitted: string | null;
  ok: boolean;
  reason: string;
}

export interface GradeResult {
  reward: 0 | 1;
  verdict: Verdict;
  reason: string;
  fields: FieldResult[];
}

const Malformed = Unreadable;

/** Grades a submission against an answer key without any model in the loop. */
export function gradeAnswer(key: AnswerKey, submitted: unknown): GradeResult {
  let values: Record<string, unknown>;
  try {
    values = extractValues(key, submitted);
  } catch (err) {
    if (err instanceof Malformed) return { reward: 0, verdict: 'malformed', reason: err.message, fields: [] };
    throw err;
  }
  const fields: FieldResult[] = [];
  const malformed: string[] = [];
  for (const spec of key.fields) {
    const expected = key.answer[spec.key];
    const raw = values[spec.key];
    if (raw === undefined || raw === null) {
      malformed.push(`missing "${spec.key}"`);
      fields.push({ key: spec.key, expected, submitted: null, ok: false, reason: 'missing' });
      continue;
    }
    try {
      const r = matchField(spec, expected, raw);
      fields.push({ key: spec.key, expected, submitted: String(raw), ...r });
    } catch (err) {
      if (!(err instanceof Malformed)) throw err;
      malformed.push(`"${spec.key}": ${err.message}`);
      fields.push({ key: spec.key, expected, submitted: String(raw), ok: false, reason: err.message });
    }
  }
  if (malformed.length > 0) {
    return { reward: 0, verdict: 'malformed', reason: `could not read the answer: ${malformed.join('; ')}`, fields };
  }
  const wrong = fields.filter((f) => !f.ok);
  if (wrong.length === 0) return { reward: 1, verdict: 'correct', reason: 'all fields match', fields };
  return {
    reward: 0,
    verdict: 'incorrect',
    reason: `wrong: ${wrong.map((f) => `${f.key} (${f.reason})`).join(', ')}`,
    fields,
  };
}

function matchField(spec: FieldSpec, expected: string, raw: unknown): { ok: boolean; reason: string } {
  switch (spec.type) {
    case 'sequence': {
      const got = readSequence(raw);
      const want = expected.replace(/\s+/g, '').toUpperCase();
      if (got === want) return { ok: true, reason: 'sequence matches' };
      return { ok: false, reason: got.length !== want.length ? `length ${got.length}, expected ${want.length}` : 'sequence differs' };
    }
    case 'numeric': {
      const want = Number(expected);
      const got = readNumber(raw, unitOf(spec));
      const tol = spec.tolerance ?? 0;
      const ok = Math.abs(got - want) <= tol + 1e-9;
      return { ok, reason: ok ? `within ±${tol}` : `off by ${round(got - want)} (tolerance ±${tol})` };
    }
    case 'exact': {
      if (isNumberText(expected)) {
        const got = readNumber(raw, unitOf(spec));
        const ok = got === Number(expected);
        return { ok, reason: ok ? 'number matches' : `got ${got}` };
      }
      const got = normaliseLabel(readText(raw));
      const ok = got === normaliseLabel(expected);
      return { ok, reason: ok ? 'label matches' : `got ${JSON.stringify(readText(raw))}` };
    }
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function isNumberText(s: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(s.trim());
}

/**
 * The unit a field's numbers are in: declared by the task, else read from its key
 * (gc_content and *_fraction are fractions, *percent* percentages, *_bp / start / end /
 * *_length lengths in bp, anything else a count).
 */
export function unitOf(spec: FieldSpec): FieldUnit {
  if (spec.unit) return spec.unit;
  const k = spec.key.toLowerCase();
  if (k === 'gc_content' || k.endsWith('fraction')) return 'fraction';
  if (k.includes('percent')) return 'percent';
  if (k.endsWith('_bp') || k === 'start' || k === 'end' || k.endsWith('length')) return 'bp';
  return 'count';
}

/** Turns a submission into {key: value} for the task's fields, or throws Malformed. */
function extractValues(key: AnswerKey, submitted: unknown): Record<string, unknown> {
  let value = submitted;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('"')) {
      try {
        value = JSON.parse(t);
      } catch {
        if (t.startsWith('{')) throw new Malformed('answer looks like JSON but does not parse');
      }
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    let obj = value as Record<string, unknown>;
    // {"answer": {...}} wrappers are common in agent output
    const inner = lookup(obj, 'answer');
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && key.fields.every((f) => lookup(obj, f.key) === undefined)) {
      obj = inner as Record<string, unknown>;
    }
    const out: Record<string, unknown> = {};
    for (const f of key.fields) out[f.key] = lookup(obj, f.key);
    if (key.fields.length === 1 && out[key.fields[0].key] === undefined) {
      // a one-field task answered as {"answer": "0.44"} or with the only value under another key
      const vals = Object.values(obj).filter((v) => typeof v === 'string' || typeof v === 'number');
      if (Object.keys(obj).length === 1 && vals.length === 1) out[key.fields[0].key] = vals[0];
    }
    return out;
  }
  if (Array.isArray(value)) throw new Malformed('answer is a list, expected an object or a value');
  if (key.fields.length === 1) return { [key.fields[0].key]: value };
  if (typeof value === 'string') return parsePairs(key, value);
  throw new Malformed(`expected an object with ${key.fields.map((f) => f.key).join(', ')}`);
}

function lookup(obj: Record<string, unknown>, wanted: string): unknown {
  if (wanted in obj) return obj[wanted];
  const w = wanted.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === w) return v;
  return undefined;
}

/** "A: 5124, C: 5181, G: 2169, T: 4094" for multi-field tasks; every field exactly once. */
function parsePairs(key: AnswerKey, text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of key.fields) {
    const re = new RegExp(`(?:^|[\\s,;{(])"?${escapeRe(f.key)}"?\\s*[:=]\\s*"?([^,;\\n"}]+)`, 'gi');
    const hits = [...text.matchAll(re)];
    if (hits.length !== 1) throw new Malformed(`could not find exactly one "${f.key}: value" in the text`);
    out[f.key] = hits[0][1].trim();
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
