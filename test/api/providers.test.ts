// /api/providers, /api/provider-nodes, /api/provider-models, /api/models/catalog, /api/settings.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { writeSetting } from "../../src/db/queries/settings.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
beforeAll(async () => {
  gw = await startGateway();
  upstream = startOpenAIUpstream();
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe("provider catalog", () => {
  test("lists built-in providers with format, auth and typed models", async () => {
    const catalog = await (await gw.api("/api/providers/catalog")).json();
    const ds = catalog.find((p: any) => p.alias === "ds");
    expect(ds).toMatchObject({ id: "deepseek", format: "openai-chat", authType: "api-key" });
    expect(ds.baseUrl).toStartWith("https://");
    expect(ds.models.some((m: any) => m.id === "deepseek-chat" && m.type === "chat")).toBe(true);
    for (const alias of [
      "cc",
      "cx",
      "gc",
      "gh",
      "if",
      "qw",
      "kr",
      "glm",
      "minimax",
      "kimi",
      "ds",
      "groq",
      "xai",
      "mistral",
      "pplx",
      "together",
      "fireworks",
      "cerebras",
      "cohere",
      "nvidia",
      "openai",
      "anthropic",
      "gemini",
      "openrouter",
      "deepgram",
      "assemblyai",
    ]) {
      expect(catalog.some((p: any) => p.alias === alias)).toBe(true);
    }
  });
});

describe("provider connections", () => {
  test("create, read masked, update, test, delete; the secret is sealed at rest", async () => {
    const created = await gw.api("/api/providers", {
      body: { provider: "deepseek", apiKey: "sk-live-1234567890", baseUrl: `${upstream.url}/v1`, name: "main" },
    });
    expect(created.status).toBe(201);
    const conn = await created.json();
    expect(conn.apiKey).toBe("sk-l…7890");
    expect(JSON.stringify(conn)).not.toContain("sk-live-1234567890");
    const raw = rawDatabase(gw.services).query("select credentials from provider_connections where id = ?").get(conn.id) as {
      credentials: string;
    };
    expect(raw.credentials).not.toContain("sk-live");
    expect(raw.credentials).toStartWith("v1.");

    const tested = await (await gw.api(`/api/providers/${conn.id}/test`, { body: {} })).json();
    expect(tested).toMatchObject({ ok: true });
    expect(tested.latencyMs).toBeNumber();
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer sk-live-1234567890");

    const updated = await (
      await gw.api(`/api/providers/${conn.id}`, { method: "PUT", body: { priority: 7, isActive: false, limits: { rpm: 60 } } })
    ).json();
    expect(updated).toMatchObject({ priority: 7, isActive: false, limits: { rpm: 60 } });
    expect((await gw.api(`/api/providers/${conn.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await gw.api(`/api/providers/${conn.id}`)).status).toBe(404);
  });

  test("a failing upstream makes the test answer ok:false with the provider's message", async () => {
    upstream.setScenario({ kind: "error", status: 401, message: "Incorrect API key provided" });
    const conn = await (await gw.api("/api/providers", { body: { provider: "ds", apiKey: "bad", baseUrl: `${upstream.url}/v1` } })).json();
    const tested = await (await gw.api(`/api/providers/${conn.id}/test`, { body: {} })).json();
    expect(tested.ok).toBe(false);
    expect(tested.error).toContain("401");
    expect(tested.error).toContain("Incorrect API key provided");
    upstream.setScenario({ kind: "text", text: "ok" });
    await gw.api(`/api/providers/${conn.id}`, { method: "DELETE" });
  });

  test("validation errors name the field and write nothing", async () => {
    const before = (await (await gw.api("/api/providers")).json()).length;
    const cases: Array<[unknown, string]> = [
      [{ provider: "nope", apiKey: "x" }, "provider"],
      [{ provider: "deepseek" }, "apiKey"],
      [{ provider: "deepseek", apiKey: "x", baseUrl: "ftp://x" }, "baseUrl"],
      [{ provider: "deepseek", apiKey: "x", priority: "high" }, "priority"],
      [{ provider: "deepseek", apiKey: "x", surprise: 1 }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await gw.api("/api/providers", { body });
      expect(res.status).toBe(400);
      const err = (await res.json()).error;
      if (field) expect(err.field).toBe(field);
      expect(err.message.length).toBeGreaterThan(5);
    }
    expect((await (await gw.api("/api/providers")).json()).length).toBe(before);
  });
});

describe("custom provider nodes and models", () => {
  test("a node's prefix works as a provider id and in model names; any model passes through", async () => {
    const node = await gw.api("/api/provider-nodes", {
      body: { name: "My vLLM", prefix: "myllm", apiType: "openai", baseUrl: `${upstream.url}/v1/` },
    });
    expect(node.status).toBe(201);
    expect((await node.json()).baseUrl).toBe(`${upstream.url}/v1`);
    expect((await gw.api("/api/providers", { body: { provider: "myllm", apiKey: "node-key" } })).status).toBe(201);
    expect(
      (await gw.api("/api/provider-models", { body: { provider: "myllm", modelId: "qwen2.5-coder", modelName: "Qwen Coder" } })).status,
    ).toBe(201);

    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: await gw.adminKey(), maxRetries: 0 });
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toContain("myllm/qwen2.5-coder");
    expect(ids).toContain("myllm/fake-listed-model");

    upstream.setScenario({ kind: "text", text: "from my node" });
    const out = await client.chat.completions.create({ model: "myllm/any-model-at-all", messages: [{ role: "user", content: "hi" }] });
    expect(out.choices[0]!.message.content).toBe("from my node");
    expect(upstream.requests.at(-1)!.body.model).toBe("any-model-at-all");
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer node-key");

    const catalog = await (await gw.api("/api/models/catalog")).json();
    expect(catalog.find((p: any) => p.provider === "myllm").models[0]).toMatchObject({
      id: "myllm/qwen2.5-coder",
      type: "chat",
      custom: true,
    });

    expect((await gw.api("/api/provider-models?provider=myllm&model=qwen2.5-coder", { method: "DELETE" })).status).toBe(204);
    expect((await (await gw.api("/api/provider-models?provider=myllm")).json()).length).toBe(0);
  });

  test("a prefix that collides with a built-in provider is a 409", async () => {
    const res = await gw.api("/api/provider-nodes", {
      body: { name: "x", prefix: "ds", apiType: "openai", baseUrl: "https://example.com/v1" },
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error.field).toBe("prefix");
  });
});

describe("settings", () => {
  test("PUT takes a partial object and validates it whole", async () => {
    const ok = await gw.api("/api/settings", { method: "PUT", body: { stickyRoundRobinLimit: 5, routingStrategy: "p2c" } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ stickyRoundRobinLimit: 5, routingStrategy: "p2c", requireLogin: true });
    const bad = await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "fastest", stickyRoundRobinLimit: 9 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("routingStrategy");
    expect((await (await gw.api("/api/settings")).json()).stickyRoundRobinLimit).toBe(5);
  });

  test("cost-optimized is a combo strategy, not an account one: refused for accounts, and read as fill-first when an older version stored it", async () => {
    const refused = await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "cost-optimized" } });
    expect(refused.status).toBe(400);
    const error = (await refused.json()).error;
    expect(error.field).toBe("routingStrategy");
    expect(error.message).toContain("fill-first");
    // As an older version left it in the database, and as a device on an older version syncs it.
    await writeSetting(gw.services.store, "app", {
      ...gw.services.settings.get(),
      routingStrategy: "cost-optimized",
      providerStrategies: { openai: "cost-optimized", ds: "p2c" },
      stickyRoundRobinLimit: 7,
    });
    await gw.services.settings.reload();
    expect(gw.services.settings.get()).toMatchObject({
      routingStrategy: "fill-first",
      providerStrategies: { openai: "fill-first", ds: "p2c" },
      stickyRoundRobinLimit: 7,
    });
  });
});
