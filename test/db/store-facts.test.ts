// What the System page says of the store: rows per table and the size, on SQLite and PostgreSQL; a large usage_log estimated there.
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { storeSize } from "../../src/db/store-facts.ts";
import type { Store } from "../../src/db/store.ts";
import { describeEachStore } from "../support/stores.ts";

async function addUsage(s: Store, n: number): Promise<void> {
  await s.db.insert(s.t.usageLog).values(
    Array.from({ length: n }, (_, i) => ({
      ts: 1_765_000_000_000 + i,
      requestId: `r${i}`,
      endpoint: "/v1/chat/completions",
      provider: "openai",
      modelRequested: "gpt-4o",
      attempt: 1,
      stream: false,
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0,
      latencyMs: 1,
      status: 200,
    })),
  );
}

describeEachStore("storage facts", (fresh) => {
  test("counts the rows of each table asked for, leaves out tables it lacks, and gives the database's size", async () => {
    const s = await fresh();
    await s.db.insert(s.t.combos).values([
      { id: "a", name: "a", strategy: "priority", models: [], createdAt: 1, updatedAt: 1 },
      { id: "b", name: "b", strategy: "priority", models: [], createdAt: 1, updatedAt: 1 },
    ]);
    await addUsage(s, 3);
    const size = await storeSize(s, ["combos", "usage_log", "api_keys", "no_such_table"]);
    expect(size.tables).toEqual([
      { name: "combos", rows: 2 },
      { name: "usage_log", rows: 3 },
      { name: "api_keys", rows: 0 },
    ]);
    expect(size.bytes).toBeGreaterThan(0);
    if (s.dialect === "sqlite") expect(size.walBytes).toBeNumber();
    else expect(size.walBytes).toBeUndefined();
  });

  test("a usage_log past the threshold is PostgreSQL's estimate, marked so (SQLite always counts)", async () => {
    const s = await fresh();
    await addUsage(s, 50);
    if (s.dialect === "postgres") await s.rows(sql`analyze usage_log`);
    const [usage] = (await storeSize(s, ["usage_log"], 20)).tables;
    if (s.dialect === "postgres") expect(usage).toEqual({ name: "usage_log", rows: 50, estimated: true });
    else expect(usage).toEqual({ name: "usage_log", rows: 50 });
  });
});
