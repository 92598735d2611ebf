// Strict parsing of a case-study answer: the agent must return exactly one JSON object
// `{"answer": {...}, "reasoning": "..."}` with every schema key, integers where the schema
// says integer, finite numbers, and one of the allowed labels for a label field. A lenient repair parse (code fences, surrounding prose,
// string numbers, NaN) runs only when the strict one fails; using it is a format penalty.
// Per-field problems leave that field null (an abstention) instead of failing the whole answer.

import { Type, type TLiteral, type TObject, type TUnion } from '@sinclair/typebox';

export type FieldKind = 'integer' | 'number' | 'label';

/** One answer field: integer/float, or a label from a fixed list (graded as its 0-based index). */
export interface AnswerField {
  key: string;
  kind: FieldKind;
  /** allowed labels of a 'label' field, in code order */
  labels?: string[];
}

/**
 * A categorical answer field (e.g. "F1".."F8"): the agent writes one of the labels as a JSON
 * string; grading, truth and bounds use its 0-based index in `labels`, so the numeric grading
 * path is unchanged.
 */
export function labelField(labels: readonly string[], description: string): TUnion<TLiteral<string>[]> {
  if (labels.length < 2 || new Set(labels).size !== labels.length) throw new Error('a label field needs at least two distinct labels');
  return Type.Union(labels.map((l) => Type.Literal(l)), { description });
}

/** The labels of a schema property built by labelField, else undefined. */
export function fieldLabels(prop: unknown): string[] | undefined {
  const anyOf = (prop as { anyOf?: { const?: unknown }[] }).anyOf;
  if (!Array.isArray(anyOf) || anyOf.length === 0 || !anyOf.every((m) => typeof m.const === 'string')) return undefined;
  return anyOf.map((m) => m.const as string);
}

/** Keys and integer/float/label typing of an answer schema, in schema order. */
export function schemaFields(schema: TObject): AnswerField[] {
  return Object.entries(schema.properties).map(([key, s]) => {
    const labels = fieldLabels(s);
    if (labels) return { key, kind: 'label' as const, labels };
    const type = (s as { type?: string }).type;
    if (type !== 'integer' && type !== 'number') throw new Error(`answer schema field ${key} must be integer, number or a label list, got ${type}`);
    return { key, kind: type };
  });
}

/** Internal numeric answer (label fields as codes) → the JSON answer object an agent would write. */
export function answerToWire(schema: TObject, answer: Record<string, number>): Record<string, number | string> {
  const out: Record<string, number | string> = { ...answer };
  for (const f of schemaFields(schema)) {
    if (f.kind !== 'label' || !(f.key in answer)) continue;
    const label = f.labels![answer[f.key]];
    if (label === undefined) throw new RangeError(`${f.key}: code ${answer[f.key]} is not one of 0..${f.labels!.length - 1}`);
    out[f.key] = label;
  }
  return out;
}

export interface ParsedAnswer {
  /** strict: passed every format rule; repaired: usable after repair (format penalty); invalid: no answer object */
  status: 'strict' | 'repaired' | 'invalid';
  /** every schema key; null = missing or unusable (counts as an abstention) */
  values: Record<string, number | null>;
  reasoning: string | null;
  /** format problems found by the strict parser (why it was repaired or invalid) */
  formatErrors: string[];
  /** per-field problems */
  fieldErrors: Record<string, string>;
}

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses the agent's final text against the schema. Never throws. */
export function parseAnswer(text: string, schema: TObject): ParsedAnswer {
  const fields = schemaFields(schema);
  const strict = strictParse(text, fields);
  if (strict.formatErrors.length === 0) return strict;
  const repaired = repairParse(text, fields);
  if (!repaired) return { ...strict, status: 'invalid', values: nullValues(fields) };
  return { ...repaired, status: 'repaired', formatErrors: strict.formatErrors };
}

function nullValues(fields: { key: string }[]): Record<string, number | null> {
  return Object.fromEntries(fields.map((f) => [f.key, null]));
}

function strictParse(text: string, fields: AnswerField[]): ParsedAnswer {
  const out: ParsedAnswer = { status: 'strict', values: nullValues(fields), reasoning: null, formatErrors: [], fieldErrors: {} };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    out.formatErrors.push(`not a single JSON value: ${(err as Error).message}`);
    return out;
  }
  if (!isPlainObject(obj)) {
    out.formatErrors.push('top level is not a JSON object');
    return out;
  }
  const extraTop = Object.keys(obj).filter((k) => k !== 'answer' && k !== 'reasoning');
  if (extraTop.length) out.formatErrors.push(`unexpected top-level keys: ${extraTop.join(', ')}`);
  if (typeof obj.reasoning !== 'string') out.formatErrors.push('"reasoning" must be a string');
  else out.reasoning = obj.reasoning;
  if (!isPlainObject(obj.answer)) {
    out.formatErrors.push('"answer" must be a JSON object');
    return out;
  }
  const answer = obj.answer;
  const known = new Set(fields.map((f) => f.key));
  const extra = Object.keys(answer).filter((k) => !known.has(k));
  if (extra.length) out.formatErrors.push(`unexpected answer keys: ${extra.join(', ')}`);
  const rawAnswer = answerObjectText(text);
  for (const f of fields) {
    const v = answer[f.key];
    if (!(f.key in answer)) {
      out.formatErrors.push(`missing key ${f.key}`);
      out.fieldErrors[f.key] = 'missing';
    } else if (f.kind === 'label') {
      const code = typeof v === 'string' ? f.labels!.indexOf(v) : -1;
      if (code < 0) {
        out.formatErrors.push(`${f.key} must be one of ${f.labels!.map((l) => JSON.stringify(l)).join(', ')}`);
        out.fieldErrors[f.key] = `not an allowed label (${JSON.stringify(v)?.slice(0, 40)})`;
      } else out.values[f.key] = code;
    } else if (typeof v !== 'number') {
      out.formatErrors.push(`${f.key} must be a JSON number, got ${v === null ? 'null' : typeof v}`);
      out.fieldErrors[f.key] = `not a number (${JSON.stringify(v)?.slice(0, 40)})`;
    } else if (f.kind === 'integer' && (!Number.isInteger(v) || looksFractional(rawAnswer, f.key))) {
      out.formatErrors.push(`${f.key} must be an integer literal`);
      out.fieldErrors[f.key] = `not an integer (${v})`;
      // an integral value written as 1.0 is still usable after repair; 0.5 is not
    } else {
      out.values[f.key] = v;
    }
  }
  return out;
}

/** True when the key's literal in the raw JSON has a fraction or exponent (1.0, 1e0). */
function looksFractional(raw: string, key: string): boolean {
  const m = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*(-?[0-9.eE+-]+)`).exec(raw);
  return m ? /[.eE]/.test(m[1]) : false;
}

/** The text of the `"answer": {...}` object (answer objects hold only scalars, so no nesting). */
function answerObjectText(raw: string): string {
  const m = /"answer"\s*:\s*\{[^{}]*\}/.exec(raw);
  return m ? m[0] : raw;
}

function repairParse(text: string, fields: AnswerField[]): Omit<ParsedAnswer, 'status' | 'formatErrors'> | null {
  const candidates = jsonObjectsIn(stripFences(text))
    .map((c) => ({ raw: c, obj: lenientJson(c) }))
    .filter((c): c is { raw: string; obj: Record<string, unknown> } => isPlainObject(c.obj));
  // Prefer wrapped objects `{answer, reasoning}`; else a bare answer object with schema keys.
  let picked = candidates.filter((c) => isPlainObject(c.obj.answer));
  let wrapped = true;
  if (picked.length === 0) {
    picked = candidates.filter((c) => fields.some((f) => f.key in c.obj));
    wrapped = false;
  }
  if (picked.length === 0) return null;
  // Several different answer objects are ambiguous: refuse rather than guess.
  const distinct = new Set(picked.map((c) => JSON.stringify(wrapped ? c.obj.answer : c.obj)));
  if (distinct.size > 1) return null;
  const chosen = picked[picked.length - 1];
  const answer = (wrapped ? chosen.obj.answer : chosen.obj) as Record<string, unknown>;
  const reasoning = wrapped && typeof chosen.obj.reasoning === 'string' ? chosen.obj.reasoning : null;
  const values = nullValues(fields);
  const fieldErrors: Record<string, string> = {};
  for (const f of fields) {
    let v = answer[f.key];
    if (!(f.key in answer)) {
      fieldErrors[f.key] = 'missing';
      continue;
    }
    if (f.kind === 'label') {
      // repair tolerates case and surrounding blanks ("f3 " → "F3"), nothing looser
      const text = typeof v === 'string' ? v.trim().toLowerCase() : null;
      const code = text === null ? -1 : f.labels!.findIndex((l) => l.toLowerCase() === text);
      if (code < 0) fieldErrors[f.key] = `not an allowed label (${JSON.stringify(v)?.slice(0, 40)})`;
      else values[f.key] = code;
      continue;
    }
    if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) v = Number(v.trim());
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fieldErrors[f.key] = v === null ? 'null or non-finite (NaN/Infinity)' : `not a number (${JSON.stringify(v)?.slice(0, 40)})`;
      continue;
    }
    if (f.kind === 'integer' && !Number.isInteger(v)) {
      fieldErrors[f.key] = `not an integer (${v})`;
      continue;
    }
    values[f.key] = v;
  }
  return { values, reasoning, fieldErrors };
}

function stripFences(text: string): string {
  return text.replace(/```[a-zA-Z]*\s*\n?/g, '\n');
}

/** Balanced top-level {...} spans, skipping braces inside strings. */
export function jsonObjectsIn(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = -1, inStr = false, esc = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (ch === '\\') esc = true;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = depth > 0;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) out.push(text.slice(start, i + 1));
    }
  }
  return out;
}

/** JSON.parse after turning bare NaN/Infinity into null (they are not JSON). */
function lenientJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    try {
      return JSON.parse(s.replace(/(:\s*)[+-]?(NaN|Infinity|nan|inf)\b/g, '$1null'));
    } catch {
      return undefined;
    }
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
