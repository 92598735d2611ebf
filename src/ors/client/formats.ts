// ORS ToolSpecs in the tool formats of model APIs: OpenAI chat completions, OpenAI Responses
// and Anthropic Messages.
//
// Schema rewriting lives in formats-schema.ts, OpenAI strict mode in strict-schema.ts.

import type { JsonObject, ToolSpec } from '../types.js';
import { objectSchema, reduceNullableUnions, stripSchemaTitles } from './formats-schema.js';
import { toStrictSchema } from './strict-schema.js';

export { reduceNullableUnions, stripSchemaTitles } from './formats-schema.js';
export { dropStrictNulls, StrictSchemaError, toStrictSchema } from './strict-schema.js';

export interface OpenAIFormatOptions {
  /**
   * Emit an OpenAI strict-mode schema (every property required, optional ones nullable, no
   * extra properties) and `strict: true`. Throws StrictSchemaError for schemas strict mode
   * cannot express. Pass the model's arguments through `dropStrictNulls` before calling ORS.
   */
  strict?: boolean;
}

export interface OpenAIChatTool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonObject; strict?: boolean };
}

export interface OpenAIResponsesTool {
  type: 'function';
  name: string;
  description: string;
  parameters: JsonObject;
  /** Always explicit: the Responses API defaults to strict, which plain ORS schemas rarely satisfy. */
  strict: boolean;
}

export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: JsonObject;
}

export type ToolFormat = 'openai-chat' | 'openai-responses' | 'anthropic';

export function toOpenAIChatTool(spec: ToolSpec, opts: OpenAIFormatOptions = {}): OpenAIChatTool {
  const fn: OpenAIChatTool['function'] = { name: spec.name, description: spec.description, parameters: openAISchema(spec.input_schema, opts) };
  if (opts.strict) fn.strict = true;
  return { type: 'function', function: fn };
}

export function toOpenAIResponsesTool(spec: ToolSpec, opts: OpenAIFormatOptions = {}): OpenAIResponsesTool {
  return {
    type: 'function',
    name: spec.name,
    description: spec.description,
    parameters: openAISchema(spec.input_schema, opts),
    strict: opts.strict === true,
  };
}

export function toAnthropicTool(spec: ToolSpec): AnthropicTool {
  return { name: spec.name, description: spec.description, input_schema: objectSchema(stripSchemaTitles(spec.input_schema)) };
}

export function toToolFormat(format: 'openai-chat', specs: ToolSpec[], opts?: OpenAIFormatOptions): OpenAIChatTool[];
export function toToolFormat(format: 'openai-responses', specs: ToolSpec[], opts?: OpenAIFormatOptions): OpenAIResponsesTool[];
export function toToolFormat(format: 'anthropic', specs: ToolSpec[]): AnthropicTool[];
export function toToolFormat(
  format: ToolFormat,
  specs: ToolSpec[],
  opts?: OpenAIFormatOptions,
): Array<OpenAIChatTool | OpenAIResponsesTool | AnthropicTool>;
export function toToolFormat(
  format: ToolFormat,
  specs: ToolSpec[],
  opts: OpenAIFormatOptions = {},
): Array<OpenAIChatTool | OpenAIResponsesTool | AnthropicTool> {
  switch (format) {
    case 'openai-chat':
      return specs.map((s) => toOpenAIChatTool(s, opts));
    case 'openai-responses':
      return specs.map((s) => toOpenAIResponsesTool(s, opts));
    case 'anthropic':
      return specs.map(toAnthropicTool);
    default:
      throw new TypeError(`unknown tool format: ${String(format)}`);
  }
}

function openAISchema(schema: JsonObject | null, opts: OpenAIFormatOptions): JsonObject {
  return opts.strict ? toStrictSchema(schema) : objectSchema(reduceNullableUnions(stripSchemaTitles(schema)));
}
