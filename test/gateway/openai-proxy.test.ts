// End to end: the openai SDK -> gateway -> a fake OpenAI-format upstream, over real HTTP and a real SQLite file.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGateway();
  upstream = startOpenAIUpstream();
  const res = await gw.api("/api/providers", { body: { provider: "ds", apiKey: "sk-upstream-secret", baseUrl: `${upstream.url}/v1` } });
  expect(res.status).toBe(201);
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: (await gw.services.apiKeys.create("sdk", [])).key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

beforeEach(() => {
  // A 429 in one test cools the account, as it should; each test starts from a healthy account.
  gw.services.health.cooldowns.reset();
  gw.services.health.breakers.reset();
  upstream.requests.length = 0;
  upstream.setScenario({ kind: "text", text: "Hello from the fake upstream.", usage: { input: 21, output: 9, cacheRead: 5 } });
});

const usageRows = () => listUsageLogs(gw.services.store, { limit: 100 });

describe("OpenAI chat through the gateway", () => {
  test("non-streaming: answer, upstream auth and model, usage row", async () => {
    const before = (await usageRows()).length;
    const completion = await client.chat.completions.create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]!.message.content).toBe("Hello from the fake upstream.");
    expect(completion.usage?.prompt_tokens).toBe(21);

    const sent = upstream.requests[0]!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-upstream-secret");
    expect(sent.body.model).toBe("deepseek-chat");
    expect(sent.body.stream).toBeUndefined();

    const rows = await usageRows();
    expect(rows.length).toBe(before + 1);
    expect(rows[0]).toMatchObject({
      provider: "deepseek",
      modelRequested: "ds/deepseek-chat",
      modelServed: "deepseek-chat",
      inputTokens: 21,
      outputTokens: 9,
      cacheReadTokens: 5,
      status: 200,
      stream: false,
    });
  });

  test("streaming via the SDK's strict helper; the usage chunk the client did not ask for stays hidden", async () => {
    const stream = client.chat.completions.stream({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] });
    const chunks: unknown[] = [];
    stream.on("chunk", (c) => chunks.push(c));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("Hello from the fake upstream.");
    expect(upstream.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((c: any) => c.choices.length === 0)).toBe(false);
    await Bun.sleep(20);
    expect((await usageRows())[0]).toMatchObject({ stream: true, inputTokens: 21, outputTokens: 9, status: 200 });
    expect((await usageRows())[0]!.ttftMs).not.toBeNull();
  });

  test("streaming with include_usage asked by the client passes the usage chunk through", async () => {
    const stream = await client.chat.completions.create({
      model: "ds/deepseek-chat",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: any;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens).toBe(21);
  });

  test("tool calls stream through intact", async () => {
    upstream.setScenario({
      kind: "tool-calls",
      calls: [
        { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { id: "call_2", name: "get_time", arguments: '{"tz":"CET"}' },
      ],
    });
    const final = await client.chat.completions
      .stream({
        model: "ds/deepseek-chat",
        messages: [{ role: "user", content: "weather?" }],
        tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
      })
      .finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((c: any) => [c.id, c.function.name, c.function.arguments])).toEqual([
      ["call_1", "get_weather", '{"city":"Paris"}'],
      ["call_2", "get_time", '{"tz":"CET"}'],
    ]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("response headers name the provider, model and request", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-omniroute-provider")).toBe("deepseek");
    expect(res.headers.get("x-omniroute-model")).toBe("ds/deepseek-chat");
    expect(res.headers.get("x-omniroute-request-id")).toBeTruthy();
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  test("no stream field and Accept */* is not a stream", async () => {
    const res = await fetch(`${gw.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "*/*" },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.headers.get("content-type")).toContain("application/json");
    expect((await res.json()).object).toBe("chat.completion");
  });

  test("upstream errors keep their status and say which provider answered what", async () => {
    upstream.setScenario({ kind: "error", status: 429, message: "Rate limit reached for requests" });
    const err = await client.chat.completions
      .create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(429);
    expect(err.message).toContain("DeepSeek");
    expect(err.message).toContain("Rate limit reached for requests");
    expect((await usageRows())[0]).toMatchObject({ status: 429 });
  });

  test("an unreachable upstream is a 502 with the reason", async () => {
    const dead = await gw.api("/api/providers", { body: { provider: "groq", apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" } });
    expect(dead.status).toBe(201);
    const err = await client.chat.completions
      .create({ model: "groq/llama-3.3-70b-versatile", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.message).toContain("could not be reached");
  });

  test("an unknown model is a 404 that says how to list models", async () => {
    const err = await client.chat.completions
      .create({ model: "nope/whatever", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(404);
    expect(err.message).toContain("/v1/models");
  });

  test("a provider without a connection is a 503 that says how to connect one", async () => {
    const err = await client.chat.completions.create({ model: "xai/grok-4", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.message).toContain("Connect an account");
  });

  test("bad JSON is a 400 in OpenAI's error shape", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.message).toContain("JSON");
    expect(body.error.type).toBeString();
  });

  // Streams go upstream by fetch, unstreamed calls by the gateway's own HTTP/1.1 client: both must hear the client leave.
  for (const stream of [true, false]) {
    test(`a client that disconnects before the answer (${stream ? "stream" : "unstreamed"}) aborts the upstream call; its usage row says 499`, async () => {
      upstream.setScenario({ kind: "hang" });
      const lastRow = (await usageRows())[0]?.id;
      const controller = new AbortController();
      const pending = fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", stream, messages: [{ role: "user", content: "hi" }] }),
        signal: controller.signal,
      }).catch(() => undefined);
      for (let i = 0; i < 50 && upstream.requests.length === 0; i++) await Bun.sleep(10);
      const abortedBefore = upstream.aborted;
      controller.abort();
      await pending;
      for (let i = 0; i < 100 && upstream.aborted === abortedBefore; i++) await Bun.sleep(10);
      expect(upstream.aborted).toBeGreaterThan(abortedBefore);
      for (let i = 0; i < 100 && (await usageRows())[0]?.id === lastRow; i++) await Bun.sleep(10);
      expect((await usageRows())[0]).toMatchObject({ status: 499, errorClass: "client_closed", stream });
    });
  }

  test("a client that leaves after the first frames stops the upstream; its usage row says 499 client_closed", async () => {
    upstream.setScenario({ kind: "text", text: "one two three four five six seven eight nine ten", chunks: 10, delayMs: 50 });
    const before = upstream.aborted;
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "count" }] }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("data: {");
    controller.abort();
    for (let i = 0; i < 100 && upstream.aborted === before; i++) await Bun.sleep(10);
    expect(upstream.aborted).toBeGreaterThan(before);
    await gw.services.usage.written();
    for (let i = 0; i < 100 && (await usageRows())[0]?.status !== 499; i++) await Bun.sleep(10);
    expect((await usageRows())[0]).toMatchObject({ status: 499, errorClass: "client_closed", stream: true });
  });

  test("an upstream cut mid-stream reaches the client as an error, not a silent end", async () => {
    upstream.setScenario({ kind: "cut", text: "partial answer that will be cut", afterChunks: 2 });
    const stream = await client.chat.completions.create({
      model: "ds/deepseek-chat",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const err = await (async () => {
      for await (const _ of stream) {
        /* read */
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toContain("broke off");
  });

  test("GET /v1/models lists models of connected providers only", async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toContain("ds/deepseek-chat");
    expect(ids.some((id) => id.startsWith("xai/"))).toBe(false);
  });
});
