// openai-chat non-streamed answers: decode from upstream bodies, encode validated by the OpenAI SDK.
import { afterAll, describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalResponse } from "../../../src/canonical/response.ts";
import { emptyUsage } from "../../../src/canonical/usage.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { startSdkServer } from "./sdk-server.ts";

describe("decodeResponse", () => {
  test("thinking first, then text, then tool calls; usage with cache and reasoning details", () => {
    const res = chat.decodeResponse({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1700000000,
      model: "deepseek-reasoner",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          logprobs: null,
          message: {
            role: "assistant",
            content: "Checking.",
            reasoning_content: "I should call the tool.",
            refusal: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "a", arguments: '{"x":1}' } },
              { id: "call_2", type: "function", function: { name: "b", arguments: "{}" } },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 60 },
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    });
    expect(res).toEqual({
      id: "chatcmpl-1",
      model: "deepseek-reasoner",
      created: 1700000000,
      finishReason: "tool-calls",
      content: [
        { type: "thinking", text: "I should call the tool." },
        { type: "text", text: "Checking." },
        { type: "tool-call", id: "call_1", name: "a", arguments: '{"x":1}' },
        { type: "tool-call", id: "call_2", name: "b", arguments: "{}" },
      ],
      usage: { inputTokens: 100, outputTokens: 40, cacheReadTokens: 60, cacheWriteTokens: 0, reasoningTokens: 25 },
    });
  });

  test("finish reasons, `reasoning`, DeepSeek cache hits, refusals", () => {
    const body = (message: object, finish: string, usage?: object) => ({
      id: "x",
      model: "m",
      created: 1,
      choices: [{ index: 0, message, finish_reason: finish }],
      usage,
    });
    expect(chat.decodeResponse(body({ content: "a" }, "length")).finishReason).toBe("length");
    expect(chat.decodeResponse(body({ content: "a" }, "content_filter")).finishReason).toBe("content-filter");
    expect(chat.decodeResponse(body({ content: "a" }, "stop")).finishReason).toBe("stop");
    // Gemini's compatible endpoint says "stop" beside tool calls.
    expect(
      chat.decodeResponse(
        body({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }, "stop"),
      ).finishReason,
    ).toBe("tool-calls");
    expect(chat.decodeResponse(body({ content: "a", reasoning: "r" }, "stop")).content[0]).toEqual({ type: "thinking", text: "r" });
    const ds = chat.decodeResponse(
      body({ content: "a" }, "stop", {
        prompt_tokens: 50,
        completion_tokens: 5,
        prompt_cache_hit_tokens: 30,
        prompt_cache_miss_tokens: 20,
      }),
    );
    expect(ds.usage).toEqual({ ...emptyUsage(), inputTokens: 50, outputTokens: 5, cacheReadTokens: 30 });
    const refused = chat.decodeResponse(body({ content: null, refusal: "No." }, "stop"));
    expect(refused.content).toEqual([{ type: "text", text: "No." }]);
    expect(refused.finishReason).toBe("content-filter");
  });

  test("an error body with status 200 is an upstream error", () => {
    expect(() => chat.decodeResponse({ error: { message: "model overloaded", type: "server_error" } })).toThrow(GatewayError);
    expect(() => chat.decodeResponse({ choices: [] })).toThrow("no choices");
  });
});

describe("encodeResponse, read by the OpenAI SDK", () => {
  const answers: CanonicalResponse[] = [];
  const server = startSdkServer(() => ({ response: answers.shift()! }));
  afterAll(() => server.close());

  test("text with thinking and usage details", async () => {
    answers.push({
      id: "msg_01",
      model: "claude-sonnet",
      created: 1700000001,
      finishReason: "stop",
      content: [
        { type: "thinking", text: "ponder", signature: "sig" },
        { type: "text", text: "Hello" },
        { type: "text", text: " world" },
      ],
      usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 5, cacheWriteTokens: 3, reasoningTokens: 4 },
    });
    // No `stream` field: the server must answer with JSON, which the SDK's create() requires.
    const completion = await server.client.chat.completions.create({ model: "gw", messages: [{ role: "user", content: "hi" }] });
    expect(server.requests.at(-1)!.stream).toBe(false);
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toBe("msg_01");
    expect(completion.choices[0].message.content).toBe("Hello world");
    expect((completion.choices[0].message as unknown as { reasoning_content: string }).reasoning_content).toBe("ponder");
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.choices[0].logprobs).toBeNull();
    expect(completion.usage).toEqual({
      prompt_tokens: 20,
      completion_tokens: 10,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 5, cache_write_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  test("tool calls only: content null, finish_reason tool_calls", async () => {
    answers.push({
      id: "r2",
      model: "m",
      created: 1,
      finishReason: "tool-calls",
      usage: emptyUsage(),
      content: [{ type: "tool-call", id: "call_9", name: "lookup", arguments: '{"q":"x"}' }],
    });
    const completion = await server.client.chat.completions.create({ model: "gw", messages: [{ role: "user", content: "hi" }] });
    const message = completion.choices[0].message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([{ id: "call_9", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }]);
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect("reasoning_content" in message).toBe(false);
  });
});
