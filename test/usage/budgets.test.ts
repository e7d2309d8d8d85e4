// Costs, grouped usage and budgets that hold: priced to the cent, enforced in every format, safe under bursts.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let up: FakeUpstream;
const USAGE = { input: 200_000, output: 100_000, cacheRead: 50_000 };

beforeAll(async () => {
  gw = await startGateway();
  up = startOpenAIUpstream({ kind: "text", text: "ok", usage: USAGE });
  await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${up.url}/v1` } });
});
afterAll(async () => {
  await gw.close();
  await up.close();
});
beforeEach(() => up.setScenario({ kind: "text", text: "ok", usage: USAGE }));

async function newKey(name: string) {
  return (await (await gw.api("/api/keys", { body: { name } })).json()) as { id: string; key: string };
}

const ask = (key: string, model = "ds/deepseek-chat") =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 50 }),
  });

describe("cost", () => {
  test("matches the pricing table to the cent", async () => {
    const { key } = await newKey("cost");
    expect((await ask(key)).status).toBe(200);
    const price = DEFAULT_PRICING.deepseek!.models["deepseek-chat"]!;
    const expected = (150_000 * price.input + 50_000 * (price.cached ?? price.input) + 100_000 * price.output) / 1e6;
    const row = (await listUsageLogs(gw.services.store, { limit: 1 }))[0]!;
    expect(row.costUsd).toBeCloseTo(expected, 6);
    expect(expected).toBeGreaterThan(0.01);
  });

  test("a pricing override applies to later rows; null restores the default", async () => {
    const { key } = await newKey("override");
    const put = await gw.api("/api/pricing", { method: "PUT", body: { deepseek: { "deepseek-chat": { input: 10, output: 20 } } } });
    expect(put.status).toBe(200);
    expect((await put.json()).deepseek["deepseek-chat"]).toEqual({ input: 10, output: 20 });
    await ask(key);
    expect((await listUsageLogs(gw.services.store, { limit: 1 }))[0]!.costUsd).toBeCloseTo((200_000 * 10 + 100_000 * 20) / 1e6, 6);
    await gw.api("/api/pricing", { method: "PUT", body: { deepseek: { "deepseek-chat": null } } });
    expect((await (await gw.api("/api/pricing")).json()).deepseek["deepseek-chat"]).toEqual(
      DEFAULT_PRICING.deepseek!.models["deepseek-chat"],
    );
  });

  test("groupBy sums equal the rows", async () => {
    const rows = await listUsageLogs(gw.services.store, { limit: 500 });
    for (const groupBy of ["provider", "model", "key", "day"]) {
      const groups = await (await gw.api(`/api/usage?groupBy=${groupBy}`)).json();
      expect(groups.reduce((n: number, g: any) => n + g.requests, 0)).toBe(rows.length);
      expect(groups.reduce((n: number, g: any) => n + g.costUsd, 0)).toBeCloseTo(
        rows.reduce((n, r) => n + r.costUsd, 0),
        5,
      );
      expect(groups.reduce((n: number, g: any) => n + g.inputTokens, 0)).toBe(rows.reduce((n, r) => n + r.inputTokens, 0));
    }
    const bad = await gw.api("/api/usage?groupBy=planet");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("groupBy");
  });

  test("the request log pages newest first with a cursor", async () => {
    const { key } = await newKey("pages");
    for (let i = 0; i < 3; i++) await (await ask(key)).text();
    const first = await (await gw.api("/api/usage/logs?limit=2")).json();
    expect(first.data).toHaveLength(2);
    expect(first.data[0].id).toBeGreaterThan(first.data[1].id);
    const next = await (await gw.api(`/api/usage/logs?limit=2&cursor=${first.nextCursor}`)).json();
    expect(next.data[0].id).toBeLessThan(first.data[1].id);
  });
});

describe("budgets", () => {
  test("a $0.01 budget stops the next request in every format, saying which budget, how much and when it resets", async () => {
    const { id, key } = await newKey("ci");
    const set = await gw.api("/api/usage/budget", { body: { keyId: id, limit: 0.01, period: "monthly" } });
    expect(set.status).toBe(201);
    expect((await ask(key)).status).toBe(200); // costs more than a cent
    const status = (await (await gw.api("/api/usage/budget")).json()).find((b: any) => b.keyId === id);
    expect(status).toMatchObject({ limit: 0.01, period: "monthly", exceeded: true, remaining: 0 });
    expect(status.resetsAt).toMatch(/^\d{4}-\d{2}-01T00:00:00/);

    const before = up.requests.length;
    const message = /Monthly budget exceeded for key "ci": \$\d+\.\d{2,4} of \$0\.01 spent; resets \d{4}-\d{2}-01T00:00:00Z/;
    const openai = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions
      .create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(openai.status).toBe(429);
    expect(openai.message).toMatch(message);
    const claude = await new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 }).messages
      .create({ model: "ds/deepseek-chat", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(claude.status).toBe(429);
    expect(claude.error.error.type).toBe("rate_limit_error");
    expect(claude.error.error.message).toMatch(message);
    const responses = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).responses
      .create({ model: "ds/deepseek-chat", input: "hi" })
      .catch((e) => e);
    expect(responses.status).toBe(429);
    expect(responses.message).toMatch(message);
    const gemini = await new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gw.url } }).models
      .generateContent({ model: "ds/deepseek-chat", contents: "hi" })
      .catch((e) => e);
    expect(gemini.status).toBe(429);
    expect(String(gemini.message).replaceAll('\\"', '"')).toMatch(message);
    expect(up.requests.length).toBe(before);
  });

  test("a burst of 50 on a $0.10 budget at ~$0.015 a call is served while the budget can pay, overshoots by one call at most, and refusals name what was spent", async () => {
    const { id, key } = await newKey("burst");
    const usage = { input: 10_000, output: 29_000 };
    const price = DEFAULT_PRICING.deepseek!.models["deepseek-chat"]!;
    const one = (usage.input * price.input + usage.output * price.output) / 1e6;
    expect(one).toBeCloseTo(0.015, 3);
    const limit = 0.1;
    const affordable = Math.floor(limit / one); // 6
    // Streams that take a while, so the calls really are in flight together.
    up.setScenario({ kind: "text", text: "one two three", usage, delayMs: 15, chunks: 3 });
    await gw.api("/api/usage/budget", { body: { keyId: id, limit, period: "daily" } });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({
            model: "ds/deepseek-chat",
            stream: true,
            max_tokens: 32_000,
            messages: [{ role: "user", content: "hi" }],
          }),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    const served = answers.filter((a) => a.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(affordable - 1);
    expect(served.length).toBeLessThanOrEqual(affordable + 1);
    for (const a of served) expect(a.text).toContain("[DONE]");
    const status = (await (await gw.api("/api/usage/budget")).json()).find((b: any) => b.keyId === id);
    expect(status.spent).toBeCloseTo(served.length * one, 6);
    expect(status.spent).toBeLessThanOrEqual(limit + one + 1e-9);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBe(50 - served.length);
    for (const a of refused) {
      expect(a.status).toBe(429);
      const error = JSON.parse(a.text).error;
      expect(error.code).toBe("budget_exceeded");
      // The figure a refusal names is what the key had really spent, not what calls in flight held.
      const named = Number(/: \$(\d+\.\d+) of \$0\.10 spent/.exec(error.message)![1]);
      expect(named).toBeCloseTo(status.spent, 4);
    }
  });

  test("raising the limit lets a key that was refused through again at once", async () => {
    const { id, key } = await newKey("raise");
    await gw.api("/api/usage/budget", { body: { keyId: id, limit: 0.01, period: "weekly" } });
    expect((await ask(key)).status).toBe(200);
    expect((await ask(key)).status).toBe(429);
    await gw.api("/api/usage/budget", { body: { keyId: id, limit: 100, period: "weekly" } });
    expect((await ask(key)).status).toBe(200);
  });

  test("a budget for an unknown key is a 400; anonymous calls have no budget", async () => {
    const res = await gw.api("/api/usage/budget", { body: { keyId: "nope", limit: 1, period: "daily" } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe("keyId");
  });
});
