// Schema rewriting shared by the tool-format converters.
//
// Schemas are walked keyword by keyword, so only places that hold a subschema are rewritten.
// That is how `title` annotations are removed without removing a property that happens to be
// called "title" (the reference client deletes every key named `title`, properties included),
// and without touching data such as `default`, `enum`, `const` or `examples`.

import type { JsonObject, JsonValue } from '../types.js';

/** Model APIs want an object schema at the top; a tool without arguments gets an empty one. */
export function objectSchema(schema: JsonObject | null): JsonObject {
  if (schema === null) return { type: 'object', properties: {} };
  const out: JsonObject = { ...schema };
  if (out.type === undefined && out.anyOf === undefined && out.oneOf === undefined && out.$ref === undefined) {
    out.type = 'object';
  }
  if (out.type === 'object' && out.properties === undefined) out.properties = {};
  return out;
}

/** Keywords whose value is one subschema. */
const SCHEMA_KEYWORDS = new Set([
  'additionalItems', 'additionalProperties', 'contains', 'contentSchema', 'else', 'if', 'items',
  'not', 'propertyNames', 'then', 'unevaluatedItems', 'unevaluatedProperties',
]);
/** Keywords whose value is an array of subschemas. */
const SCHEMA_ARRAY_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to subschemas (the names are data, never keywords). */
const SCHEMA_MAP_KEYWORDS = new Set(['$defs', 'definitions', 'dependentSchemas', 'patternProperties', 'properties']);

export type SchemaRewrite = (schema: JsonObject) => JsonObject;

/** Applies `rewrite` to every subschema, innermost first; non-schema values are copied as they are. */
export function mapSchema(schema: JsonValue, rewrite: SchemaRewrite): JsonValue {
  if (!isObject(schema)) return schema; // boolean schemas
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((s) => mapSchema(s, rewrite)) : mapSchema(value, rewrite); // draft-4 tuple items
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s) => mapSchema(s, rewrite));
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = mapSchema(sub, rewrite);
      out[key] = map;
    } else if (key === 'dependencies' && isObject(value)) {
      // draft-7: each value is a schema or a list of property names
      const map: JsonObject = {};
      for (const [name, dep] of Object.entries(value)) map[name] = Array.isArray(dep) ? dep : mapSchema(dep, rewrite);
      out[key] = map;
    } else {
      out[key] = structuredClone(value);
    }
  }
  return rewrite(out);
}

/** Removes `title` annotations from a schema and all its subschemas; properties named "title" stay. */
export function stripSchemaTitles(schema: JsonObject | null): JsonObject | null {
  if (schema === null) return null;
  return mapSchema(schema, (s) => {
    if (typeof s.title !== 'string') return s; // only the annotation (a string) is a title keyword
    const { title: _title, ...rest } = s;
    return rest;
  }) as JsonObject;
}

/**
 * Rewrites `anyOf`/`oneOf: [X, {type:"null"}]` (how Pydantic and TypeBox spell an optional
 * value) into X with `"null"` added to its type, which every OpenAI schema mode accepts.
 * Unions that cannot be merged that way (a `$ref`, several non-null options) are left alone.
 */
export function reduceNullableUnions(schema: JsonObject | null): JsonObject | null {
  if (schema === null) return null;
  return mapSchema(schema, (s) => {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = s[key];
      if (!Array.isArray(options) || options.length !== 2) continue;
      const nullIndex = options.findIndex(isNullSchema);
      if (nullIndex === -1) continue;
      const other = options[1 - nullIndex];
      if (!isObject(other) || typeof other.type !== 'string' || other.$ref !== undefined) continue;
      const { [key]: _union, ...rest } = s;
      const merged: JsonObject = { ...other, ...rest, type: [other.type, 'null'] };
      if (Array.isArray(other.enum) && !other.enum.includes(null)) merged.enum = [...other.enum, null];
      return merged;
    }
    return s;
  }) as JsonObject;
}

function isNullSchema(s: JsonValue): boolean {
  return isObject(s) && s.type === 'null' && Object.keys(s).every((k) => k === 'type' || k === 'title' || k === 'description');
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
