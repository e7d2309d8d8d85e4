// Copying every table between stores (SQLite <-> PostgreSQL): the same rows come out, in one transaction, ids continue after the copy.
import { expect, test } from "bun:test";
import { asc, getTableName, is, Table } from "drizzle-orm";
import * as schema from "../../src/db/schema.ts";
import { COPIED_TABLES, copyTables, sqlName } from "../../src/db/copy-tables.ts";
import type { Store } from "../../src/db/store.ts";
import { describeEachStore, describeWithBothStores, type FreshStore } from "../support/stores.ts";

/** One or more rows in every table, with the awkward values: JSON, booleans, nulls, fractions, large ms timestamps. */
async function fill(s: Store, usageRows = 12): Promise<void> {
  const at = 1_765_000_000_000;
  const { t } = s;
  await s.db.insert(t.settings).values([
    { key: "app", value: { theme: "dark", retention: 90 }, updatedAt: at },
    { key: "auth.password", value: "argon2-of-the-source", updatedAt: at },
  ]);
  await s.db.insert(t.providerNodes).values({
    id: "n1",
    name: "Local",
    prefix: "local",
    apiType: "openai",
    baseUrl: "http://x",
    headers: "sealed",
    createdAt: at,
    updatedAt: at,
  });
  await s.db.insert(t.providerConnections).values([
    {
      id: "c1",
      provider: "openai",
      name: "main",
      authType: "api-key",
      credentials: "sealed:1",
      priority: 1,
      isActive: true,
      limits: { rpm: 60 },
      metadata: { email: "a@b" },
      createdAt: at,
      updatedAt: at,
      lastUsedAt: at + 5,
    },
    {
      id: "c2",
      provider: "claude",
      name: "sub",
      authType: "oauth",
      credentials: null,
      isActive: false,
      limits: null,
      metadata: null,
      createdAt: at,
      updatedAt: at,
    },
  ]);
  await s.db.insert(t.providerModels).values({ provider: "local", modelId: "m-1", modelName: "M 1", type: "chat", createdAt: at });
  await s.db.insert(t.combos).values({
    id: "co1",
    name: "fast",
    strategy: "priority",
    models: [{ model: "openai/gpt-4o" }, { model: "local/m-1", weight: 2 }],
    createdAt: at,
    updatedAt: at,
  });
  await s.db
    .insert(t.apiKeys)
    .values({ id: "k1", name: "dev", keyHash: "h1", keyPrefix: "sk-abc", scopes: ["chat", "manage"], createdAt: at });
  await s.db.insert(t.budgets).values({ keyId: "k1", period: "monthly", limitUsd: 12.5, warnAt: 0.75, createdAt: at });
  await s.db.insert(t.usageLog).values(
    Array.from({ length: usageRows }, (_, i) => ({
      ts: at + i * 1000,
      requestId: `r${i}`,
      keyId: i % 2 ? "k1" : null,
      endpoint: "/v1/chat/completions",
      provider: "openai",
      connectionId: "c1",
      modelRequested: "gpt-4o",
      modelServed: "gpt-4o",
      combo: null,
      attempt: 1,
      stream: i % 3 === 0,
      inputTokens: 100 + i,
      outputTokens: 7,
      costUsd: 0.000123 * (i + 1),
      latencyMs: 42,
      ttftMs: i % 2 ? 9 : null,
      status: i === 5 ? 502 : 200,
      errorClass: i === 5 ? "upstream" : null,
      cache: i === 3 ? ("hit" as const) : null,
    })),
  );
  await s.db.insert(t.usageDaily).values({
    day: "2025-12-06",
    keyId: "",
    provider: "openai",
    model: "gpt-4o",
    requests: 3,
    inputTokens: 300,
    outputTokens: 21,
    costUsd: 0.0015,
    errors: 1,
    cacheHits: 0,
  });
  await s.db
    .insert(t.usageHourly)
    .values({ hour: at - (at % 3_600_000), keyId: "k1", provider: "openai", model: "gpt-4o", requests: 2, costUsd: 0.25 });
  await s.db.insert(t.resilienceState).values({ key: "snapshot", value: { breakers: [] }, updatedAt: at });
  await s.db.insert(t.syncSpaces).values({ space: "team", salt: "c2FsdA", createdAt: at });
  await s.db
    .insert(t.syncDocuments)
    .values({ space: "team", id: "d1", kind: "combo", rev: 1, updatedAt: at, deleted: false, ciphertext: "x", receivedAt: at });
  await s.db.insert(t.configFileObjects).values({ kind: "combo", objectId: "co1", appliedAt: at });
}

/** Every copied table's rows, in key order, as plain values. */
async function dump(s: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const c of COPIED_TABLES) {
    const table = s.t[c.name] as typeof schema.settings;
    out[sqlName(c.name)] = await s.db
      .select()
      .from(table)
      .orderBy(...c.order(s.t).map((col) => asc(col)));
  }
  return out;
}

test("every table of the schema is copied", () => {
  const tables = Object.values(schema)
    .filter((v): v is typeof schema.settings => is(v, Table))
    .map((t) => getTableName(t))
    .sort();
  expect(COPIED_TABLES.map((c) => sqlName(c.name)).sort()).toEqual(tables);
});

describeEachStore("copying between stores of one dialect", (fresh: FreshStore) => {
  test("the copy equals the source, and what the target had is gone, but for the kept settings", async () => {
    const [from, to] = [await fresh(), await fresh()];
    await fill(from);
    await to.db.insert(to.t.settings).values([
      { key: "auth.password", value: "the-target's", updatedAt: 1 },
      { key: "stale", value: 1, updatedAt: 1 },
    ]);
    const counts = await copyTables(from, to, { keepSettings: ["auth.password"] });
    expect(counts.usage_log).toBe(12);
    const [a, b] = [await dump(from), await dump(to)];
    expect(b.settings).toEqual([
      { key: "app", value: { theme: "dark", retention: 90 }, updatedAt: 1_765_000_000_000 },
      { key: "auth.password", value: "the-target's", updatedAt: 1 },
    ]);
    expect({ ...b, settings: [] }).toEqual({ ...a, settings: [] });
  });
});

describeWithBothStores("moving between SQLite and PostgreSQL", (fresh) => {
  test("SQLite -> PostgreSQL -> SQLite gives back every row as it was", async () => {
    const [source, cluster, back] = [await fresh.sqlite(), await fresh.postgres(), await fresh.sqlite()];
    await fill(source, 2_345);
    const counts = await copyTables(source, cluster);
    expect(counts).toMatchObject({ usage_log: 2_345, api_keys: 1, budgets: 1, settings: 2 });
    expect(await dump(cluster)).toEqual(await dump(source));
    await copyTables(cluster, back);
    expect(await dump(back)).toEqual(await dump(source));
  });

  test("on PostgreSQL, new usage rows take ids after the copied ones", async () => {
    const [source, cluster] = [await fresh.sqlite(), await fresh.postgres()];
    await fill(source, 30);
    await copyTables(source, cluster);
    const [row] = await cluster.db
      .insert(cluster.t.usageLog)
      .values({ ts: 1, requestId: "after", endpoint: "/v1/messages", modelRequested: "x", status: 200 })
      .returning({ id: cluster.t.usageLog.id });
    expect(row?.id).toBe(31);
  });

  test("a copy that fails half-way leaves the target as it was", async () => {
    const [source, cluster] = [await fresh.sqlite(), await fresh.postgres()];
    await fill(cluster, 3);
    const before = await dump(cluster);
    await fill(source, 3);
    // A budget whose key is not there: PostgreSQL refuses it at insert (SQLite defers nothing here either).
    source.sqlite.$client.exec("PRAGMA foreign_keys = OFF");
    await source.db.insert(source.t.budgets).values({ keyId: "gone", period: "daily", limitUsd: 1 });
    await expect(copyTables(source, cluster)).rejects.toThrow();
    expect(await dump(cluster)).toEqual(before);
  });
});
