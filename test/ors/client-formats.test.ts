import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FunctionTool } from 'openai/resources/responses/responses';
import {
  dropStrictNulls,
  reduceNullableUnions,
  StrictSchemaError,
  stripSchemaTitles,
  toAnthropicTool,
  toOpenAIChatTool,
  toOpenAIResponsesTool,
  toStrictSchema,
  toToolFormat,
} from '../../src/ors/client/formats.js';
import type { JsonObject, ToolSpec } from '../../src/ors/types.js';

// A Pydantic-shaped schema: title annotations everywhere, a property called "title",
// $defs, an Optional field as anyOf-with-null, and data values that contain "title" keys.
const pydantic: JsonObject = {
  title: 'AnnotateInput',
  type: 'object',
  properties: {
    title: { title: 'Title', type: 'string', description: 'the record title' },
    gene: { title: 'Gene', type: 'string', examples: [{ title: 'kept in data' }] },
    strand: { anyOf: [{ enum: ['+', '-'], type: 'string' }, { type: 'null' }], default: null, title: 'Strand' },
    region: { $ref: '#/$defs/Region' },
    maybeRegion: { anyOf: [{ $ref: '#/$defs/Region' }, { type: 'null' }], title: 'Maybe Region' },
    tags: { type: 'array', items: { title: 'Tag', type: 'string' }, default: [{ title: 'x' }] },
  },
  required: ['title', 'gene'],
  $defs: {
    Region: {
      title: 'Region',
      type: 'object',
      properties: { title: { type: 'string', title: 'Title' }, start: { type: 'integer', title: 'Start' } },
      required: ['title'],
    },
  },
};

const spec: ToolSpec = { name: 'annotate', description: 'Annotate a record.', input_schema: pydantic };
const noArgs: ToolSpec = { name: 'submit', description: 'Submit.', input_schema: null };

test('title annotations go, a property named "title" and data containing "title" stay', () => {
  const out = stripSchemaTitles(pydantic)!;
  assert.equal(out.title, undefined);
  const props = out.properties as Record<string, JsonObject>;
  assert.deepEqual(props.title, { type: 'string', description: 'the record title' });
  assert.deepEqual(props.gene, { type: 'string', examples: [{ title: 'kept in data' }] });
  assert.deepEqual(props.tags, { type: 'array', items: { type: 'string' }, default: [{ title: 'x' }] });
  assert.deepEqual(out.required, ['title', 'gene']);
  const region = (out.$defs as Record<string, JsonObject>).Region;
  assert.equal(region.title, undefined);
  assert.deepEqual(Object.keys(region.properties as JsonObject), ['title', 'start']);
  assert.deepEqual((region.properties as Record<string, JsonObject>).title, { type: 'string' });
});

test('a "title" property whose schema is itself an object named title is kept too', () => {
  const s: JsonObject = { type: 'object', properties: { title: { type: 'object', properties: { title: { type: 'string' } } } } };
  assert.deepEqual(stripSchemaTitles(s), s);
});

test('the input schema is not mutated', () => {
  const before = JSON.stringify(pydantic);
  toOpenAIChatTool(spec);
  toOpenAIResponsesTool(spec);
  toAnthropicTool(spec);
  assert.equal(JSON.stringify(pydantic), before);
});

test('anyOf [X, null] becomes X with a nullable type; enums gain null; $ref unions stay', () => {
  const out = reduceNullableUnions(stripSchemaTitles(pydantic))!;
  const props = out.properties as Record<string, JsonObject>;
  assert.deepEqual(props.strand, { enum: ['+', '-', null], type: ['string', 'null'], default: null });
  assert.deepEqual(props.maybeRegion, { anyOf: [{ $ref: '#/$defs/Region' }, { type: 'null' }] });
  const three: JsonObject = { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
  assert.deepEqual(reduceNullableUnions(three), three);
});

test('OpenAI chat-completions shape', () => {
  const tool = toOpenAIChatTool(spec);
  const typed: ChatCompletionTool = tool; // must satisfy the openai package's type
  assert.equal(typed.type, 'function');
  assert.deepEqual(Object.keys(tool).sort(), ['function', 'type']);
  assert.deepEqual(Object.keys(tool.function).sort(), ['description', 'name', 'parameters']);
  assert.equal(tool.function.name, 'annotate');
  assert.equal(tool.function.parameters.title, undefined);
  assert.ok((tool.function.parameters.properties as JsonObject).title);
});

test('OpenAI Responses shape is flat and says strict:false', () => {
  const tool = toOpenAIResponsesTool(spec);
  const typed: FunctionTool = tool;
  assert.equal(typed.name, 'annotate');
  assert.deepEqual(Object.keys(tool).sort(), ['description', 'name', 'parameters', 'strict', 'type']);
  assert.equal(tool.strict, false);
});

test('Anthropic shape keeps anyOf but loses titles', () => {
  const tool = toAnthropicTool(spec);
  assert.deepEqual(Object.keys(tool).sort(), ['description', 'input_schema', 'name']);
  const props = tool.input_schema.properties as Record<string, JsonObject>;
  assert.deepEqual(props.strand, { anyOf: [{ enum: ['+', '-'], type: 'string' }, { type: 'null' }], default: null });
});

test('a tool without arguments gets an empty object schema in every format', () => {
  const empty = { type: 'object', properties: {} };
  assert.deepEqual(toOpenAIChatTool(noArgs).function.parameters, empty);
  assert.deepEqual(toOpenAIResponsesTool(noArgs).parameters, empty);
  assert.deepEqual(toAnthropicTool(noArgs).input_schema, empty);
});

test('toToolFormat maps lists and rejects unknown formats', () => {
  assert.equal(toToolFormat('anthropic', [spec, noArgs]).length, 2);
  assert.equal(toToolFormat('openai-chat', [spec])[0].function.name, 'annotate');
  assert.throws(() => toToolFormat('gemini' as never, [spec]), /unknown tool format/);
});

test('strict mode: all properties required, optional ones nullable, no extras, no defaults', () => {
  const tool = toOpenAIChatTool(spec, { strict: true });
  assert.equal(tool.function.strict, true);
  const p = tool.function.parameters;
  assert.equal(p.additionalProperties, false);
  assert.deepEqual(p.required, ['title', 'gene', 'strand', 'region', 'maybeRegion', 'tags']);
  const props = p.properties as Record<string, JsonObject>;
  assert.deepEqual(props.title, { type: 'string', description: 'the record title' }, 'required stays non-null');
  assert.deepEqual(props.strand, { enum: ['+', '-', null], type: ['string', 'null'] });
  assert.deepEqual(props.region, { anyOf: [{ $ref: '#/$defs/Region' }, { type: 'null' }] });
  assert.deepEqual(props.tags, { type: ['array', 'null'], items: { type: 'string' } });
  const region = (p.$defs as Record<string, JsonObject>).Region;
  assert.deepEqual(region.required, ['title', 'start']);
  assert.equal(region.additionalProperties, false);
  assert.deepEqual((region.properties as Record<string, JsonObject>).start, { type: ['integer', 'null'] });
  assert.equal(toOpenAIResponsesTool(spec, { strict: true }).strict, true);
  const typed: FunctionTool = toOpenAIResponsesTool(noArgs, { strict: true });
  assert.deepEqual(typed.parameters, { type: 'object', properties: {}, required: [], additionalProperties: false });
});

test('strict mode refuses schemas it cannot express', () => {
  const open: JsonObject = { type: 'object', properties: { a: { type: 'object', additionalProperties: { type: 'string' } } } };
  assert.throws(() => toStrictSchema(open), StrictSchemaError);
  assert.throws(() => toOpenAIChatTool({ name: 'x', description: '', input_schema: { type: 'object', allOf: [] } }, { strict: true }), /allOf/);
});

test('dropStrictNulls removes the nulls strict mode forced, keeps nulls the schema allows', () => {
  const args: JsonObject = {
    title: 'T',
    gene: 'MYC',
    strand: null, // optional and nullable in the original: kept
    region: { title: 'R', start: null }, // start optional, not nullable: dropped (through $ref)
    maybeRegion: null,
    tags: null,
  };
  assert.deepEqual(dropStrictNulls(pydantic, args), {
    title: 'T',
    gene: 'MYC',
    strand: null,
    region: { title: 'R' },
    maybeRegion: null,
  });
  assert.deepEqual(dropStrictNulls(null, { a: null }), { a: null });
});
