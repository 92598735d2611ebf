// Validates tool input against the tool's typebox schema (ajv, compiled once per tool) and
// words failures like the reference: `Tool input validation error: [...]`, a list of
// Pydantic-style {type, loc, msg} items the agent can act on.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Tool } from '../environment.js';
import { clip } from './errors.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new WeakMap<Tool<any, any>, ValidateFunction>();
/** Most problems one error lists (an input with 100,000 unknown keys must not echo them all). */
const MAX_REPORTED = 20;

/** null when valid, else the ok:false error text. */
export function checkToolInput(tool: Tool<any, any>, input: unknown): string | null {
  if (tool.input === null) return null;
  let validate = compiled.get(tool);
  if (!validate) {
    validate = ajv.compile(tool.input as object);
    compiled.set(tool, validate);
  }
  if (validate(input)) return null;
  const errors = validate.errors ?? [];
  const shown = JSON.stringify(errors.slice(0, MAX_REPORTED).map(describe));
  return `Tool input validation error: ${shown}${errors.length > MAX_REPORTED ? ` (and ${errors.length - MAX_REPORTED} more)` : ''}`;
}

/** Compiles a tool's validator ahead of the first call. */
export function precompile(tool: Tool<any, any>): void {
  checkToolInput(tool, undefined);
}

function describe(e: ErrorObject): { type: string; loc: string[]; msg: string } {
  const loc = e.instancePath.split('/').slice(1).map((s) => clip(s.replace(/~1/g, '/').replace(/~0/g, '~'), 200));
  switch (e.keyword) {
    case 'required':
      return { type: 'missing', loc: [...loc, String(e.params.missingProperty)], msg: 'Field required' };
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: [...loc, clip(String(e.params.additionalProperty), 200)], msg: 'Extra inputs are not permitted' };
    case 'type':
      return { type: `${e.params.type}_type`, loc, msg: `Input should be a valid ${e.params.type}` };
    default:
      return { type: e.keyword, loc, msg: e.message ?? 'invalid value' };
  }
}
