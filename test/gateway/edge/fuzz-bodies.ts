// A seeded generator of hostile request bodies (wrong types, missing fields, huge and deep values), so a failure
// found by the fuzz test reproduces from its seed.

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

const NUMBERS = [-7, -1, 0, 1, 2, 3.5, 16, 1024, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 0.000001];
const STRINGS = [
  "",
  "x",
  "user",
  "assistant",
  "model",
  "robot",
  "text",
  "function",
  "../..",
  "a/../b",
  "a\r\nb",
  "\u0000",
  "\ud800",
  "%",
  "%E0%A4%A",
  "漢字",
  "null",
  "{}",
  "[]",
  "http://127.0.0.1:9/v1",
  "ds/deepseek-chat",
];
const HUGE = "y".repeat(200_000);

/** A number, a string or nothing (for query strings and path parameters). */
export function anyScalar(r: Random): string {
  return String(r() < 0.4 ? pick(r, NUMBERS) : r() < 0.05 ? HUGE : pick(r, STRINGS));
}

/** Arrays nested `depth` deep around a string. */
export function deep(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Any JSON value, mostly small, sometimes huge or deep; `keys` are the field names objects are made of. */
export function anyValue(r: Random, keys: readonly string[], depth = 0): unknown {
  const roll = r();
  if (roll < 0.12) return null;
  if (roll < 0.2) return r() < 0.5;
  if (roll < 0.35) return pick(r, NUMBERS);
  if (roll < 0.55) return pick(r, STRINGS);
  if (roll < 0.58) return HUGE;
  if (roll < 0.61) return deep(pick(r, [99, 101, 150, 5_000]));
  if (depth > 3) return pick(r, STRINGS);
  if (roll < 0.78) return Array.from({ length: Math.floor(r() * 4) }, () => anyValue(r, keys, depth + 1));
  return anyObject(r, keys, depth + 1);
}

export function anyObject(r: Random, keys: readonly string[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) out[pick(r, keys)] = anyValue(r, keys, depth);
  return out;
}

/** A body that is not a JSON object at all, or not JSON. */
export function rawBody(r: Random): string {
  return pick(r, [
    "",
    " ",
    "{",
    "}",
    "null",
    "[]",
    "1",
    '"text"',
    "true",
    '{"a":',
    "[".repeat(100_000),
    '{"a":1,}',
    "\u0000\u0001",
    '{"model":"\\ud800"}',
  ]);
}

/** `base` with one field (top level, or inside its first list's first item) replaced, removed or added. */
export function mutate(r: Random, base: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const body = structuredClone(base);
  let target: Record<string, unknown> = body;
  if (r() < 0.5) {
    const lists = Object.values(body).filter((v): v is unknown[] => Array.isArray(v) && v.length > 0);
    const first = lists.length ? pick(r, lists)[0] : undefined;
    if (first && typeof first === "object" && !Array.isArray(first)) target = first as Record<string, unknown>;
  }
  const existing = Object.keys(target);
  const roll = r();
  if (roll < 0.2 && existing.length) delete target[pick(r, existing)];
  else if (roll < 0.6 && existing.length) target[pick(r, existing)] = anyValue(r, keys);
  else target[pick(r, keys)] = anyValue(r, keys);
  return body;
}
