// JSON Schema <-> Gemini's OpenAPI-subset `Schema` (FunctionDeclaration.parameters, responseSchema).
//
// Gemini's `parameters`/`responseSchema` take a small OpenAPI 3.0 subset (upper-case types, `nullable`,
// string-only `enum`, no $ref, no additionalProperties, non-empty OBJECT properties). The API also has
// `parametersJsonSchema`/`responseJsonSchema` taking JSON Schema (with $ref/$defs, additionalProperties),
// but the docs warn that not every keyword is honoured there. So the encoder converts to the subset
// whenever the subset says the same thing, and only when it cannot (recursive $ref, free-form objects,
// schemas with no type, non-string enums, tuples) sends the JSON Schema field instead: the schema then
// arrives whole rather than silently weakened. `required` and `enum` are never dropped.
import { isRecord, type Json } from "./wire.ts";

const TYPES = new Set(["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"]);

/** `format` values the Schema docs list per type; any other format is a hint we may drop. */
const FORMATS: Record<string, Set<string>> = {
  STRING: new Set(["enum", "date-time", "date", "email", "byte", "password"]),
  NUMBER: new Set(["float", "double"]),
  INTEGER: new Set(["int32", "int64"]),
};

/** Keywords copied unchanged when the type allows them. */
const COPY_FOR: Record<string, string[]> = {
  STRING: ["minLength", "maxLength", "pattern"],
  NUMBER: ["minimum", "maximum"],
  INTEGER: ["minimum", "maximum"],
  ARRAY: ["minItems", "maxItems"],
  OBJECT: ["minProperties", "maxProperties", "propertyOrdering"],
  BOOLEAN: [],
};
const COPY_ALWAYS = ["description", "title", "example"];

/** Thrown inside the converter when the subset cannot express a schema faithfully. */
class Inexpressible extends Error {}

interface Ctx {
  root: Json;
  refs: string[];
}

export type GeminiSchemaResult =
  | { kind: "schema"; schema: Json } // goes in `parameters` / `responseSchema`
  | { kind: "json"; schema: Json } // goes in `parametersJsonSchema` / `responseJsonSchema`
  | { kind: "none" }; // a function without parameters

/** A tool's JSON Schema as Gemini function parameters. */
export function toGeminiParameters(schema: Json): GeminiSchemaResult {
  const props = schema.properties;
  const noProps = !isRecord(props) || Object.keys(props).length === 0;
  const closed = schema.additionalProperties === undefined || schema.additionalProperties === false;
  const composite = ["$ref", "anyOf", "oneOf", "allOf"].some((k) => k in schema);
  if (noProps && closed && !composite) return { kind: "none" };
  return toGeminiSchema(schema);
}

/** Any JSON Schema as a Gemini Schema, or as itself for the JSON Schema field when the subset falls short. */
export function toGeminiSchema(schema: Json): GeminiSchemaResult {
  try {
    return { kind: "schema", schema: convert(schema, { root: schema, refs: [] }) };
  } catch (err) {
    if (err instanceof Inexpressible) return { kind: "json", schema };
    throw err;
  }
}

function resolveRef(ref: string, root: Json): Json {
  if (!ref.startsWith("#")) throw new Inexpressible(`remote $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isRecord(node) ? node[key] : undefined;
  }
  if (!isRecord(node)) throw new Inexpressible(`unresolved $ref ${ref}`);
  return node;
}

function without(node: Json, ...keys: string[]): Json {
  const out: Json = { ...node };
  for (const k of keys) delete out[k];
  return out;
}

/** allOf members folded into one schema: properties merged, required united, first value wins otherwise. */
function mergeAllOf(node: Json, ctx: Ctx): Json {
  const members = Array.isArray(node.allOf) ? node.allOf : [];
  let merged: Json = without(node, "allOf");
  for (const member of members) {
    if (!isRecord(member)) throw new Inexpressible("allOf member is not a schema");
    const m = typeof member.$ref === "string" ? { ...resolveRef(member.$ref, ctx.root), ...without(member, "$ref") } : member;
    const properties = { ...(isRecord(m.properties) ? m.properties : {}), ...(isRecord(merged.properties) ? merged.properties : {}) };
    const required = [...new Set([...strings(merged.required), ...strings(m.required)])];
    merged = { ...m, ...merged };
    if (Object.keys(properties).length) merged.properties = properties;
    if (required.length) merged.required = required;
  }
  return merged;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function isNullSchema(v: unknown): boolean {
  return isRecord(v) && (v.type === "null" || (Array.isArray(v.type) && v.type.length === 1 && v.type[0] === "null"));
}

function convert(input: unknown, ctx: Ctx): Json {
  if (!isRecord(input)) throw new Inexpressible("boolean or non-object schema");
  let node = input;

  if (typeof node.$ref === "string") {
    const ref = node.$ref;
    if (ctx.refs.includes(ref)) throw new Inexpressible(`recursive $ref ${ref}`);
    const resolved = { ...resolveRef(ref, ctx.root), ...without(node, "$ref") };
    return convert(resolved, { root: ctx.root, refs: [...ctx.refs, ref] });
  }
  if (Array.isArray(node.allOf)) return convert(mergeAllOf(node, ctx), ctx);

  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (union) {
    const rest = union.filter((m) => !isNullSchema(m));
    const nullable = rest.length < union.length || node.nullable === true;
    const outer = without(node, "anyOf", "oneOf");
    if (rest.length === 0) throw new Inexpressible("anyOf of only null");
    if (rest.length === 1 && isRecord(rest[0])) {
      // `X | null`: one schema, nullable; the outer description wins over the member's.
      const single = convert({ ...rest[0], ...pick(outer, COPY_ALWAYS) }, ctx);
      return nullable ? { ...single, nullable: true } : single;
    }
    const out: Json = { ...pick(outer, COPY_ALWAYS), anyOf: rest.map((m) => convert(m, ctx)) };
    if (nullable) out.nullable = true;
    return out;
  }

  let nullable = node.nullable === true;
  let type: string | undefined;
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t): t is string => typeof t === "string");
    const nonNull = types.filter((t) => t !== "null");
    if (nonNull.length < types.length) nullable = true;
    if (nonNull.length === 0) throw new Inexpressible("type null only");
    if (nonNull.length > 1) {
      const out: Json = {
        ...pick(node, COPY_ALWAYS),
        anyOf: nonNull.map((t) => convert({ ...without(node, "description", "title"), type: t }, ctx)),
      };
      if (nullable) out.nullable = true;
      return out;
    }
    type = nonNull[0].toUpperCase();
  } else if (typeof node.type === "string") {
    if (node.type === "null") throw new Inexpressible("type null only");
    type = node.type.toUpperCase();
  }

  let values: unknown[] | undefined = Array.isArray(node.enum) ? [...node.enum] : undefined;
  if ("const" in node) values = values ? values.filter((v) => v === node.const) : [node.const];
  if (values) {
    if (values.includes(null)) nullable = true;
    values = values.filter((v) => v !== null);
    if (!values.every((v) => typeof v === "string")) throw new Inexpressible("non-string enum");
    if (values.length === 0) throw new Inexpressible("empty enum");
    type ??= "STRING";
  }
  type ??= isRecord(node.properties) ? "OBJECT" : "items" in node ? "ARRAY" : undefined;
  if (!type || !TYPES.has(type)) throw new Inexpressible(`no usable type (${String(node.type)})`);

  const out: Json = { type };
  Object.assign(out, pick(node, COPY_ALWAYS), pick(node, COPY_FOR[type]));
  if (typeof node.format === "string" && FORMATS[type]?.has(node.format)) out.format = node.format;
  if (values) out.enum = values;
  if (nullable) out.nullable = true;

  if (type === "OBJECT") {
    const props = isRecord(node.properties) ? node.properties : {};
    const names = Object.keys(props);
    // Gemini rejects an OBJECT with no properties; a free-form object needs the JSON Schema field.
    if (names.length === 0) throw new Inexpressible("object without properties");
    out.properties = Object.fromEntries(names.map((n) => [n, convert(props[n], ctx)]));
    const required = strings(node.required).filter((r) => names.includes(r));
    if (required.length) out.required = required;
  }
  if (type === "ARRAY") {
    if (Array.isArray(node.items) || "prefixItems" in node) throw new Inexpressible("tuple array");
    if (node.items !== undefined) out.items = convert(node.items, ctx);
  }
  return out;
}

function pick(node: Json, keys: string[]): Json {
  const out: Json = {};
  for (const k of keys) if (node[k] !== undefined) out[k] = node[k];
  return out;
}

const NUMERIC_STRINGS = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"];

/** A Gemini Schema (upper-case types, `nullable`, int64 counts as strings) as plain JSON Schema. */
export function fromGeminiSchema(input: unknown): Json {
  if (!isRecord(input)) return {};
  const out: Json = {};
  const rawType = typeof input.type === "string" ? input.type.toLowerCase() : undefined;
  const type = rawType === "type_unspecified" ? undefined : rawType;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    switch (key) {
      case "type":
      case "nullable":
        break;
      case "format":
        if (value !== "enum") out.format = value;
        break;
      case "properties":
        if (isRecord(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromGeminiSchema(v)]));
        break;
      case "items":
        out.items = fromGeminiSchema(value);
        break;
      case "anyOf":
        if (Array.isArray(value)) out.anyOf = value.map(fromGeminiSchema);
        break;
      case "enum":
        out.enum =
          Array.isArray(value) && (type === "integer" || type === "number")
            ? value.map((v) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v))
            : value;
        break;
      default:
        out[key] = NUMERIC_STRINGS.includes(key) && typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    }
  }
  const nullable = input.nullable === true;
  if (type) out.type = nullable ? [type, "null"] : type;
  if (nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  else if (nullable && Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
  return out;
}
