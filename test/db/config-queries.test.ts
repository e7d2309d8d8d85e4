// The configuration's queries (connections, nodes, models, combos, settings, keys, snapshots, file marks) on both dialects.
import { expect, test } from "bun:test";
import { getCombo, insertCombo, listCombos, updateCombo, deleteCombo } from "../../src/db/queries/combos.ts";
import { listConfigFileObjects, replaceConfigFileObjects } from "../../src/db/queries/config-file-objects.ts";
import {
  deleteConnection,
  getConnection,
  insertConnection,
  listConnections,
  touchConnection,
  updateConnection,
} from "../../src/db/queries/connections.ts";
import { deleteApiKey, insertApiKey, listApiKeys, touchApiKey, updateApiKey, updateApiKeyHash } from "../../src/db/queries/api-keys.ts";
import {
  deleteProviderModel,
  deleteProviderModelsOf,
  listProviderModels,
  upsertProviderModel,
} from "../../src/db/queries/provider-models.ts";
import {
  deleteProviderNode,
  getProviderNode,
  insertProviderNode,
  listProviderNodes,
  setProviderNodeHeaders,
  updateProviderNode,
} from "../../src/db/queries/provider-nodes.ts";
import { readResilienceState, writeResilienceState } from "../../src/db/queries/resilience-state.ts";
import { readSetting, settingUpdatedAt, writeSetting } from "../../src/db/queries/settings.ts";
import { describeEachStore } from "../support/stores.ts";

describeEachStore("configuration queries", (fresh) => {
  test("connections: listed by provider, priority and age; updated, touched and deleted by id", async () => {
    const s = await fresh();
    const base = { authType: "api-key" as const, credentials: "sealed" };
    await insertConnection(s, { ...base, id: "b2", provider: "openai", name: "second", priority: 2, createdAt: 10 });
    await insertConnection(s, { ...base, id: "a1", provider: "anthropic", name: "only", createdAt: 30 });
    const b1 = await insertConnection(s, {
      ...base,
      id: "b1",
      provider: "openai",
      name: "first",
      priority: 1,
      createdAt: 20,
      limits: { rpm: 5, quota: { daily: 100 } },
      metadata: { email: "a@b.c", plan: { tier: 2 } },
    });
    expect(b1).toMatchObject({ isActive: true, priority: 1, limits: { rpm: 5, quota: { daily: 100 } }, lastUsedAt: null });
    expect((await listConnections(s)).map((r) => r.id)).toEqual(["a1", "b1", "b2"]);
    expect((await listConnections(s, "openai")).map((r) => r.id)).toEqual(["b1", "b2"]);
    expect(await listConnections(s, "nobody")).toEqual([]);

    const updated = await updateConnection(s, "b1", { isActive: false, metadata: { needsLogin: true } });
    expect(updated).toMatchObject({ id: "b1", isActive: false, metadata: { needsLogin: true } });
    expect(updated!.updatedAt).toBeGreaterThan(1_700_000_000_000);
    expect(await updateConnection(s, "missing", { name: "x" })).toBeUndefined();

    await touchConnection(s, "b2", 1_765_000_000_123);
    expect((await getConnection(s, "b2"))?.lastUsedAt).toBe(1_765_000_000_123);
    expect(await getConnection(s, "missing")).toBeUndefined();

    expect(await deleteConnection(s, "b2")).toBe(true);
    expect(await deleteConnection(s, "b2")).toBe(false);
    expect((await listConnections(s)).map((r) => r.id)).toEqual(["a1", "b1"]);
  });

  test("provider nodes: by prefix; headers replaced without touching updatedAt; the prefix is unique", async () => {
    const s = await fresh();
    await insertProviderNode(s, { id: "n2", name: "Zed", prefix: "zed", apiType: "anthropic", baseUrl: "http://z" });
    const n1 = await insertProviderNode(s, {
      id: "n1",
      name: "Acme",
      prefix: "acme",
      apiType: "openai",
      baseUrl: "http://a",
      headers: { "x-team": "t" },
      updatedAt: 5,
    });
    expect(n1.headers).toEqual({ "x-team": "t" });
    expect((await listProviderNodes(s)).map((n) => n.prefix)).toEqual(["acme", "zed"]);
    await setProviderNodeHeaders(s, "n1", "sealed-headers");
    expect(await getProviderNode(s, "n1")).toMatchObject({ headers: "sealed-headers", updatedAt: 5 });
    expect(await updateProviderNode(s, "n1", { name: "Acme 2" })).toMatchObject({ name: "Acme 2" });
    expect(await updateProviderNode(s, "missing", { name: "x" })).toBeUndefined();
    await expect(
      insertProviderNode(s, { id: "n3", name: "Dup", prefix: "acme", apiType: "openai", baseUrl: "http://d" }),
    ).rejects.toThrow();
    expect(await deleteProviderNode(s, "n1")).toBe(true);
    expect(await deleteProviderNode(s, "n1")).toBe(false);
    expect(await getProviderNode(s, "n1")).toBeUndefined();
  });

  test("provider models: an upsert replaces name and type; deleted one at a time or per provider", async () => {
    const s = await fresh();
    await upsertProviderModel(s, { provider: "openai", modelId: "b", modelName: "B" });
    await upsertProviderModel(s, { provider: "acme", modelId: "x", modelName: "X", type: "embedding" });
    const again = await upsertProviderModel(s, { provider: "openai", modelId: "b", modelName: "B2", type: "image" });
    expect(again).toMatchObject({ provider: "openai", modelId: "b", modelName: "B2", type: "image" });
    await upsertProviderModel(s, { provider: "openai", modelId: "a", modelName: "A" });
    expect((await listProviderModels(s)).map((m) => `${m.provider}/${m.modelId}`)).toEqual(["acme/x", "openai/a", "openai/b"]);
    expect((await listProviderModels(s, "openai")).map((m) => m.modelId)).toEqual(["a", "b"]);
    expect(await deleteProviderModel(s, "openai", "a")).toBe(true);
    expect(await deleteProviderModel(s, "openai", "a")).toBe(false);
    await deleteProviderModelsOf(s, "openai");
    expect((await listProviderModels(s)).map((m) => m.modelId)).toEqual(["x"]);
  });

  test("combos: members kept as JSON, listed by name, names unique", async () => {
    const s = await fresh();
    await insertCombo(s, { id: "c2", name: "zeta", models: [{ model: "openai/a" }] });
    const c1 = await insertCombo(s, { id: "c1", name: "alpha", strategy: "weighted", models: [{ model: "x/y", weight: 3 }] });
    expect(c1).toMatchObject({ strategy: "weighted", models: [{ model: "x/y", weight: 3 }] });
    expect((await listCombos(s)).map((c) => c.name)).toEqual(["alpha", "zeta"]);
    expect((await getCombo(s, "c2"))?.strategy).toBe("priority");
    expect(await updateCombo(s, "c2", { models: [{ model: "b/c" }, { model: "d/e" }] })).toMatchObject({
      models: [{ model: "b/c" }, { model: "d/e" }],
    });
    expect(await updateCombo(s, "missing", { name: "n" })).toBeUndefined();
    await expect(insertCombo(s, { id: "c3", name: "alpha", models: [] })).rejects.toThrow();
    expect(await deleteCombo(s, "c1")).toBe(true);
    expect(await deleteCombo(s, "c1")).toBe(false);
    expect(await getCombo(s, "c1")).toBeUndefined();
  });

  test("settings: JSON values by key, overwritten in place, with the time of the last write", async () => {
    const s = await fresh();
    expect(await readSetting(s, "app")).toBeUndefined();
    expect(await settingUpdatedAt(s, "app")).toBeUndefined();
    const before = Date.now();
    await writeSetting(s, "app", { theme: "dark", list: [1, 2], on: false });
    await writeSetting(s, "flag", true);
    expect(await readSetting(s, "app")).toEqual({ theme: "dark", list: [1, 2], on: false });
    await writeSetting(s, "app", { theme: "light" });
    expect(await readSetting(s, "app")).toEqual({ theme: "light" });
    expect(await readSetting(s, "flag")).toBe(true);
    expect(await settingUpdatedAt(s, "app")).toBeGreaterThanOrEqual(before);
  });

  test("API keys: by creation; renamed, rehashed, touched and deleted; hashes unique", async () => {
    const s = await fresh();
    await insertApiKey(s, { id: "k2", name: "two", keyHash: "h2", keyPrefix: "sk-2", scopes: [], createdAt: 20 });
    const k1 = await insertApiKey(s, { id: "k1", name: "one", keyHash: "h1", keyPrefix: "sk-1", scopes: ["manage"], createdAt: 10 });
    expect(k1).toMatchObject({ scopes: ["manage"], lastUsedAt: null });
    expect((await listApiKeys(s)).map((k) => k.id)).toEqual(["k1", "k2"]);
    expect(await updateApiKey(s, "k1", { name: "uno", scopes: ["manage", "sync"] })).toMatchObject({
      name: "uno",
      scopes: ["manage", "sync"],
    });
    expect(await updateApiKey(s, "missing", { name: "x" })).toBeUndefined();
    await updateApiKeyHash(s, "k2", "h2-new");
    await touchApiKey(s, "k2", 1_765_000_000_000);
    expect((await listApiKeys(s)).find((k) => k.id === "k2")).toMatchObject({ keyHash: "h2-new", lastUsedAt: 1_765_000_000_000 });
    await expect(insertApiKey(s, { id: "k3", name: "dup", keyHash: "h1", keyPrefix: "sk-3", scopes: [] })).rejects.toThrow();
    expect(await deleteApiKey(s, "k1")).toBe(true);
    expect(await deleteApiKey(s, "k1")).toBe(false);
  });

  test("resilience snapshots: one JSON value per key, overwritten", async () => {
    const s = await fresh();
    expect(await readResilienceState(s, "health")).toBeUndefined();
    await writeResilienceState(s, "health", { breakers: [{ id: "p", failures: 2 }], cooldowns: [] });
    await writeResilienceState(s, "health", { breakers: [], cooldowns: [{ until: 5 }] });
    await writeResilienceState(s, "quota", { a: [] });
    expect(await readResilienceState(s, "health")).toEqual({ breakers: [], cooldowns: [{ until: 5 }] });
    expect(await readResilienceState(s, "quota")).toEqual({ a: [] });
  });

  test("configuration file marks become exactly the last apply's, those already there keeping their time", async () => {
    const s = await fresh();
    await replaceConfigFileObjects(s, [
      { kind: "node", objectId: "acme" },
      { kind: "combo", objectId: "fast" },
    ]);
    const firstAt = (await s.db.select().from(s.t.configFileObjects)).find((r) => r.objectId === "acme")!.appliedAt;
    await replaceConfigFileObjects(s, [
      { kind: "node", objectId: "acme" },
      { kind: "key", objectId: "ci" },
    ]);
    expect([...(await listConfigFileObjects(s))].sort()).toEqual(["key:ci", "node:acme"]);
    expect((await s.db.select().from(s.t.configFileObjects)).find((r) => r.objectId === "acme")!.appliedAt).toBe(firstAt);
    await replaceConfigFileObjects(s, []);
    expect(await listConfigFileObjects(s)).toEqual(new Set());
  });
});
