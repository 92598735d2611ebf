// OpenAI strict mode ("structured outputs" for tools). Strict mode accepts a subset of JSON
// Schema in which every object lists all its properties as required and forbids others, so
// an optional property must be spelled "required but nullable". `toStrictSchema` does that
// rewrite, or refuses with StrictSchemaError when the schema uses keywords strict mode lacks;
// `dropStrictNulls` turns the model's nulls for such properties back into absent keys before
// the arguments go to the ORS server, whose validator knows the original schema.

import type { JsonObject, JsonValue } from '../types.js';
import { mapSchema, objectSchema, reduceNullableUnions, stripSchemaTitles } from './formats-schema.js';

export class StrictSchemaError extends Error {
  override name = 'StrictSchemaError';
}

/** Keywords OpenAI strict mode does not accept (and that cannot be rewritten away). */
const UNSUPPORTED = [
  'allOf', 'not', 'if', 'then', 'else', 'patternProperties', 'dependentRequired', 'dependentSchemas',
  'dependencies', 'unevaluatedProperties', 'unevaluatedItems', 'propertyNames', 'minProperties',
  'maxProperties', 'contains', 'prefixItems',
];

export function toStrictSchema(schema: JsonObject | null): JsonObject {
  const base = objectSchema(reduceNullableUnions(stripSchemaTitles(schema)));
  if (base.type !== 'object') throw new StrictSchemaError('strict mode needs an object schema at the top');
  return mapSchema(base, (s) => {
    for (const k of UNSUPPORTED) if (k in s) throw new StrictSchemaError(`strict mode does not support "${k}"`);
    const { default: _default, oneOf, ...out } = s; // `default` is an annotation strict mode rejects
    if (oneOf !== undefined) out.anyOf = oneOf; // exclusivity is lost, the accepted values are not
    if (!isObjectSchema(out)) return out;
    if (out.additionalProperties !== undefined && out.additionalProperties !== false) {
      throw new StrictSchemaError('strict mode cannot express additionalProperties other than false');
    }
    const props = isObject(out.properties) ? out.properties : {};
    const required = new Set(Array.isArray(out.required) ? out.required : []);
    const strictProps: JsonObject = {};
    for (const [name, sub] of Object.entries(props)) strictProps[name] = required.has(name) ? sub : nullable(sub);
    return { ...out, properties: strictProps, required: Object.keys(props), additionalProperties: false };
  }) as JsonObject;
}

/**
 * Removes null values the model had to send for optional properties in strict mode, so the
 * arguments validate against the tool's original schema. Nulls the original schema accepts stay.
 */
export function dropStrictNulls(schema: JsonObject | null, args: JsonObject): JsonObject {
  if (schema === null) return args;
  const root = stripSchemaTitles(schema)!;
  return clean(root, root, args) as JsonObject;
}

function clean(root: JsonObject, schema: JsonValue, value: JsonValue): JsonValue {
  const s = resolve(root, schema);
  if (!isObject(s)) return value;
  if (Array.isArray(value)) {
    return s.items !== undefined && !Array.isArray(s.items) ? value.map((v) => clean(root, s.items!, v)) : value;
  }
  if (!isObject(value) || !isObject(s.properties)) return value;
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = s.properties[key];
    if (sub === undefined) {
      out[key] = v;
    } else if (v === null && !required.has(key) && !acceptsNull(root, sub)) {
      continue; // "absent", as strict mode had to say it
    } else {
      out[key] = clean(root, sub, v);
    }
  }
  return out;
}

function nullable(sub: JsonValue): JsonValue {
  if (!isObject(sub)) return sub; // a boolean schema
  if (typeof sub.type === 'string' && sub.const === undefined) {
    const out: JsonObject = { ...sub, type: sub.type === 'null' ? 'null' : [sub.type, 'null'] };
    if (Array.isArray(sub.enum) && !sub.enum.includes(null)) out.enum = [...sub.enum, null];
    return out;
  }
  if (Array.isArray(sub.type) && sub.const === undefined) {
    const out: JsonObject = { ...sub };
    if (!sub.type.includes('null')) out.type = [...sub.type, 'null'];
    if (Array.isArray(sub.enum) && !sub.enum.includes(null)) out.enum = [...sub.enum, null];
    return out;
  }
  if (Array.isArray(sub.anyOf)) {
    return sub.anyOf.some((o) => isObject(o) && o.type === 'null') ? sub : { ...sub, anyOf: [...sub.anyOf, { type: 'null' }] };
  }
  return { anyOf: [sub, { type: 'null' }] };
}

function acceptsNull(root: JsonObject, schema: JsonValue): boolean {
  const s = resolve(root, schema);
  if (!isObject(s)) return s !== false;
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  if (Array.isArray(s.enum)) return s.enum.includes(null);
  for (const k of ['anyOf', 'oneOf'] as const) {
    const options = s[k];
    if (Array.isArray(options)) return options.some((o) => acceptsNull(root, o));
  }
  return s.type === undefined && s.const === undefined && s.$ref === undefined;
}

/** Follows a local `#/$defs/X` or `#/definitions/X` reference. */
function resolve(root: JsonObject, schema: JsonValue): JsonValue {
  for (let hops = 0; isObject(schema) && typeof schema.$ref === 'string' && hops < 32; hops++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
    const defs = m ? root[m[1]] : undefined;
    if (!m || !isObject(defs) || defs[m[2]] === undefined) return schema;
    schema = defs[m[2]];
  }
  return schema;
}

function isObjectSchema(s: JsonObject): boolean {
  return s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || isObject(s.properties);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
