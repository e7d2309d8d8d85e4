// The JSON Schema <-> Gemini Schema converter: required/enum survive, $ref inlines, unsupported keywords go.
import { describe, expect, test } from "bun:test";
import { fromGeminiSchema, toGeminiParameters, toGeminiSchema } from "../../../src/formats/gemini/schema.ts";

function converted(schema: Record<string, unknown>) {
  const out = toGeminiSchema(schema);
  if (out.kind !== "schema") throw new Error(`expected a converted schema, got ${out.kind}`);
  return out.schema;
}

describe("toGeminiSchema", () => {
  test("keeps type, description, properties, required and enum; upper-cases types", () => {
    const out = converted({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      properties: {
        city: { type: "string", description: "City name", minLength: 1 },
        unit: { type: "string", enum: ["c", "f"], default: "c" },
        days: { type: "integer", minimum: 1, maximum: 7, exclusiveMaximum: 8 },
      },
      required: ["city", "unit"],
    });
    expect(out).toEqual({
      type: "OBJECT",
      properties: {
        city: { type: "STRING", description: "City name", minLength: 1 },
        unit: { type: "STRING", enum: ["c", "f"] },
        days: { type: "INTEGER", minimum: 1, maximum: 7 },
      },
      required: ["city", "unit"],
    });
  });

  test("inlines $defs references, including nested ones and siblings of $ref", () => {
    const out = converted({
      type: "object",
      $defs: {
        Point: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x", "y"] },
        Shape: {
          type: "object",
          properties: { kind: { const: "poly" }, points: { type: "array", items: { $ref: "#/$defs/Point" } } },
          required: ["kind"],
        },
      },
      properties: { shape: { $ref: "#/$defs/Shape", description: "the shape" } },
      required: ["shape"],
    });
    expect(out).toEqual({
      type: "OBJECT",
      properties: {
        shape: {
          type: "OBJECT",
          description: "the shape",
          properties: {
            kind: { type: "STRING", enum: ["poly"] },
            points: {
              type: "ARRAY",
              items: { type: "OBJECT", properties: { x: { type: "NUMBER" }, y: { type: "NUMBER" } }, required: ["x", "y"] },
            },
          },
          required: ["kind"],
        },
      },
      required: ["shape"],
    });
    expect(JSON.stringify(out)).not.toContain("$ref");
  });

  test("nullable from type arrays and from anyOf with null", () => {
    const out = converted({
      type: "object",
      properties: {
        a: { type: ["string", "null"], enum: ["x", "y", null] },
        b: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }], description: "maybe a list" },
        c: { anyOf: [{ type: "string" }, { type: "integer" }] },
      },
    });
    expect(out.properties).toEqual({
      a: { type: "STRING", enum: ["x", "y"], nullable: true },
      b: { type: "ARRAY", description: "maybe a list", items: { type: "STRING" }, nullable: true },
      c: { anyOf: [{ type: "STRING" }, { type: "INTEGER" }] },
    });
  });

  test("allOf merges properties and unites required; oneOf reads as anyOf", () => {
    const out = converted({
      allOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { properties: { b: { type: "boolean" } }, required: ["b"] },
      ],
      properties: {
        c: {
          oneOf: [
            { type: "string", format: "date-time" },
            { type: "number", format: "double" },
          ],
        },
      },
    });
    expect(out.type).toBe("OBJECT");
    expect(Object.keys(out.properties as object).sort()).toEqual(["a", "b", "c"]);
    expect((out.required as string[]).sort()).toEqual(["a", "b"]);
    expect((out.properties as any).c).toEqual({
      anyOf: [
        { type: "STRING", format: "date-time" },
        { type: "NUMBER", format: "double" },
      ],
    });
  });

  test("drops formats Gemini does not list, and required names with no property", () => {
    const out = converted({ type: "object", properties: { u: { type: "string", format: "uri" } }, required: ["u", "ghost"] });
    expect(out).toEqual({ type: "OBJECT", properties: { u: { type: "STRING" } }, required: ["u"] });
  });

  test("falls back to the JSON Schema field when the subset cannot say it", () => {
    const recursive = { type: "object", properties: { child: { $ref: "#" }, name: { type: "string" } } };
    expect(toGeminiSchema(recursive)).toEqual({ kind: "json", schema: recursive });
    const freeForm = { type: "object", properties: { meta: { type: "object", additionalProperties: { type: "string" } } } };
    expect(toGeminiSchema(freeForm).kind).toBe("json");
    const numericEnum = { type: "object", properties: { n: { type: "integer", enum: [1, 2, 3] } } };
    expect(toGeminiSchema(numericEnum)).toEqual({ kind: "json", schema: numericEnum });
    expect(toGeminiSchema({ type: "object", properties: { any: {} } }).kind).toBe("json");
  });

  test("toGeminiParameters: no parameters for an empty object schema", () => {
    expect(toGeminiParameters({ type: "object", properties: {} })).toEqual({ kind: "none" });
    expect(toGeminiParameters({})).toEqual({ kind: "none" });
    expect(toGeminiParameters({ type: "object", additionalProperties: true }).kind).toBe("json");
  });
});

describe("fromGeminiSchema", () => {
  test("lower-cases types, turns nullable into a null type, int64 strings into numbers", () => {
    expect(
      fromGeminiSchema({
        type: "OBJECT",
        properties: {
          tags: { type: "ARRAY", items: { type: "STRING" }, minItems: "1", maxItems: "5" },
          mode: { type: "STRING", format: "enum", enum: ["a", "b"], nullable: true },
          level: { type: "INTEGER", format: "enum", enum: ["1", "2"] },
        },
        required: ["tags"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 5 },
        mode: { type: ["string", "null"], enum: ["a", "b", null] },
        level: { type: "integer", enum: [1, 2] },
      },
      required: ["tags"],
    });
  });

  test("a Gemini schema survives the trip to JSON Schema and back", () => {
    const gemini = {
      type: "OBJECT",
      description: "args",
      properties: {
        q: { type: "STRING", description: "query" },
        opts: { type: "OBJECT", properties: { n: { type: "INTEGER", minimum: 1 } }, required: ["n"], nullable: true },
        kind: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }] },
        list: { type: "ARRAY", items: { type: "STRING", enum: ["x", "y"] } },
      },
      required: ["q", "opts"],
      propertyOrdering: ["q", "opts", "kind", "list"],
    };
    expect(converted(fromGeminiSchema(gemini))).toEqual(gemini);
  });
});
