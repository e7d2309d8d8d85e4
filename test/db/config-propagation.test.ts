// Two instances on one PostgreSQL: a configuration change made on one reaches the other's in-memory copies within a second.
import { expect, test } from "bun:test";
import { createKeyHasher } from "../../src/auth/api-key-hash.ts";
import { createApiKeyStore } from "../../src/auth/key-store.ts";
import { createSessionTokens } from "../../src/auth/session.ts";
import { ambientStore } from "../../src/db/ambient-store.ts";
import { postgresChangeFeed, type ChangeFeed } from "../../src/db/change-feed.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { reloadOnChange } from "../../src/db/reload-on-change.ts";
import type { PostgresStore } from "../../src/db/store.ts";
import { createCustomModels } from "../../src/providers/model-service.ts";
import { createComboStore } from "../../src/routing/combos.ts";
import { createSettingsStore } from "../../src/settings/store.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";

const hashKey = createKeyHasher("propagation-test-secret-0123456789");

/** One instance's configuration copies, wired as createServices wires them (publish after commit, reload on notice). */
async function instance(url: string, id: string) {
  const opened: PostgresStore = (await openPostgresStore(url, { poolMax: 3 })).store;
  const feed: ChangeFeed = await postgresChangeFeed(opened.pg, id);
  const { store, afterCommit } = ambientStore(opened);
  const changed = (area: Parameters<ChangeFeed["publish"]>[0]) => afterCommit(() => feed.publish(area));
  const keys = await createApiKeyStore(store, hashKey, undefined, changed);
  const combos = await createComboStore(store, changed);
  const settings = await createSettingsStore(store, changed);
  const models = await createCustomModels(store, changed);
  const sessions = await createSessionTokens("propagation-jwt-secret-0123456789", store, changed);
  reloadOnChange(feed, {
    connections: [],
    nodes: [],
    models: [models.reload],
    combos: [combos.reload],
    settings: [settings.reload, sessions.reload],
    keys: [keys.reload],
    budgets: [],
    pricing: [],
  });
  return {
    store,
    keys,
    combos,
    settings,
    models,
    sessions,
    async close() {
      await feed.close();
      await closePostgresStore(opened);
    },
  };
}

const withinASecond = (what: string, check: () => boolean) => waitUntil(what, async () => check(), 1_000);

describeWithPostgres("configuration across instances", (postgres) => {
  test("a key created on one instance works on the other; revoked there, it is refused within a second", async () => {
    const url = await postgres().createDatabase();
    const a = await instance(url, "a");
    const b = await instance(url, "b");
    try {
      const { row, key } = await a.keys.create("laptop", []);
      await withinASecond("B to accept the new key", () => b.keys.authenticate(key)?.id === row.id);
      expect(await a.keys.remove(row.id)).toBe(true);
      await withinASecond("B to refuse the revoked key", () => b.keys.authenticate(key) === undefined);
      expect(a.keys.authenticate(key)).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  test("combos, settings, custom models and dashboard sessions reach the other instance", async () => {
    const url = await postgres().createDatabase();
    const a = await instance(url, "a");
    const b = await instance(url, "b");
    try {
      await a.combos.create({ name: "fast", models: ["openai/gpt-4o-mini"] }, "priority");
      await a.settings.update({ usageRetentionDays: 12 });
      await a.models.upsert({ provider: "openai", modelId: "ft-1", modelName: "FT 1", type: "chat" });
      await withinASecond("B to see the combo", () => b.combos.byName("FAST")?.members[0]?.model === "openai/gpt-4o-mini");
      await withinASecond("B to see the setting", () => b.settings.get().usageRetentionDays === 12);
      await withinASecond("B to see the model", () => b.models.list("openai").some((m) => m.modelId === "ft-1"));

      // Signed in through A, the next request lands on B: the token is honoured at once (B asks the store once).
      const token = await a.sessions.issue();
      expect(await b.sessions.verify(token)).toBe(true);
      await a.sessions.revokeAll();
      await waitUntil("B to end the session", async () => !(await b.sessions.verify(token)), 1_000);
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  test("changes made inside a transaction are announced once it commits, and not at all when it rolls back", async () => {
    const url = await postgres().createDatabase();
    const a = await instance(url, "a");
    const b = await instance(url, "b");
    try {
      await a.store
        .transaction(async () => {
          await a.combos.create({ name: "never", models: ["x/y"] }, "priority");
          throw new Error("the apply found a problem");
        })
        .catch(() => undefined);
      await a.combos.reload();
      expect(a.combos.byName("never")).toBeUndefined();
      await a.store.transaction(async () => {
        await a.combos.create({ name: "both", models: ["x/y"] }, "priority");
        await a.keys.createWithKey("ci", [], "sk-ci-propagation-0123456789");
      });
      await withinASecond("B to see the combo and the key written in one transaction", () =>
        Boolean(b.combos.byName("both") && b.keys.authenticate("sk-ci-propagation-0123456789")),
      );
      expect(b.combos.byName("never")).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);
});
