// Strategies distribute as specified; aliases, chains, nested combos and pinned provider routes resolve as documented.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { chat, connect, keyOf } from "./support.ts";

let gw: TestGateway;
let up: FakeUpstream;

beforeAll(async () => {
  gw = await startGateway();
  up = startOpenAIUpstream();
  up.setScenario((req) => ({ kind: "text", text: `${keyOf(req)}|${req.body.model}` }));
  for (const key of ["k1", "k2", "k3"]) await connect(gw, "ds", up, key);
  await connect(gw, "groq", up, "g1");
  await connect(gw, "mistral", up, "m1");
});
afterAll(async () => {
  await gw.close();
  await up.close();
});
beforeEach(async () => {
  await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "fill-first", wildcardAliases: [], fallbackChains: [] } });
  for (const c of await (await gw.api("/api/combos")).json()) await gw.api(`/api/combos/${c.id}`, { method: "DELETE" });
});

const served = async (model: string) => {
  const res = await chat(gw, model);
  expect(res.status).toBe(200);
  return ((await res.json()).choices[0].message.content as string).split("|");
};

describe("account strategies", () => {
  test("fill-first keeps to the highest-priority account", async () => {
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push((await served("ds/deepseek-chat"))[0]);
    expect(new Set(keys)).toEqual(new Set(["k1"]));
  });

  test("round-robin is sticky: N calls per account, then the next", async () => {
    await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "round-robin", stickyRoundRobinLimit: 2 } });
    const keys = [];
    for (let i = 0; i < 8; i++) keys.push((await served("ds/deepseek-chat"))[0]);
    // The cursor carries over from earlier calls; the pattern is pairs walking k1 -> k2 -> k3.
    const pairs = [keys.slice(0, 2), keys.slice(2, 4), keys.slice(4, 6)].map((p) => p.join(","));
    for (const p of pairs) expect(["k1,k1", "k2,k2", "k3,k3"]).toContain(p);
    expect(new Set(keys)).toEqual(new Set(["k1", "k2", "k3"]));
  });

  test("a per-provider override beats the global strategy", async () => {
    await gw.api("/api/settings", {
      method: "PUT",
      body: { routingStrategy: "round-robin", stickyRoundRobinLimit: 1, providerStrategies: { deepseek: "fill-first" } },
    });
    for (let i = 0; i < 4; i++) expect((await served("ds/deepseek-chat"))[0]).toBe("k1");
    await gw.api("/api/settings", { method: "PUT", body: { providerStrategies: {} } });
  });

  test("least-used picks the account used longest ago", async () => {
    await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "least-used" } });
    const keys = [];
    for (let i = 0; i < 6; i++) keys.push((await served("ds/deepseek-chat"))[0]);
    expect(keys.slice(0, 3).sort()).toEqual(["k1", "k2", "k3"]);
    expect(keys.slice(3, 6).sort()).toEqual(["k1", "k2", "k3"]);
  });

  test("random spreads over every account", async () => {
    await gw.api("/api/settings", { method: "PUT", body: { routingStrategy: "random" } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 90; i++) {
      const k = (await served("ds/deepseek-chat"))[0]!;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const k of ["k1", "k2", "k3"]) expect(counts[k]).toBeGreaterThan(10);
  });
});

describe("combo strategies", () => {
  test("weighted distributes by weight within tolerance", async () => {
    await gw.api("/api/combos", {
      body: {
        name: "w",
        strategy: "weighted",
        models: [
          { model: "ds/deepseek-chat", weight: 3 },
          { model: "groq/llama-3.3-70b-versatile", weight: 1 },
        ],
      },
    });
    let ds = 0;
    const n = 400;
    for (let i = 0; i < n; i++) if ((await served("w"))[1] === "deepseek-chat") ds++;
    expect(ds / n).toBeGreaterThan(0.66);
    expect(ds / n).toBeLessThan(0.84);
  });

  test("round-robin rotates the first model per request", async () => {
    await gw.api("/api/combos", {
      body: { name: "rr", strategy: "round-robin", models: ["ds/deepseek-chat", "groq/llama-3.3-70b-versatile", "mistral/codestral-2501"] },
    });
    const models = [];
    for (let i = 0; i < 6; i++) models.push((await served("rr"))[1]);
    expect(models).toEqual([
      "deepseek-chat",
      "llama-3.3-70b-versatile",
      "codestral-2501",
      "deepseek-chat",
      "llama-3.3-70b-versatile",
      "codestral-2501",
    ]);
  });

  test("least-used prefers the member with the fewest recent requests", async () => {
    await gw.api("/api/combos", {
      body: { name: "lu", strategy: "least-used", models: ["mistral/codestral-2501", "mistral/mistral-large-2501"] },
    });
    for (let i = 0; i < 3; i++) await served("mistral/codestral-2501");
    expect((await served("lu"))[1]).toBe("mistral-large-2501");
    expect((await served("lu"))[1]).toBe("mistral-large-2501");
  });

  test("a combo may name another combo; a cycle is refused when saved", async () => {
    const inner = await (await gw.api("/api/combos", { body: { name: "inner", models: ["groq/llama-3.3-70b-versatile"] } })).json();
    expect((await gw.api("/api/combos", { body: { name: "outer", models: ["inner", "ds/deepseek-chat"] } })).status).toBe(201);
    expect((await served("outer"))[1]).toBe("llama-3.3-70b-versatile");
    const cycle = await gw.api(`/api/combos/${inner.id}`, { method: "PUT", body: { models: ["outer"] } });
    expect(cycle.status).toBe(400);
    expect((await cycle.json()).error.message).toContain("would contain itself");
  });

  test("a member that resolves to nothing is refused, naming it", async () => {
    const res = await gw.api("/api/combos", { body: { name: "typo", models: ["ds/deepseek-chat", "nope/model"] } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ field: "models.1" });
  });

  test("combos are listed in /v1/models as owned_by combo", async () => {
    await gw.api("/api/combos", { body: { name: "listed", models: ["ds/deepseek-chat"] } });
    const list = await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${await gw.adminKey()}` } })).json();
    expect(list.data.find((m: any) => m.id === "listed")).toMatchObject({ owned_by: "combo" });
  });
});

describe("aliases, chains and pinned routes", () => {
  test("the most specific wildcard alias wins", async () => {
    await gw.api("/api/settings", {
      method: "PUT",
      body: {
        wildcardAliases: [
          { pattern: "claude-*", target: "groq/llama-3.3-70b-versatile" },
          { pattern: "claude-sonnet-*", target: "ds/deepseek-chat" },
          { pattern: "gpt-?o", target: "mistral/codestral-2501" },
        ],
      },
    });
    expect((await served("claude-sonnet-4-5"))[1]).toBe("deepseek-chat");
    expect((await served("claude-opus-4"))[1]).toBe("llama-3.3-70b-versatile");
    expect((await served("gpt-4o"))[1]).toBe("codestral-2501");
    expect((await chat(gw, "gpt-4.1")).status).toBe(404);
  });

  test("a global fallback chain follows a failing model", async () => {
    await gw.api("/api/settings", {
      method: "PUT",
      body: { fallbackChains: [{ name: "prod", models: ["ds/deepseek-chat", "groq/llama-3.3-70b-versatile"] }] },
    });
    up.setScenario((req) =>
      req.body.model === "deepseek-chat"
        ? { kind: "error", status: 503, message: "overloaded" }
        : { kind: "text", text: `${keyOf(req)}|${req.body.model}` },
    );
    try {
      expect((await served("ds/deepseek-chat"))[1]).toBe("llama-3.3-70b-versatile");
      expect((await served("prod"))[1]).toBe("llama-3.3-70b-versatile");
    } finally {
      up.setScenario((req) => ({ kind: "text", text: `${keyOf(req)}|${req.body.model}` }));
      await gw.api("/api/resilience/reset", { body: {} });
    }
  });

  test("/v1/providers/{provider}: the prefix is added when missing; another provider's model is a 400", async () => {
    const post = (provider: string, model: string) =>
      fetch(`${gw.url}/v1/providers/${provider}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
    const ok = await post("deepseek", "deepseek-chat");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-omniroute-model")).toBe("ds/deepseek-chat");
    expect((await post("ds", "ds/deepseek-chat")).status).toBe(200);
    const mismatch = await post("deepseek", "groq/llama-3.3-70b-versatile");
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).error.message).toContain("pinned");
  });
});
