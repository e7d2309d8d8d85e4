// The base URLs users copy from guides and provider docs: /v1/v1, /anthropic, /openai, @ai-sdk/google's model path, and the model-list key toggle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { generateText, streamText } from "ai";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { clientPath } from "../../src/gateway/client-paths.ts";

let gw: TestGateway;
let openai: FakeUpstream;
let key: string;

beforeAll(async () => {
  gw = await startGateway();
  openai = startOpenAIUpstream({ kind: "text", text: "Hello there", usage: { input: 9, output: 2 } });
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${openai.url}/v1` } })).status).toBe(201);
  key = (await gw.services.apiKeys.create("client", [])).key;
});
afterAll(async () => {
  await gw.close();
  await openai.close();
});

describe("base URLs clients are given", () => {
  test("Claude Code's guide recipe (/v1 in the base URL) calls /v1/v1/messages", async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const message = await client.messages
      .stream({ model: "ds/deepseek-chat", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello there" });
    const counted = await client.messages.countTokens({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "count me" }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  test("an error on a doubled path still speaks the client's format", async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const err = await client.messages
      .create({ model: "nope/none", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(404);
    expect(err.error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  test("provider-style prefixes: /anthropic and /openai/v1", async () => {
    const claude = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: key, maxRetries: 0 });
    const message = await claude.messages.create({
      model: "ds/deepseek-chat",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello there" });
    const gpt = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: key, maxRetries: 0 });
    const completion = await gpt.chat.completions.create({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]!.message.content).toBe("Hello there");
    const models = await gpt.models.list();
    expect(models.data.map((m) => m.id)).toContain("ds/deepseek-chat");
    const res = await fetch(`${gw.url}/v1/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", input: "hi" }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).output.at(-1).content[0].text).toBe("Hello there");
  });

  test("@ai-sdk/google with a model id that has a slash (/v1beta/{prefix}/{model}:generateContent)", async () => {
    const google = createGoogleGenerativeAI({ baseURL: `${gw.url}/v1beta`, apiKey: key });
    const { text, usage } = await generateText({ model: google("ds/deepseek-chat"), prompt: "hi" });
    expect(text).toBe("Hello there");
    expect(usage.inputTokens).toBe(9);
    const streamed = streamText({ model: google("ds/deepseek-chat"), prompt: "hi" });
    expect(await streamed.text).toBe("Hello there");
  });

  test("the path folding itself", () => {
    expect(clientPath("/v1/v1/messages")).toBe("/v1/messages");
    expect(clientPath("/v1beta/v1beta/models/x:generateContent")).toBe("/v1beta/models/x:generateContent");
    expect(clientPath("/anthropic/v1/messages")).toBe("/v1/messages");
    expect(clientPath("/openai/chat/completions")).toBe("/v1/chat/completions");
    expect(clientPath("/v1beta/nvidia/nvidia/llama-3.3-70b-instruct:streamGenerateContent")).toBe(
      "/v1beta/models/nvidia/nvidia/llama-3.3-70b-instruct:streamGenerateContent",
    );
    expect(clientPath("/v1beta/models/gc/gemini-2.5-pro:generateContent")).toBe("/v1beta/models/gc/gemini-2.5-pro:generateContent");
    expect(clientPath("/dashboard/providers")).toBe("/dashboard/providers");
    expect(clientPath("/anthropicx/v1/messages")).toBe("/anthropicx/v1/messages");
  });
});

describe("Settings -> Security: a key for the model list, apart from calls", () => {
  const noKey = (path: string, init?: RequestInit) => fetch(`${gw.url}${path}`, init);
  const chat = () =>
    noKey("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });

  test("on: the list needs a key while calls stay open", async () => {
    await gw.services.settings.update({ requireApiKey: false, requireApiKeyForModels: true });
    const list = await noKey("/v1/models");
    expect(list.status).toBe(401);
    expect((await list.json()).error.code).toBe("missing_api_key");
    expect((await noKey("/v1beta/models")).status).toBe(401);
    expect((await noKey("/v1/models", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await chat()).status).toBe(200);
  });

  test("off: the list is open while calls need a key; unset follows calls", async () => {
    await gw.services.settings.update({ requireApiKey: true, requireApiKeyForModels: false });
    expect((await noKey("/v1/models")).status).toBe(200);
    expect((await chat()).status).toBe(401);
    await gw.services.settings.update({ requireApiKeyForModels: null });
    expect((await noKey("/v1/models")).status).toBe(401);
    await gw.services.settings.update({ requireApiKey: null });
  });
});
