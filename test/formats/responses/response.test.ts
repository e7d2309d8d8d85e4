// Non-streamed Responses answers: decoding upstream `response` objects, encoding for clients (checked by the SDK).
import { afterEach, describe, expect, test } from "bun:test";
import type { CanonicalResponse } from "../../../src/canonical/response.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import { serveEncoder, type EncoderServer } from "./serve.ts";

const USAGE = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 40,
  output_tokens_details: { reasoning_tokens: 30 },
  total_tokens: 160,
};

describe("decodeResponse", () => {
  test("reasoning, text and function calls in order, usage with cached and reasoning tokens", () => {
    const res = f.decodeResponse({
      id: "resp_1",
      object: "response",
      created_at: 1700000000,
      status: "completed",
      model: "gpt-5",
      output: [
        { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "think" }], encrypted_content: "ENC" },
        {
          id: "msg_1",
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "Hello", annotations: [] }],
        },
        { id: "fc_1", type: "function_call", status: "completed", call_id: "call_1", name: "get", arguments: '{"q":1}' },
        { id: "ws_1", type: "web_search_call", status: "completed" },
      ],
      usage: USAGE,
    });
    expect(res).toEqual({
      id: "resp_1",
      model: "gpt-5",
      created: 1700000000,
      content: [
        { type: "thinking", text: "think", signature: packSignature("rs_1", "ENC") },
        { type: "text", text: "Hello" },
        { type: "tool-call", id: "call_1", name: "get", arguments: '{"q":1}' },
      ],
      finishReason: "tool-calls",
      usage: { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0, reasoningTokens: 30 },
    });
  });

  test("finish reasons from status and incomplete_details", () => {
    const base = { id: "r", created_at: 1, model: "m", output: [{ type: "message", content: [{ type: "output_text", text: "x" }] }] };
    expect(f.decodeResponse({ ...base, status: "completed" }).finishReason).toBe("stop");
    expect(f.decodeResponse({ ...base, status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }).finishReason).toBe(
      "length",
    );
    expect(f.decodeResponse({ ...base, status: "incomplete", incomplete_details: { reason: "content_filter" } }).finishReason).toBe(
      "content-filter",
    );
    const refusal = { ...base, status: "completed", output: [{ type: "message", content: [{ type: "refusal", refusal: "I can't" }] }] };
    expect(f.decodeResponse(refusal)).toMatchObject({ finishReason: "content-filter", content: [{ type: "text", text: "I can't" }] });
  });

  test("a failed response is an upstream error", () => {
    const failed = () =>
      f.decodeResponse({ id: "r", status: "failed", error: { code: "rate_limit_exceeded", message: "Slow down" }, output: [] });
    expect(failed).toThrow(GatewayError);
    expect(failed).toThrow("Slow down");
  });
});

describe("encodeResponse", () => {
  const req = f.decodeRequest({ model: "gpt-5", input: "hi", instructions: "be nice", max_output_tokens: 50, metadata: { k: "v" } });

  test("a full response object: output items, usage, request echo", () => {
    const res: CanonicalResponse = {
      id: "msg_01XYZ",
      model: "claude-sonnet-4-5",
      created: 1700000000,
      finishReason: "tool-calls",
      content: [
        { type: "thinking", text: "plan", signature: "anthropic-sig" },
        { type: "text", text: "Hel" },
        { type: "text", text: "lo" },
        { type: "tool-call", id: "toolu_1", name: "get", arguments: "{}" },
      ],
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 2, cacheWriteTokens: 1, reasoningTokens: 3 },
    };
    const out = f.encodeResponse(res, req) as any;
    expect(out).toMatchObject({
      id: "resp_msg_01XYZ",
      object: "response",
      created_at: 1700000000,
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: "be nice",
      max_output_tokens: 50,
      model: "claude-sonnet-4-5",
      previous_response_id: null,
      store: false,
      metadata: { k: "v" },
      tool_choice: "auto",
      tools: [],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 2, cache_write_tokens: 1 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 3 },
        total_tokens: 15,
      },
    });
    expect(out.output).toHaveLength(3);
    expect(out.output[0]).toMatchObject({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "plan" }],
      encrypted_content: "omniroute:thinking-signature:anthropic-sig",
    });
    expect(out.output[0].id).toMatch(/^rs_/);
    expect(out.output[1]).toMatchObject({
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "Hello", annotations: [] }],
    });
    expect(out.output[1].id).toMatch(/^msg_/);
    expect(out.output[2]).toMatchObject({ type: "function_call", status: "completed", call_id: "toolu_1", name: "get", arguments: "{}" });
    expect(out.output[2].id).toMatch(/^fc_/);

    // The client replays the reasoning item: the Anthropic signature comes back unchanged.
    const next = f.decodeRequest({
      model: "m",
      input: [out.output[0], out.output[2], { type: "function_call_output", call_id: "toolu_1", output: "ok" }],
    });
    expect(next.messages[0].content[0]).toEqual({ type: "thinking", text: "plan", signature: "anthropic-sig" });
  });

  test("length becomes an incomplete response", () => {
    const out = f.encodeResponse(
      {
        id: "resp_2",
        model: "m",
        created: 1,
        finishReason: "length",
        content: [{ type: "text", text: "cut" }],
        usage: { inputTokens: 1, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      req,
    ) as any;
    expect(out.status).toBe("incomplete");
    expect(out.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  test("a Responses upstream's reasoning round-trips through canonical with its id and encrypted_content", () => {
    const upstream = {
      id: "resp_u",
      created_at: 5,
      model: "gpt-5",
      status: "completed",
      usage: USAGE,
      output: [
        { id: "rs_keep", type: "reasoning", summary: [], encrypted_content: "gAAAAsecret" },
        {
          id: "msg_u",
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "ok", annotations: [] }],
        },
      ],
    };
    const out = f.encodeResponse(f.decodeResponse(upstream), req) as any;
    expect(out.id).toBe("resp_u");
    expect(out.output[0]).toEqual({ id: "rs_keep", type: "reasoning", summary: [], encrypted_content: "gAAAAsecret" });
  });
});

describe("the openai SDK reads encodeResponse output", () => {
  let server: EncoderServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test("responses.create({ input: 'hi' }) gives output_text and usage", async () => {
    server = serveEncoder({
      response: {
        id: "chatcmpl-1",
        model: "gpt-4o",
        created: 1700000000,
        finishReason: "stop",
        content: [{ type: "text", text: "Hi there!" }],
        usage: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    });
    const res = await server.client.responses.create({ model: "gpt-4o", input: "hi" });
    expect(res.output_text).toBe("Hi there!");
    expect(res.status).toBe("completed");
    expect(res.usage?.total_tokens).toBe(7);
    expect(server.requests[0].messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });
});
