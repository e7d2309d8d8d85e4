// Anthropic clients through the gateway: the fast path to an Anthropic upstream, translation to an OpenAI one, count_tokens.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { listUsageLogs } from "../../src/db/queries/usage.ts";

let gw: TestGateway;
let claude: FakeUpstream;
let openai: FakeUpstream;
let client: Anthropic;

beforeAll(async () => {
  gw = await startGateway();
  claude = startAnthropicUpstream({ kind: "text", text: "Hi from Claude", usage: { input: 30, output: 5, cacheRead: 10 } });
  openai = startOpenAIUpstream({ kind: "text", text: "Hi from OpenAI", usage: { input: 20, output: 4 } });
  expect((await gw.api("/api/providers", { body: { provider: "anthropic", apiKey: "sk-ant-upstream", baseUrl: claude.url } })).status).toBe(
    201,
  );
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "sk-ds", baseUrl: `${openai.url}/v1` } })).status).toBe(201);
  client = new Anthropic({ baseURL: gw.url, apiKey: (await gw.services.apiKeys.create("claude", [])).key, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await claude.close();
  await openai.close();
});

describe("Anthropic ingress", () => {
  test("fast path: same format streams through, usage tapped from message_start/message_delta", async () => {
    const message = await client.messages
      .stream({ model: "anthropic/claude-sonnet-4-5-20250929", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hi from Claude" });
    const sent = claude.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-upstream");
    expect(sent.body.model).toBe("claude-sonnet-4-5-20250929");
    await Bun.sleep(20);
    expect((await listUsageLogs(gw.services.store, { limit: 1 }))[0]).toMatchObject({
      provider: "anthropic",
      inputTokens: 30,
      cacheReadTokens: 10,
      outputTokens: 5,
      status: 200,
    });
  });

  test("translated: an Anthropic client gets an OpenAI upstream's answer in Anthropic's own stream", async () => {
    const message = await client.messages
      .stream({ model: "ds/deepseek-chat", max_tokens: 321, system: "Be brief.", messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hi from OpenAI" });
    expect(message.usage.input_tokens).toBe(20);
    expect(message.usage.output_tokens).toBe(4);
    const sent = openai.requests.at(-1)!;
    expect(sent.body.max_tokens).toBe(321);
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Be brief." });
  });

  test("translated, not streamed", async () => {
    const message = await client.messages.create({
      model: "ds/deepseek-chat",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hi from OpenAI" });
    expect(message.stop_reason).toBe("end_turn");
  });

  test("errors come back in Anthropic's shape with the upstream status", async () => {
    openai.setScenario({ kind: "error", status: 429, message: "slow down" });
    const err = await client.messages
      .create({ model: "ds/deepseek-chat", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    openai.setScenario({ kind: "text", text: "Hi from OpenAI", usage: { input: 20, output: 4 } });
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(429);
    expect(err.error.type).toBe("error");
    expect(err.error.error.type).toBe("rate_limit_error");
    expect(err.error.error.message).toContain("slow down");
  });

  test("an invalid x-api-key is a 401 in Anthropic's shape", async () => {
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "wrong", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  test("count_tokens: forwarded to an Anthropic upstream, estimated locally otherwise", async () => {
    const estimated = await client.messages.countTokens({
      model: "ds/deepseek-chat",
      messages: [{ role: "user", content: "hello there, how are you today?" }],
    });
    expect(estimated.input_tokens).toBeGreaterThan(5);
    expect(estimated.input_tokens).toBeLessThan(40);
  });
});

describe("models that cannot think", () => {
  test("Claude Code's thinking request is left out for a model the catalog marks non-reasoning, and reported", async () => {
    const gpt = startOpenAIUpstream({ kind: "text", text: "from gpt-4o" });
    try {
      await gw.api("/api/providers", { body: { provider: "openai", apiKey: "sk-openai", baseUrl: `${gpt.url}/v1` } });
      const res = await fetch(`${gw.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": await gw.adminKey(), "anthropic-version": "2023-06-01" },
        body: JSON.stringify({
          model: "openai/gpt-4o",
          max_tokens: 200,
          thinking: { type: "adaptive" },
          output_config: { effort: "high" },
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-omniroute-dropped")).toContain("reasoning");
      const sent = gpt.requests.at(-1)!.body;
      expect(sent.reasoning_effort).toBeUndefined();
      expect((await res.json()).content[0].text).toBe("from gpt-4o");
    } finally {
      await gpt.close();
    }
  });

  test("a model the catalog does not know that refuses reasoning in a 400 is asked again without it, and without it from then on", async () => {
    const strict = startOpenAIUpstream((req) =>
      req.body.reasoning_effort !== undefined
        ? { kind: "error", status: 400, message: "Unrecognized request argument supplied: reasoning_effort" }
        : { kind: "text", text: "no thinking here" },
    );
    try {
      await gw.api("/api/providers", { body: { provider: "groq", apiKey: "sk-groq", baseUrl: `${strict.url}/v1` } });
      const ask = async () =>
        fetch(`${gw.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": await gw.adminKey(), "anthropic-version": "2023-06-01" },
          body: JSON.stringify({
            model: "groq/brand-new-model",
            max_tokens: 200,
            thinking: { type: "enabled", budget_tokens: 1024 },
            messages: [{ role: "user", content: "hi" }],
          }),
        });
      const first = await ask();
      expect(first.status).toBe(200);
      expect(first.headers.get("x-omniroute-dropped")).toContain("reasoning");
      expect((await first.json()).content[0].text).toBe("no thinking here");
      expect(strict.requests.map((r) => r.body.reasoning_effort !== undefined)).toEqual([true, false]);

      const second = await ask();
      expect(second.status).toBe(200);
      expect(second.headers.get("x-omniroute-dropped")).toContain("reasoning");
      expect(strict.requests.map((r) => r.body.reasoning_effort !== undefined)).toEqual([true, false, false]);
    } finally {
      await strict.close();
    }
  });

  test("a 400 for another reason reaches the client as the upstream said it, asked once", async () => {
    const picky = startOpenAIUpstream({ kind: "error", status: 400, message: "messages[0].content: too long for this model" });
    try {
      await gw.api("/api/providers", { body: { provider: "mistral", apiKey: "sk-m", baseUrl: `${picky.url}/v1` } });
      const res = await fetch(`${gw.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": await gw.adminKey(), "anthropic-version": "2023-06-01" },
        body: JSON.stringify({
          model: "mistral/some-model",
          max_tokens: 200,
          thinking: { type: "enabled", budget_tokens: 1024 },
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain("too long for this model");
      expect(picky.requests).toHaveLength(1);
    } finally {
      await picky.close();
    }
  });
});
