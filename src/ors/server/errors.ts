// Errors in FastAPI's wire shape: `{"detail": "<text>"}` for HTTP errors and
// `{"detail": [{type, loc, msg, input}]}` (422) for request validation errors, because the
// reference SDK's clients and tests read these bodies.

import type { JsonValue } from '../types.js';

/** An HTTP error answered as `{"detail": message}` (with extra response headers, e.g. Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly detail: string,
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

/** A 308 to another path (method and body kept). */
export class RedirectError extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
    this.name = 'RedirectError';
  }
}

/** One Pydantic-style validation error item. */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: JsonValue | undefined;
  ctx?: Record<string, JsonValue>;
}

/** A 422 answered as `{"detail": [items]}`. */
export class RequestValidationError extends Error {
  readonly statusCode = 422;
  constructor(readonly items: ValidationItem[]) {
    super(items.slice(0, 5).map((i) => `${clip(i.loc.join('.'), 200)}: ${i.msg}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

/** The body FastAPI would send for an unexpected exception (`return_errors="exception"`): one line, bounded, never a stack. */
export function internalErrorDetail(err: unknown): string {
  const text = err instanceof Error ? `${err.name || 'Error'}: ${err.message}` : `Error: ${String(err)}`;
  return clip(text.split(/\r?\n/, 1)[0], 500);
}

/** Longest piece of client input an error message or a 422 item echoes. */
export const ECHO_LIMIT = 1000;
/** Most 422 items one response lists. */
export const MAX_ITEMS = 50;

/** Client text cut to `max` characters, saying how much was left out. */
export function clip(text: string, max = ECHO_LIMIT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/** An echoed input kept as is when small, else a bounded prefix of its JSON. */
function boundedInput(input: JsonValue | undefined): JsonValue {
  if (input === undefined) return null;
  if (typeof input === 'string') return clip(input);
  if (input === null || typeof input !== 'object') return input;
  let text: string;
  try {
    text = JSON.stringify(input);
  } catch {
    return '<input not shown>';
  }
  return text.length <= ECHO_LIMIT ? input : clip(text);
}

/** Serialisable 422 items: `input` is always present (bounded), `null` standing in for "no input". */
export function validationBody(items: ValidationItem[]): { detail: object[] } {
  const shown = items.slice(0, MAX_ITEMS).map((i) => {
    const out: Record<string, unknown> = { type: i.type, loc: i.loc.map((p) => (typeof p === 'string' ? clip(p, 200) : p)), msg: i.msg, input: boundedInput(i.input) };
    if (i.ctx) out.ctx = i.ctx;
    return out;
  });
  if (items.length > MAX_ITEMS) shown.push({ type: 'too_many_errors', loc: ['body'], msg: `${items.length - MAX_ITEMS} more errors not shown`, input: null });
  return { detail: shown };
}
