// Validates tool input against the tool's typebox schema (ajv, compiled once per tool) and
// words failures like the reference: `Tool input validation error: [...]`, a list of
// Pydantic-style {type, loc, msg} items the agent can act on.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Tool } from '../environment.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const compiled = new WeakMap<Tool<any, any>, ValidateFunction>();

/** null when valid, else the ok:false error text. */
export function checkToolInput(tool: Tool<any, any>, input: unknown): string | null {
  if (tool.input === null) return null;
  let validate = compiled.get(tool);
  if (!validate) {
    validate = ajv.compile(tool.input as object);
    compiled.set(tool, validate);
  }
  if (validate(input)) return null;
  return `Tool input validation error: ${JSON.stringify((validate.errors ?? []).map(describe))}`;
}

/** Compiles a tool's validator ahead of the first call. */
export function precompile(tool: Tool<any, any>): void {
  checkToolInput(tool, undefined);
}

function describe(e: ErrorObject): { type: string; loc: string[]; msg: string } {
  const loc = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  switch (e.keyword) {
    case 'required':
      return { type: 'missing', loc: [...loc, String(e.params.missingProperty)], msg: 'Field required' };
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: [...loc, String(e.params.additionalProperty)], msg: 'Extra inputs are not permitted' };
    case 'type':
      return { type: `${e.params.type}_type`, loc, msg: `Input should be a valid ${e.params.type}` };
    default:
      return { type: e.keyword, loc, msg: e.message ?? 'invalid value' };
  }
}
