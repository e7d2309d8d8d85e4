// Queries run on both dialects only through the awaited builder: none may call SQLite's synchronous executors.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const QUERIES = join(import.meta.dir, "../../src/db/queries");

/** Files still on bun:sqlite's synchronous calls while issue 17 moves them (the other half of the queries); empty once merged. */
const NOT_YET_MOVED = new Set([
  "budgets.ts",
  "sync-documents.ts",
  "sync-spaces.ts",
  "usage-history.ts",
  "usage-range.ts",
  "usage-series.ts",
  "usage.ts",
]);

/**
 * `.get()`, `.all()`, `.run()`, `.values()` ending a builder chain (after a call's `)` or at a line's start), and
 * `$client`: what only bun:sqlite has, or runs synchronously on it. A Map's `wanted.values()` is not one.
 */
const SYNC_CALL = /(\)|^\s*)\.(get|all|run|values)\(\s*\)|\$client/;

test("no query under src/db/queries uses bun:sqlite's synchronous calls or its client", () => {
  const offenders: string[] = [];
  for (const file of readdirSync(QUERIES).filter((f) => f.endsWith(".ts") && !NOT_YET_MOVED.has(f))) {
    readFileSync(join(QUERIES, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (SYNC_CALL.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(offenders).toEqual([]);
});

test("the check finds a synchronous call where there is one", () => {
  expect(SYNC_CALL.test("  return db.select().from(t).all();")).toBe(true);
  expect(SYNC_CALL.test("db.$client.exec('x')")).toBe(true);
  expect(SYNC_CALL.test("    .run();")).toBe(true);
  expect(SYNC_CALL.test("  .values({ key, value })")).toBe(false);
  expect(SYNC_CALL.test("[...wanted.values()]")).toBe(false);
});
