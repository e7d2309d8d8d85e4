// Anthropic non-streamed responses, usage and stop-reason mapping, error bodies and the upstream URL.
import { describe, expect, test } from "bun:test";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { decodeUsage, encodeUsage } from "../../../src/formats/anthropic/usage.ts";
import { decodeStopReason, encodeStopReason } from "../../../src/formats/anthropic/stop-reason.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";

const req: CanonicalRequest = { model: "claude-x", messages: [], stream: false, extra: {} };

const message = {
  id: "msg_01ABC",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: [
    { type: "thinking", thinking: "Let me think.", signature: "EqQBCkYIARgCIkB" },
    { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" },
    { type: "text", text: "Calling the tool." },
    { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
    { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris", days: [1, 2] } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: {
    input_tokens: 10,
    cache_creation_input_tokens: 200,
    cache_read_input_tokens: 3000,
    output_tokens: 55,
    output_tokens_details: { thinking_tokens: 20 },
  },
};

describe("responses", () => {
  test("decodeResponse maps blocks, stop reason and usage", () => {
    const res = anthropicFormat.decodeResponse(message);
    expect(res.id).toBe("msg_01ABC");
    expect(res.model).toBe("claude-sonnet-4-5-20250929");
    expect(res.content).toEqual([
      { type: "thinking", text: "Let me think.", signature: "EqQBCkYIARgCIkB" },
      { type: "redacted-thinking", data: "EmwKAhgBEgy3va3pzix" },
      { type: "text", text: "Calling the tool." },
      { type: "tool-call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Paris","days":[1,2]}' },
    ]);
    expect(res.finishReason).toBe("tool-calls");
    expect(res.usage).toEqual({ inputTokens: 3210, outputTokens: 55, cacheReadTokens: 3000, cacheWriteTokens: 200, reasoningTokens: 20 });
    expect(res.created).toBeGreaterThan(1_700_000_000);
  });

  test("encodeResponse gives back the Anthropic message (minus blocks canonical lacks)", () => {
    const out = anthropicFormat.encodeResponse(anthropicFormat.decodeResponse(message), req) as any;
    expect(out).toEqual({
      ...message,
      content: message.content.filter((b) => b.type !== "server_tool_use"),
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 200,
        cache_read_input_tokens: 3000,
        output_tokens: 55,
        output_tokens_details: { thinking_tokens: 20 },
      },
    });
  });

  test("encodeResponse: invalid tool arguments become {}, stop sequence carried, tool calls imply tool_use", () => {
    const out = anthropicFormat.encodeResponse(
      {
        id: "chatcmpl-1",
        model: "",
        created: 1,
        finishReason: "stop",
        content: [{ type: "tool-call", id: "call_1", name: "f", arguments: "{oops" }],
        usage: { inputTokens: 5, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      req,
    ) as any;
    expect(out.model).toBe("claude-x");
    expect(out.content).toEqual([{ type: "tool_use", id: "call_1", name: "f", input: {} }]);
    expect(out.stop_reason).toBe("tool_use");
    const seq = anthropicFormat.encodeResponse(
      {
        id: "m",
        model: "x",
        created: 1,
        finishReason: "stop-sequence",
        stopSequence: "END",
        content: [{ type: "text", text: "a" }],
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      req,
    ) as any;
    expect([seq.stop_reason, seq.stop_sequence]).toEqual(["stop_sequence", "END"]);
    expect(anthropicFormat.decodeResponse(seq).stopSequence).toBe("END");
  });

  test("a body that is not a message is an upstream error", () => {
    expect(() => anthropicFormat.decodeResponse({ type: "error", error: {} })).toThrow(GatewayError);
  });
});

describe("usage", () => {
  test("canonical input includes cache reads and writes; encode subtracts them again", () => {
    const u = decodeUsage({ input_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 3 });
    expect(u).toEqual({ inputTokens: 127, outputTokens: 3, cacheReadTokens: 100, cacheWriteTokens: 20, reasoningTokens: 0 });
    expect(encodeUsage(u)).toEqual({ input_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 3 });
  });

  test("null or missing counters count as zero; never inflated", () => {
    expect(decodeUsage({ input_tokens: 4, output_tokens: 2, cache_read_input_tokens: null })).toEqual({
      inputTokens: 4,
      outputTokens: 2,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(decodeUsage(undefined).inputTokens).toBe(0);
    expect(encodeUsage({ inputTokens: 10, cacheReadTokens: 4 })).toEqual({
      input_tokens: 6,
      cache_read_input_tokens: 4,
      cache_creation_input_tokens: 0,
      output_tokens: 0,
    });
  });
});

describe("stop reasons", () => {
  test("decode", () => {
    expect(
      ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded", null].map(
        decodeStopReason,
      ),
    ).toEqual(["stop", "length", "stop-sequence", "tool-calls", "pause", "content-filter", "length", "stop"]);
  });
  test("encode", () => {
    expect(
      (["stop", "length", "stop-sequence", "tool-calls", "pause", "content-filter", "error"] as const).map((r) =>
        encodeStopReason(r, false),
      ),
    ).toEqual(["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "end_turn"]);
    expect(encodeStopReason("stop", true)).toBe("tool_use");
  });
});

describe("errors and URL", () => {
  test("encodeError uses Anthropic's error type for the status", () => {
    const cases: Array<[GatewayError, string]> = [
      [new GatewayError("invalid_request", "bad"), "invalid_request_error"],
      [new GatewayError("authentication", "who"), "authentication_error"],
      [new GatewayError("permission", "no"), "permission_error"],
      [new GatewayError("not_found", "none"), "not_found_error"],
      [new GatewayError("payload_too_large", "big"), "request_too_large"],
      [new GatewayError("rate_limit", "slow"), "rate_limit_error"],
      [new GatewayError("internal", "oops"), "api_error"],
      [new GatewayError("unavailable", "busy"), "overloaded_error"],
      [new GatewayError("upstream", "busy", { status: 529 }), "overloaded_error"],
      [new GatewayError("upstream", "bad gateway"), "api_error"],
    ];
    for (const [err, type] of cases)
      expect(anthropicFormat.encodeError(err)).toEqual({ type: "error", error: { type, message: err.message } });
  });

  test("decodeErrorMessage reads error.message, else the raw text", () => {
    expect(
      anthropicFormat.decodeErrorMessage(JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })),
    ).toBe("Overloaded");
    expect(anthropicFormat.decodeErrorMessage("<html>502</html>")).toBe("<html>502</html>");
  });

  test("upstreamUrl", () => {
    for (const base of [
      "https://api.anthropic.com",
      "https://api.anthropic.com/",
      "https://api.anthropic.com/v1",
      "https://api.anthropic.com/v1/",
    ]) {
      expect(anthropicFormat.upstreamUrl(base, "m", true)).toBe("https://api.anthropic.com/v1/messages");
    }
    expect(anthropicFormat.upstreamUrl("https://api.minimax.io/anthropic", "m", false)).toBe(
      "https://api.minimax.io/anthropic/v1/messages",
    );
  });
});
