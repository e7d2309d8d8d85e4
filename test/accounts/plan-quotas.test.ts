// The guide's plan windows counted here: GLM daily, MiniMax 5-hour, Kimi monthly; shown on the Providers page, honoured by routing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let kimiA: FakeUpstream;
let kimiB: FakeUpstream;
let glm: FakeUpstream;
let cookie: string;
let first: string;

async function connect(provider: string, baseUrl: string, name: string): Promise<string> {
  const res = await gw.api("/api/providers", { body: { provider, apiKey: name, baseUrl, name, priority: name.endsWith("b") ? 2 : 1 } });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

beforeAll(async () => {
  gw = await startGateway();
  kimiA = startOpenAIUpstream({ kind: "text", text: "from A", usage: { input: 12, output: 8 } });
  kimiB = startOpenAIUpstream({ kind: "text", text: "from B", usage: { input: 12, output: 8 } });
  glm = startAnthropicUpstream({ kind: "text", text: "glm here", usage: { input: 5, output: 2 } });
  first = await connect("kimi", `${kimiA.url}/v1`, "kimi-a");
  await connect("kimi", `${kimiB.url}/v1`, "kimi-b");
  await connect("glm", glm.url, "glm-a");
  cookie = await gw.login();
});
afterAll(async () => {
  await gw.close();
  await kimiA.close();
  await kimiB.close();
  await glm.close();
});

const chat = (model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });

async function providersPage(): Promise<string> {
  const res = await fetch(`${gw.url}/dashboard/providers`, { headers: { cookie } });
  return res.text();
}

describe("plan windows counted locally", () => {
  test("Kimi monthly tokens: an account's own plan limit closes it when used up, and routing moves to the next account", async () => {
    const set = await gw.api(`/api/providers/${first}`, { method: "PUT", body: { limits: { quota: { monthly: 40 } } } });
    expect(set.status).toBe(200);
    expect((await set.json()).limits).toEqual({ quota: { monthly: 40 } });
    for (let i = 0; i < 2; i++) expect((await (await chat("kimi/kimi-latest")).json()).choices[0].message.content).toBe("from A");
    // 2 x 20 tokens: the 40-token plan is used up, so the next call goes to the other account.
    expect((await (await chat("kimi/kimi-latest")).json()).choices[0].message.content).toBe("from B");
    expect(gw.services.quotas.windowsOf(first)[0]).toMatchObject({ name: "monthly", used: 40, limit: 40, unit: "tokens", source: "local" });
    const html = await providersPage();
    expect(html).toContain("40 of 40 tokens used");
    expect(html).toContain("used up");
  });

  test("an account without its own limit uses the guide's (Kimi: 10 million tokens a month)", () => {
    const other = gw.services.quotas.all().find((a) => a.accountId !== first && a.windows[0]?.unit === "tokens");
    expect(other?.windows[0]).toMatchObject({ name: "monthly", used: 20, limit: 10_000_000 });
  });

  test("GLM daily requests: counted and shown with no limit set, never closing the account by itself", async () => {
    for (let i = 0; i < 3; i++) expect((await chat("glm/glm-4.7")).status).toBe(200);
    const [window] = gw.services.quotas.all().find((a) => a.windows[0]?.name === "daily")!.windows;
    expect(window).toMatchObject({ name: "daily", used: 3, unit: "requests", source: "local" });
    expect(window!.limit).toBeUndefined();
    expect(new Date(window!.resetsAt!).getUTCHours()).toBe(0);
    expect(await providersPage()).toContain("3 requests used (no plan limit set)");
  });

  test("the edit form offers the provider's own windows only, and saves the plan limit", async () => {
    const glmId = (await (await gw.api("/api/providers?provider=glm")).json())[0].id;
    const form = await (await fetch(`${gw.url}/dashboard/partials/connections/${glmId}/edit`, { headers: { cookie } })).text();
    expect(form).toContain('name="limits.quota.daily"');
    expect(form).not.toContain('name="limits.quota.monthly"');
    const saved = await fetch(`${gw.url}/dashboard/partials/connections/${glmId}`, {
      method: "PUT",
      headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "glm-a", baseUrl: glm.url, priority: "1", "limits.quota.daily": "4" }).toString(),
    });
    expect(saved.status).toBe(200);
    expect((await (await gw.api(`/api/providers/${glmId}`)).json()).limits).toEqual({ quota: { daily: 4 } });
    expect((await chat("glm/glm-4.7")).status).toBe(200);
    // The fourth request of the day used the plan up: the only GLM account now waits for midnight UTC.
    const refused = await chat("glm/glm-4.7");
    expect(refused.status).toBe(429);
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect((await refused.json()).error.message).toContain(`glm/glm-4.7 via "glm-a": cooling down (until ${midnight}`);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("MiniMax answers that its usage limit is reached, with no reset time: the 5-hour window it counts is used up, and the account waits for it", async () => {
    const minimax = startAnthropicUpstream({ kind: "error", status: 429, message: "usage limit exceeded for your plan" });
    try {
      const id = await connect("minimax", minimax.url, "minimax-a");
      const started = Date.now();
      const refused = await chat("minimax/MiniMax-M2");
      expect(refused.status).toBe(429);
      const window = gw.services.quotas.windowsOf(id).find((w) => w.name === "5h");
      expect(window).toMatchObject({ name: "5h", exhausted: true });
      expect(window!.resetsAt!).toBeGreaterThanOrEqual(started + 5 * 3_600_000);
      // Not the usual first backoff of a few seconds: the account cools until the window starts over.
      const cooling = gw.services.health.cooldowns.active().find((c) => c.accountId === id && c.model === null)!;
      expect(cooling.until).toBe(window!.resetsAt!);
      expect(minimax.requests).toHaveLength(1);
      expect((await chat("minimax/MiniMax-M2")).status).toBe(429);
      expect(minimax.requests).toHaveLength(1);
    } finally {
      await minimax.close();
    }
  });
});
