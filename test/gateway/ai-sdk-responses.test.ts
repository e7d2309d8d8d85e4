// The Vercel AI SDK's OpenAI Responses provider through the gateway: its strict event schema, with upstreams of every format.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { streamText } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let chat: FakeUpstream;
let responses: FakeUpstream;
let provider: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  gw = await startGateway();
  chat = startOpenAIUpstream({ kind: "text", text: "Hello" });
  responses = startResponsesUpstream({ kind: "text", text: "Hello" });
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${chat.url}/v1` } })).status).toBe(201);
  expect((await gw.api("/api/provider-nodes", { body: { name: "Responses", prefix: "resp", apiType: "responses", baseUrl: `${responses.url}/v1` } })).status).toBe(201);
  expect((await gw.api("/api/providers", { body: { provider: "resp", apiKey: "k" } })).status).toBe(201);
  provider = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.services.apiKeys.create("ai-sdk", []).key });
});
afterAll(async () => { await gw.close(); await chat.close(); await responses.close(); });

/** Every part of a streamed call, errors included (the AI SDK reports them as parts, not throws). */
async function streamParts(model: string) {
  const errors: unknown[] = [];
  const result = streamText({ model: provider.responses(model), prompt: "hi", maxRetries: 0, onError: ({ error }) => { errors.push(error); } });
  let text = "";
  for await (const part of result.fullStream) if (part.type === "text-delta") text += part.text;
  return { text, errors };
}

describe("AI SDK Responses provider: every event passes its schema", () => {
  test("a Responses upstream cut mid-answer: the SDK sees the gateway's message, not a validation error", async () => {
    responses.setScenario({ kind: "cut", text: "Partial answer here", afterChunks: 1 });
    const { text, errors } = await streamParts("resp/gpt-x");
    responses.setScenario({ kind: "text", text: "Hello" });
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    const message = String((errors[0] as { message?: string }).message ?? JSON.stringify(errors[0]));
    expect(message).toContain("broke off");
    expect(message).not.toContain("Type validation failed");
  });

  test("an OpenAI Chat upstream cut mid-answer ends in response.failed, which the SDK reads", async () => {
    chat.setScenario({ kind: "cut", text: "Partial answer here", afterChunks: 1 });
    const { errors } = await streamParts("ds/deepseek-chat");
    chat.setScenario({ kind: "text", text: "Hello" });
    gw.services.health.breakers.reset();
    const seen = JSON.stringify(errors) + errors.map((e) => String((e as { message?: string }).message)).join(" ");
    expect(seen).not.toContain("Type validation failed");
  });

  test("a whole translated stream reads as text", async () => {
    const { text, errors } = await streamParts("ds/deepseek-chat");
    expect(errors).toEqual([]);
    expect(text).toBe("Hello");
  });
});
