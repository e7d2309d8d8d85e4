// The checks the four request validators share: a value's type, range or allowed words, failing with the
// field's path and a message in the dialect of the format's official API (each format supplies its dialect).
import type { GatewayError } from "../canonical/errors.ts";
import { validateModelId } from "../canonical/model-id.ts";

export type Json = Record<string, unknown>;
export type Expected = "string" | "integer" | "number" | "boolean" | "object" | "array" | "string or array" | "string or object";

/** How one format's official API names a field and words each kind of problem. */
export interface Dialect {
  /** `messages[0].role` (OpenAI, Google) or `messages.0.role` (Anthropic). */
  path(parent: string, key: string | number): string;
  missing(path: string): GatewayError;
  type(path: string, expected: Expected, got: unknown): GatewayError;
  oneOf(path: string, got: unknown, allowed: readonly string[]): GatewayError;
  range(path: string, got: number, bound: { min?: number; max?: number; integer: boolean }): GatewayError;
  empty(path: string): GatewayError;
}

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "a string", "an object", "null"... as error messages name what was sent. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

/** A required field that must be present (neither missing nor null). */
export function required(d: Dialect, parent: Json, key: string, parentPath = ""): unknown {
  const value = parent[key];
  if (value === undefined || value === null) throw d.missing(parentPath ? d.path(parentPath, key) : key);
  return value;
}

function at(d: Dialect, parentPath: string, key: string | number): string {
  return parentPath ? d.path(parentPath, key) : String(key);
}

/** An optional string (null counts as absent). */
export function optString(d: Dialect, value: unknown, parentPath: string, key: string | number): void {
  if (value !== undefined && value !== null && typeof value !== "string") throw d.type(at(d, parentPath, key), "string", value);
}

export function optBoolean(d: Dialect, value: unknown, parentPath: string, key: string | number): void {
  if (value !== undefined && value !== null && typeof value !== "boolean") throw d.type(at(d, parentPath, key), "boolean", value);
}

export function optObject(d: Dialect, value: unknown, parentPath: string, key: string | number): void {
  if (value !== undefined && value !== null && !isRecord(value)) throw d.type(at(d, parentPath, key), "object", value);
}

export function optArray(d: Dialect, value: unknown, parentPath: string, key: string | number): value is unknown[] {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) throw d.type(at(d, parentPath, key), "array", value);
  return true;
}

/** An optional number within [min, max]; `integer` also refuses fractions (and anything past 2^53). */
export function optNumber(
  d: Dialect,
  value: unknown,
  parentPath: string,
  key: string,
  bound: { min?: number; max?: number; integer?: boolean },
): void {
  if (value === undefined || value === null) return;
  const integer = bound.integer ?? false;
  if (typeof value !== "number" || !Number.isFinite(value)) throw d.type(at(d, parentPath, key), integer ? "integer" : "number", value);
  if (integer && !Number.isSafeInteger(value)) throw d.type(at(d, parentPath, key), "integer", value);
  if ((bound.min !== undefined && value < bound.min) || (bound.max !== undefined && value > bound.max)) {
    throw d.range(at(d, parentPath, key), value, { min: bound.min, max: bound.max, integer });
  }
}

/** An optional string that must be one of `allowed`. */
export function optOneOf(d: Dialect, value: unknown, parentPath: string, key: string | number, allowed: readonly string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") throw d.type(at(d, parentPath, key), "string", value);
  if (!allowed.includes(value)) throw d.oneOf(at(d, parentPath, key), value, allowed);
}

/** A list of strings (stop sequences). */
export function optStrings(d: Dialect, value: unknown, parentPath: string, key: string, orString: boolean): void {
  if (value === undefined || value === null) return;
  if (orString && typeof value === "string") return;
  if (!Array.isArray(value)) throw d.type(at(d, parentPath, key), orString ? "string or array" : "array", value);
  for (let i = 0; i < value.length; i++) optStringItem(d, value[i], at(d, parentPath, key), i);
}

function optStringItem(d: Dialect, value: unknown, parentPath: string, i: number): void {
  if (typeof value !== "string") throw d.type(d.path(parentPath, i), "string", value);
}

/** A short JSON-ish rendering of a sent value for an error message (never the whole of a large one). */
export function shown(value: unknown): string {
  if (typeof value === "string") return value.length > 60 ? `${value.slice(0, 60)}...` : value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "[...]" : "{...}";
}

/** `model`: required, a string, and a name that can safely become part of an upstream URL. */
export function checkModel(d: Dialect, body: Json): void {
  const model = required(d, body, "model");
  if (typeof model !== "string") throw d.type("model", "string", model);
  validateModelId(model, "model");
}
