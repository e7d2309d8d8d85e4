// Every query under src/db/queries/ goes through the Store seam: it awaits drizzle's builder (or `s.rows`), never
// SQLite's synchronous calls or the client underneath, so it runs the same on PostgreSQL.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dir, "../../src/db/queries");

/** What only SQLite's synchronous driver has: its executors (no arguments), its client, its own statements. */
const FORBIDDEN: Array<[RegExp, string]> = [
  // At the end of a builder chain (after a call, or on a line of its own): a Map's .values() is not one.
  [/(\)|^)\s*\.(get|all|run|values)\(\s*\)/, "a synchronous SQLite executor (.get(), .all(), .run(), .values())"],
  [/\$client/, "the driver's client ($client)"],
  [/\.(prepare|query)\(/, "a bun:sqlite statement (.prepare(), .query())"],
  [/from "\.\.\/client\.ts"|type Db\b/, "the SQLite database (Db) instead of a Store"],
];

test("no query under src/db/queries/ uses SQLite's synchronous calls or its client", () => {
  const offences: string[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".ts"))) {
    const lines = readFileSync(join(DIR, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) offences.push(`${file}:${i + 1} uses ${what}: ${line.trim()}`);
    });
  }
  expect(offences).toEqual([]);
});

test("the check finds what it looks for", () => {
  const sample = "const row = db.select().from(t).get();\n    .all();\nconst n = db.$client.query('select 1');";
  const found = FORBIDDEN.filter(([pattern]) => sample.split("\n").some((line) => pattern.test(line)));
  expect(found.length).toBeGreaterThanOrEqual(3);
  expect(sample.split("\n").filter((line) => FORBIDDEN[0]![0].test(line))).toHaveLength(2);
  expect(FORBIDDEN.some(([pattern]) => pattern.test("return [...byGroup.values()].sort(compare);"))).toBe(false);
  expect(FORBIDDEN.some(([pattern]) => pattern.test("  .values({ key, value })"))).toBe(false);
});
