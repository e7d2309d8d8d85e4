// LangChain's ChatAnthropic through the gateway with upstreams of other formats: it reads input tokens from message_start only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ChatAnthropic } from "@langchain/anthropic";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let openai: FakeUpstream;
let responses: FakeUpstream;
let key: string;

const PROMPT = "Count the tokens of this prompt: the quick brown fox jumps over the lazy dog, twice.";

beforeAll(async () => {
  gw = await startGateway();
  openai = startOpenAIUpstream({ kind: "text", text: "Counted.", usage: { input: 41, output: 3 } });
  responses = startResponsesUpstream({ kind: "text", text: "Counted too.", usage: { input: 43, output: 4 } });
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${openai.url}/v1` } })).status).toBe(201);
  const node = await gw.api("/api/provider-nodes", {
    body: { name: "Responses", prefix: "resp", apiType: "responses", baseUrl: `${responses.url}/v1` },
  });
  expect(node.status).toBe(201);
  expect((await gw.api("/api/providers", { body: { provider: "resp", apiKey: "k" } })).status).toBe(201);
  key = (await gw.services.apiKeys.create("langchain", [])).key;
});
afterAll(async () => {
  await gw.close();
  await openai.close();
  await responses.close();
});

async function countTokens(model: string): Promise<number> {
  const res = await fetch(`${gw.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: PROMPT }] }),
  });
  return ((await res.json()) as { input_tokens: number }).input_tokens;
}

async function streamedUsage(model: string) {
  const chat = new ChatAnthropic({ model, apiKey: key, anthropicApiUrl: gw.url, maxTokens: 64, maxRetries: 0, streaming: true });
  const message = await chat.invoke(PROMPT);
  return { text: message.content, usage: message.usage_metadata };
}

describe("LangChain ChatAnthropic", () => {
  test("an OpenAI Chat upstream: message_start carries the gateway's estimate, the same number count_tokens gives", async () => {
    const expected = await countTokens("ds/deepseek-chat");
    expect(expected).toBeGreaterThan(10);
    const { text, usage } = await streamedUsage("ds/deepseek-chat");
    expect(text).toBe("Counted.");
    expect(usage?.input_tokens).toBe(expected);
    expect(usage?.output_tokens).toBe(3);
  });

  test("a Responses upstream too; the raw stream's message_delta has the upstream's exact count", async () => {
    const expected = await countTokens("resp/gpt-x");
    const { usage } = await streamedUsage("resp/gpt-x");
    expect(usage?.input_tokens).toBe(expected);
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ model: "resp/gpt-x", max_tokens: 64, stream: true, messages: [{ role: "user", content: PROMPT }] }),
    });
    const frames = (await res.text())
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)));
    expect(frames.find((f) => f.type === "message_start").message.usage.input_tokens).toBe(expected);
    expect(frames.find((f) => f.type === "message_delta").usage).toMatchObject({ input_tokens: 43, output_tokens: 4 });
  });
});
