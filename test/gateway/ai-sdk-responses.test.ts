// The Vercel AI SDK's OpenAI Responses provider through the gateway: its strict event schema, with upstreams of every format.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { z } from "zod";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { createOpenAI } from "@ai-sdk/openai";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let chat: FakeUpstream;
let responses: FakeUpstream;
let claude: FakeUpstream;
let provider: ReturnType<typeof createOpenAI>;
let key: string;

beforeAll(async () => {
  gw = await startGateway();
  chat = startOpenAIUpstream({ kind: "text", text: "Hello" });
  responses = startResponsesUpstream({ kind: "text", text: "Hello" });
  expect((await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${chat.url}/v1` } })).status).toBe(201);
  expect(
    (
      await gw.api("/api/provider-nodes", {
        body: { name: "Responses", prefix: "resp", apiType: "responses", baseUrl: `${responses.url}/v1` },
      })
    ).status,
  ).toBe(201);
  expect((await gw.api("/api/providers", { body: { provider: "resp", apiKey: "k" } })).status).toBe(201);
  claude = startAnthropicUpstream();
  expect((await gw.api("/api/providers", { body: { provider: "anthropic", apiKey: "k", baseUrl: claude.url } })).status).toBe(201);
  key = (await gw.services.apiKeys.create("ai-sdk", [])).key;
  provider = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: key });
});
afterAll(async () => {
  await gw.close();
  await chat.close();
  await responses.close();
  await claude.close();
});

/** Every part of a streamed call, errors included (the AI SDK reports them as parts, not throws). */
async function streamParts(model: string) {
  const errors: unknown[] = [];
  const result = streamText({
    model: provider.responses(model),
    prompt: "hi",
    maxRetries: 0,
    onError: ({ error }) => {
      errors.push(error);
    },
  });
  let text = "";
  for await (const part of result.fullStream) if (part.type === "text-delta") text += part.text;
  return { text, errors };
}

describe("AI SDK Responses provider: every event passes its schema", () => {
  test("a Responses upstream cut mid-answer: the SDK sees the gateway's message, not a validation error", async () => {
    responses.setScenario({ kind: "cut", text: "Partial answer here", afterChunks: 1 });
    // (Whether the text before the cut arrives depends on the socket: a reset may drop bytes in flight.)
    const { errors } = await streamParts("resp/gpt-x");
    responses.setScenario({ kind: "text", text: "Hello" });
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

  test("thinking from a Claude model streams as reasoning parts the SDK accepts", async () => {
    claude.setScenario({ kind: "thinking", thinking: "Weighing it up.", signature: "sig-1", text: "Decided." });
    const result = streamText({
      model: provider.responses("anthropic/claude-sonnet-4-5-20250929"),
      prompt: "think",
      maxRetries: 0,
      providerOptions: { openai: { reasoningSummary: "auto" } },
    });
    let reasoning = "";
    const errors: unknown[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "reasoning-delta") reasoning += part.text;
      if (part.type === "error") errors.push(part.error);
    }
    expect(errors).toEqual([]);
    expect(reasoning).toBe("Weighing it up.");
    expect(await result.text).toBe("Decided.");
  });

  test("a whole translated stream reads as text", async () => {
    const { text, errors } = await streamParts("ds/deepseek-chat");
    expect(errors).toEqual([]);
    expect(text).toBe("Hello");
  });
});

/** All text the upstream saw in a Messages request, tool uses and results included. */
function anthropicTranscript(body: any): string {
  return JSON.stringify(body.messages);
}

describe("Responses state on any upstream", () => {
  const weather = tool({
    description: "Weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `Sunny in ${city}`,
  });

  for (const stream of [false, true]) {
    test(`AI SDK multi-step tool loop with a Claude model (text before the call), item_reference by default${stream ? ", streamed" : ""}`, async () => {
      claude.setScenario((req) =>
        JSON.stringify(req.body.messages).includes("Sunny in Paris")
          ? { kind: "text", text: "It is sunny in Paris." }
          : { kind: "tool-calls", text: "Let me check.", calls: [{ id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}' }] },
      );
      const before = claude.requests.length;
      const args = {
        model: provider.responses("anthropic/claude-sonnet-4-5-20250929"),
        prompt: "Weather in Paris?",
        tools: { weather },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      };
      const text = stream ? await streamText(args).text : (await generateText(args)).text;
      expect(text).toBe("It is sunny in Paris.");
      const second = claude.requests.slice(before)[1]!.body;
      // The step-2 request named the assistant's items by reference; the upstream got them whole.
      const transcript = anthropicTranscript(second);
      expect(transcript).toContain("Let me check.");
      expect(transcript).toContain("toolu_1");
      expect(transcript).toContain("Sunny in Paris");
    });
  }

  test("previous_response_id continues a conversation whatever the upstream; store:false keeps nothing; ids are per key", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    chat.setScenario({ kind: "text", text: "Nice to meet you, Ana." });
    const first = await client.responses.create({ model: "ds/deepseek-chat", input: "My name is Ana.", instructions: "Be brief." });
    chat.setScenario({ kind: "text", text: "Your name is Ana." });
    const streamed = await client.responses
      .stream({ model: "ds/deepseek-chat", input: "What is my name?", previous_response_id: first.id })
      .finalResponse();
    expect(streamed.output_text).toBe("Your name is Ana.");
    const sent = chat.requests.at(-1)!.body.messages;
    expect(sent.map((m: any) => [m.role, m.content])).toEqual([
      ["user", "My name is Ana."],
      ["assistant", "Nice to meet you, Ana."],
      ["user", "What is my name?"],
    ]);
    // A chain: the streamed answer was kept too, with its own history behind it.
    const third = await client.responses.create({
      model: "ds/deepseek-chat",
      input: "And again?",
      previous_response_id: streamed.id,
      store: false,
    });
    expect(chat.requests.at(-1)!.body.messages).toHaveLength(5);

    const unknown = await client.responses
      .create({ model: "ds/deepseek-chat", input: "x", previous_response_id: third.id })
      .catch((e) => e);
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({ param: "previous_response_id", code: "previous_response_not_found" });
    expect(unknown.message).toContain(`previous_response_id "${third.id}" is unknown or expired`);

    const other = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: (await gw.services.apiKeys.create("other", [])).key, maxRetries: 0 });
    const foreign = await other.responses.create({ model: "ds/deepseek-chat", input: "x", previous_response_id: first.id }).catch((e) => e);
    expect(foreign.status).toBe(400);
    const count = chat.requests.length;
    const ref = await client.responses
      .create({ model: "ds/deepseek-chat", input: [{ type: "item_reference", id: "msg_nope" }] })
      .catch((e) => e);
    expect(ref.status).toBe(400);
    expect(ref.error).toMatchObject({ param: "input[0].id", code: "item_not_found" });
    expect(chat.requests.length).toBe(count);
  });
});
