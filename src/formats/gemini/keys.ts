// Gemini's REST API takes proto field names in lowerCamel or snake_case; we read them all as lowerCamel.
import type { Json } from "./wire.ts";

/** The object with its own keys in lowerCamel (`inline_data` -> `inlineData`); values untouched. */
export function camelKeys(obj: Json): Json {
  let changed = false;
  for (const k of Object.keys(obj))
    if (k.includes("_")) {
      changed = true;
      break;
    }
  if (!changed) return obj;
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = k.includes("_") ? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k;
    if (!(key in out) || k === key) out[key] = v;
  }
  return out;
}
