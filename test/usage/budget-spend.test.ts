// Budgets on both dialects: the spend comes from the database's tables (at load, after a period turns, and on
// PostgreSQL from every instance's rows within a second); holds of calls in flight stay per instance.
import { expect, test } from "bun:test";
import { GatewayError } from "../../src/canonical/errors.ts";
import type { ChangeArea } from "../../src/db/change-feed.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import type { NewUsageRow } from "../../src/db/queries/usage.ts";
import type { Store } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { createBudgets, SHARED_SPEND_MAX_AGE_MS } from "../../src/usage/budgets.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeEachStore } from "../support/stores.ts";

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY) * DAY;

async function key(s: Store, id: string) {
  await s.db.insert(s.t.apiKeys).values({ id, name: id, keyHash: `hash-${id}`, keyPrefix: "sk-", scopes: [] });
}

async function spend(s: Store, keyId: string, rows: Array<{ ts: number; costUsd: number }>) {
  const writer = createUsageWriter(s);
  for (const [i, r] of rows.entries())
    writer.insert({
      requestId: `${keyId}-${r.ts}-${i}`,
      keyId,
      endpoint: "chat.completions",
      modelRequested: "m",
      status: 200,
      ...r,
    } satisfies NewUsageRow);
  await writer.flush();
}

/** The error a refused call gets, or undefined when it was let through (its hold released at once). */
async function refusal(budgets: Awaited<ReturnType<typeof createBudgets>>, keyId: string): Promise<string | undefined> {
  try {
    (await budgets.reserve(keyId, keyId, () => 0.01, "p/m")).release();
    return undefined;
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

describeEachStore("budget spend", (fresh) => {
  test("a budget's spend is read from the tables: this period's rows only, and counted on as calls settle", async () => {
    const s = await fresh();
    await key(s, "k1");
    await spend(s, "k1", [
      { ts: TODAY - 3 * DAY, costUsd: 5 }, // an earlier day: not today's
      { ts: TODAY + 1, costUsd: 0.25 },
      { ts: NOW, costUsd: 0.5 },
    ]);
    const areas: ChangeArea[] = [];
    const budgets = await createBudgets(s, { changed: (area) => areas.push(area) });
    expect(await budgets.set("k1", "daily", 1)).toMatchObject({ keyId: "k1", period: "daily", limit: 1, spent: 0.75, remaining: 0.25 });
    expect(areas).toEqual(["budgets"]);
    budgets.spend("k1", 0.2, NOW);
    budgets.spend("k1", 9, TODAY - 1); // began yesterday: not today's
    expect(budgets.list()).toMatchObject([{ spent: 0.95, exceeded: false }]);
    expect(await refusal(budgets, "k1")).toBeUndefined();
    budgets.spend("k1", 0.05, NOW);
    expect(await refusal(budgets, "k1")).toBe("budget_exceeded");

    // Another gateway (or an import) reads the same spend from the tables.
    await spend(s, "k1", [{ ts: NOW, costUsd: 0.25 }]);
    const again = await createBudgets(s);
    expect(again.list()).toMatchObject([{ keyId: "k1", spent: 1, limit: 1, exceeded: true }]);
    expect(await budgets.remove("k1", "daily")).toBe(true);
    expect(await budgets.remove("k1", "daily")).toBe(false);
    expect(areas).toEqual(["budgets", "budgets"]);
    await again.reload();
    expect(again.list()).toEqual([]);
  });

  test("when the period turns, the new one starts from the tables' rows since its start", async () => {
    const s = await fresh();
    await key(s, "k2");
    const budgets = await createBudgets(s);
    await budgets.set("k2", "daily", 1);
    budgets.spend("k2", 0.9, NOW);
    // The next day: a row already in the tables (another instance's call), then one settled here turns the period.
    await spend(s, "k2", [
      { ts: TODAY + DAY + 10, costUsd: 1.5 },
      { ts: TODAY + DAY + 20, costUsd: 0.01 },
    ]);
    budgets.spend("k2", 0.01, TODAY + DAY + 20);
    expect(budgets.list(TODAY + DAY + 30)).toMatchObject([{ spent: 0.01 }]);
    // Before the new period's first call is let through, its spend is read from the tables.
    expect(await refusal(budgets, "k2")).toBe("budget_exceeded");
    expect(budgets.list(TODAY + DAY + 30)).toMatchObject([{ spent: 1.51, exceeded: true }]);
  });
});

describeWithPostgres("budget spend across instances", (postgres) => {
  test("what another instance's calls spent is counted within a second: its budget refuses the next call", async () => {
    const url = await postgres().createDatabase();
    const a = (await openPostgresStore(url, { poolMax: 2 })).store;
    const b = (await openPostgresStore(url, { poolMax: 2 })).store;
    try {
      await key(a, "shared");
      const onA = await createBudgets(a);
      await onA.set("shared", "daily", 1);
      const onB = await createBudgets(b);
      expect(onB.list()).toMatchObject([{ keyId: "shared", limit: 1, spent: 0 }]);
      expect(await refusal(onA, "shared")).toBeUndefined();
      // Instance B serves calls worth $1.20 with this key; A has counted none of them.
      await spend(b, "shared", [
        { ts: NOW, costUsd: 0.7 },
        { ts: NOW, costUsd: 0.5 },
      ]);
      onB.spend("shared", 1.2, NOW);
      expect(await refusal(onB, "shared")).toBe("budget_exceeded");
      const started = Date.now();
      await waitUntil("A to refuse the key", async () => (await refusal(onA, "shared")) === "budget_exceeded", 5_000);
      expect(Date.now() - started).toBeLessThan(SHARED_SPEND_MAX_AGE_MS + 1_500);
      expect(onA.list()).toMatchObject([{ spent: 1.2, exceeded: true }]);
    } finally {
      await closePostgresStore(a);
      await closePostgresStore(b);
    }
  }, 30_000);
});
