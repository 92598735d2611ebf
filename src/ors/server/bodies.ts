// Strict request bodies, checked the way FastAPI + Pydantic (extra="forbid") check them, so
// errors come back as the same 422 items. Bodies arrive as raw strings (see app.ts) and are
// parsed here, only by the routes that take a body.

import type { JsonObject, JsonValue } from '../types.js';
import { RequestValidationError, type ValidationItem } from './errors.js';

type Kind = 'string' | 'int' | 'object' | 'stringMap';
interface Field {
  kind: Kind;
  required?: boolean;
}
type Shape = Record<string, Field>;

/** Deepest nesting of arrays/objects a body may have; deeper would only serve to exhaust a stack. */
export const MAX_JSON_DEPTH = 100;

/** Offset where the nesting first passes `max` levels, or -1 (one linear pass, strings skipped). */
export function nestingBeyond(raw: string, max = MAX_JSON_DEPTH): number {
  if (raw.length <= max) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** Parses a raw body as JSON; an empty body is `undefined`. */
export function parseJsonBody(raw: unknown): JsonValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') return raw as JsonValue;
  if (raw.trim() === '') return undefined;
  const deep = nestingBeyond(raw);
  if (deep !== -1) {
    throw new RequestValidationError([
      { type: 'json_invalid', loc: ['body', deep], msg: 'JSON decode error', input: {}, ctx: { error: `nesting deeper than ${MAX_JSON_DEPTH} levels` } },
    ]);
  }
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (err) {
    // V8 may quote part of the body in its message; keep only the position.
    const message = (err instanceof Error ? err.message : String(err)).replace(/, ".*" is not valid JSON$/s, ' is not valid JSON');
    const pos = /position (\d+)/.exec(message);
    throw new RequestValidationError([
      {
        type: 'json_invalid',
        loc: ['body', pos ? Number(pos[1]) : 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: message },
      },
    ]);
  }
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkField(name: string, field: Field, value: JsonValue | undefined, items: ValidationItem[]): unknown {
  const loc = ['body', name];
  if (value === undefined || value === null) {
    if (field.required) items.push({ type: 'missing', loc, msg: 'Field required', input: value ?? undefined });
    return null;
  }
  switch (field.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      items.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
      return null;
    case 'int': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value);
      const fraction = typeof value === 'number' && Number.isFinite(value);
      items.push({
        type: fraction ? 'int_from_float' : 'int_type',
        loc,
        msg: fraction ? 'Input should be a valid integer, got a number with a fractional part' : 'Input should be a valid integer',
        input: value,
      });
      return null;
    }
    case 'object':
      if (isObject(value)) return value;
      items.push({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: value });
      return null;
    case 'stringMap': {
      if (!isObject(value)) {
        items.push({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: value });
        return null;
      }
      for (const [k, v] of Object.entries(value)) {
        // Never echo a secret value back in an error.
        if (typeof v !== 'string') items.push({ type: 'string_type', loc: [...loc, k], msg: 'Input should be a valid string', input: '<redacted>' });
      }
      return value;
    }
  }
}

/** Validates a body against a shape: unknown keys → extra_forbidden, like Pydantic. */
function validate<T>(raw: unknown, shape: Shape): T {
  const body = parseJsonBody(raw);
  if (body === undefined) {
    throw new RequestValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: undefined }]);
  }
  if (!isObject(body)) {
    throw new RequestValidationError([
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body },
    ]);
  }
  const items: ValidationItem[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) out[name] = checkField(name, field, body[name], items);
  for (const key of Object.keys(body)) {
    if (!(key in shape)) items.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: key === 'secrets' ? '<redacted>' : body[key] });
  }
  if (items.length > 0) throw new RequestValidationError(items);
  return out as T;
}

export interface SplitBody {
  split: string;
}
export interface TaskBody {
  split: string;
  index: number;
}
export interface TaskRangeBody {
  split: string;
  start: number | null;
  stop: number | null;
}
export interface CreateBody {
  env_name: string | null;
  task_spec: JsonObject | null;
  split: string | null;
  index: number | null;
  secrets: Record<string, string> | null;
}
export interface CallBody {
  name: string;
  input: JsonObject;
  task_id: string | null;
}

export const splitBody = (raw: unknown) => validate<SplitBody>(raw, { split: { kind: 'string', required: true } });

export const taskBody = (raw: unknown) =>
  validate<TaskBody>(raw, { split: { kind: 'string', required: true }, index: { kind: 'int', required: true } });

export const taskRangeBody = (raw: unknown) =>
  validate<TaskRangeBody>(raw, { split: { kind: 'string', required: true }, start: { kind: 'int' }, stop: { kind: 'int' } });

export function createBody(raw: unknown): CreateBody {
  const body = validate<CreateBody>(raw, {
    env_name: { kind: 'string' },
    task_spec: { kind: 'object' },
    split: { kind: 'string' },
    index: { kind: 'int' },
    secrets: { kind: 'stringMap' },
  });
  const bySpec = body.task_spec !== null;
  const byIndex = body.split !== null && body.index !== null;
  // The reference's two checks, in its order and words.
  const problem =
    bySpec === byIndex
      ? 'Provide either task_spec or both split and index, not both/neither'
      : (body.split === null) !== (body.index === null)
        ? 'split and index must both be provided together'
        : undefined;
  if (problem !== undefined) {
    const redacted = { ...(parseJsonBody(raw) as JsonObject) };
    if ('secrets' in redacted) redacted.secrets = '<redacted>';
    throw new RequestValidationError([{ type: 'value_error', loc: ['body'], msg: `Value error, ${problem}`, input: redacted, ctx: { error: {} } }]);
  }
  return body;
}

export function callBody(raw: unknown): CallBody {
  return validate<CallBody>(raw, {
    name: { kind: 'string', required: true },
    input: { kind: 'object', required: true },
    task_id: { kind: 'string' },
  });
}
