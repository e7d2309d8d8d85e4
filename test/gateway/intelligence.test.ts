// Response cache, idempotency, progress frames and Settings > AI transforms, through real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let up: FakeUpstream;
let claude: FakeUpstream;
let key: string;

beforeAll(async () => {
  gw = await startGateway();
  up = startOpenAIUpstream();
  claude = startAnthropicUpstream();
  await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${up.url}/v1` } });
  await gw.api("/api/providers", { body: { provider: "anthropic", apiKey: "k", baseUrl: claude.url } });
  key = (await gw.services.apiKeys.create("intel", [])).key;
});
afterAll(async () => {
  await gw.close();
  await up.close();
  await claude.close();
});
beforeEach(async () => {
  up.setScenario({ kind: "text", text: "deterministic answer", chunks: 4 });
  up.requests.length = 0;
  await gw.api("/api/settings", { method: "PUT", body: { systemPrompt: "", thinkingBudget: 0, cache: { enabled: true, ttlSeconds: 60 } } });
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });

describe("response cache", () => {
  test("a temperature-0 request is answered from the cache the second time: no upstream call, $0, logged as a hit", async () => {
    const body = { model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user", content: "cache me" }] };
    const first = await post(body);
    expect(first.headers.get("x-omniroute-cache")).toBe("MISS");
    const firstText = await first.text();
    await Bun.sleep(10);
    const second = await post(body);
    expect(second.headers.get("x-omniroute-cache")).toBe("HIT");
    expect(await second.text()).toBe(firstText);
    expect(up.requests.length).toBe(1);
    const row = (await listUsageLogs(gw.services.store, { limit: 1 }))[0]!;
    expect(row).toMatchObject({ cache: "hit", costUsd: 0, status: 200 });
    expect((await (await gw.api("/api/health")).json()).cache.hits).toBeGreaterThanOrEqual(1);
  });

  test("streams are replayed as SSE", async () => {
    const body = { model: "ds/deepseek-chat", temperature: 0, stream: true, messages: [{ role: "user", content: "stream me" }] };
    await (await post(body)).text();
    await Bun.sleep(10);
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const final = await client.chat.completions
      .stream({ model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user", content: "stream me" }] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("deterministic answer");
    expect(up.requests.length).toBe(1);
  });

  test("X-OmniRoute-No-Cache bypasses it; non-zero temperature is never cached; errors are not cached", async () => {
    const body = { model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user", content: "bypass" }] };
    await (await post(body)).text();
    await (await post(body, { "x-omniroute-no-cache": "true" })).text();
    const warm = { ...body, temperature: 0.7 };
    await (await post(warm)).text();
    await (await post(warm)).text();
    expect(up.requests.length).toBe(4);
    up.setScenario({ kind: "error", status: 500, message: "flaky" });
    const err = { ...body, messages: [{ role: "user", content: "error case" }] };
    expect((await post(err)).status).toBe(500);
    up.setScenario({ kind: "text", text: "deterministic answer" });
    gw.services.health.breakers.reset();
    expect((await post(err)).status).toBe(200);
  });
});

describe("idempotency", () => {
  test("two identical requests 1 s apart with the same Idempotency-Key reach upstream once", async () => {
    const body = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "once" }] };
    const first = await post(body, { "idempotency-key": "abc-1" });
    const firstBody = await first.text();
    await Bun.sleep(1000);
    const second = await post(body, { "idempotency-key": "abc-1" });
    expect(second.headers.get("x-omniroute-idempotent")).toBe("true");
    expect(await second.text()).toBe(firstBody);
    expect(up.requests.length).toBe(1);
  });

  test("a duplicate that arrives while the first is running waits for it", async () => {
    up.setScenario({ kind: "text", text: "slow answer", chunks: 5, delayMs: 60 });
    const body = { model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "slow" }] };
    const [a, b] = await Promise.all([
      post(body, { "x-request-id": "req-77" }),
      Bun.sleep(50).then(() => post(body, { "x-request-id": "req-77" })),
    ]);
    expect(await b.text()).toBe(await a.text());
    expect(up.requests.length).toBe(1);
  });

  test("keys are scoped: another API key with the same Idempotency-Key is a separate request", async () => {
    const other = (await gw.services.apiKeys.create("other", [])).key;
    const body = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "scoped" }] };
    await (await post(body, { "idempotency-key": "shared" })).text();
    await (
      await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${other}`, "idempotency-key": "shared" },
        body: JSON.stringify(body),
      })
    ).text();
    expect(up.requests.length).toBe(2);
  });
});

describe("progress frames", () => {
  test("X-OmniRoute-Progress adds event: progress frames that the SDK helpers pass over", async () => {
    up.setScenario({ kind: "text", text: "a slow streamed answer", chunks: 5, delayMs: 120 });
    const raw = await (
      await post(
        { model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "p" }] },
        { "x-omniroute-progress": "true" },
      )
    ).text();
    expect(raw).toContain("event: progress");
    expect(raw).toMatch(/"tokens":\d+,"elapsed_ms":\d+/);

    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0, defaultHeaders: { "x-omniroute-progress": "true" } });
    const final = await openai.chat.completions
      .stream({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "p2" }] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("a slow streamed answer");

    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0, defaultHeaders: { "x-omniroute-progress": "true" } });
    claude.setScenario({ kind: "text", text: "claude progress", chunks: 4 });
    const message = await anthropic.messages
      .stream({ model: "ds/deepseek-chat", max_tokens: 20, messages: [{ role: "user", content: "p3" }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: "a slow streamed answer" });
    const resp = await openai.responses.stream({ model: "ds/deepseek-chat", input: "p4" }).finalResponse();
    expect(resp.output_text).toBe("a slow streamed answer");
  });
});

describe("Settings > AI", () => {
  test("a global system prompt is injected even on the same-format path", async () => {
    await gw.api("/api/settings", { method: "PUT", body: { systemPrompt: "Always answer in French." } });
    await (await post({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] })).text();
    expect(up.requests.at(-1)!.body.messages[0]).toEqual({ role: "system", content: "Always answer in French." });
  });

  test("a default thinking budget applies where the client set none, never over the client's", async () => {
    await gw.api("/api/settings", { method: "PUT", body: { thinkingBudget: 2048 } });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    await anthropic.messages.create({
      model: "anthropic/claude-sonnet-4-5-20250929",
      max_tokens: 4096,
      messages: [{ role: "user", content: "think" }],
    });
    expect(claude.requests.at(-1)!.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    await anthropic.messages.create({
      model: "anthropic/claude-sonnet-4-5-20250929",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1500 },
      messages: [{ role: "user", content: "think" }],
    });
    expect(claude.requests.at(-1)!.body.thinking).toEqual({ type: "enabled", budget_tokens: 1500 });
  });
});
