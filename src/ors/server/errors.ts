// Errors in FastAPI's wire shape: `{"detail": "<text>"}` for HTTP errors and
// `{"detail": [{type, loc, msg, input}]}` (422) for request validation errors, because the
// reference SDK's clients and tests read these bodies.

import type { JsonValue } from '../types.js';

/** An HTTP error answered as `{"detail": message}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly detail: string,
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
    super(items.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

/** The body FastAPI would send for an unexpected exception (`return_errors="exception"`). */
export function internalErrorDetail(err: unknown): string {
  if (err instanceof Error) return `${err.name || 'Error'}: ${err.message}`;
  return `Error: ${String(err)}`;
}

/** Serialisable 422 items: `input` is always present, `null` standing in for "no input". */
export function validationBody(items: ValidationItem[]): { detail: object[] } {
  return {
    detail: items.map((i) => {
      const out: Record<string, unknown> = { type: i.type, loc: i.loc, msg: i.msg, input: i.input === undefined ? null : i.input };
      if (i.ctx) out.ctx = i.ctx;
      return out;
    }),
  };
}
