// The Responses fast path: forwarded body rules, usage from terminal events, error frames the SDK raises.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { GatewayError } from "../../../src/canonical/errors.ts";
import { responsesPassthrough as p } from "../../../src/formats/responses/passthrough.ts";

describe("responsesPassthrough", () => {
  test("forwardBody: upstream model, store false by default, foreign reasoning removed", () => {
    const input = [
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "omniroute:thinking-signature:abc" },
      { type: "reasoning", id: "rs_2", summary: [], encrypted_content: "gAAAAopenai" },
      { role: "user", content: "hi" },
    ];
    const { body, addedUsageFrame } = p.forwardBody({ model: "cx/gpt-5", input, stream: true }, "gpt-5", true);
    expect(addedUsageFrame).toBe(false);
    expect(body).toEqual({ model: "gpt-5", stream: true, store: false, input: [input[1], input[2]] });
    expect(p.forwardBody({ model: "a", input: "x", store: true }, "b", false).body.store).toBe(true);
  });

  test("forwardBody: a Gemini signature riding in a call_id is left out for another Responses upstream", () => {
    const input = [
      { type: "function_call", call_id: "call_1__thought__CiQB+/sig==", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1__thought__CiQB+/sig==", output: "ok" },
    ];
    const sent = p.forwardBody({ model: "a", input }, "b", false).body.input as any[];
    expect(sent.map((i) => i.call_id)).toEqual(["call_1", "call_1"]);
  });

  test("forwardBody refuses previous_response_id like the translated path", () => {
    expect(() => p.forwardBody({ model: "a", input: "x", previous_response_id: "resp_1" }, "b", false)).toThrow(GatewayError);
  });

  test("usage from response.completed and from a body; errors recognised", () => {
    const usage = {
      input_tokens: 9,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 1 },
      total_tokens: 12,
    };
    expect(p.frameUsage({ type: "response.completed", response: { usage } })).toEqual({
      inputTokens: 9,
      outputTokens: 3,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      reasoningTokens: 1,
    });
    expect(p.frameUsage({ type: "response.output_text.delta", delta: "x" })).toBeUndefined();
    expect(p.responseUsage({ usage })?.inputTokens).toBe(9);
    expect(p.isErrorFrame({ type: "response.failed", response: {} })).toBe(true);
    expect(p.isErrorFrame({ type: "error", message: "x" }, "error")).toBe(true);
    expect(p.isErrorFrame({ type: "response.completed", response: {} })).toBe(false);
  });

  test("streamErrorFrames: the SDK raises it as an APIError with the message", async () => {
    const created = {
      type: "response.created",
      sequence_number: 0,
      response: { id: "resp_1", object: "response", created_at: 1, status: "in_progress", output: [] },
    };
    const body =
      `event: response.created\ndata: ${JSON.stringify(created)}\n\n` +
      p.streamErrorFrames(new GatewayError("unreachable", "The upstream stream broke off"));
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    });
    try {
      const client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "k", maxRetries: 0 });
      const err = await client.responses
        .stream({ model: "m", input: "x" })
        .finalResponse()
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.message).toContain("The upstream stream broke off");
    } finally {
      await server.stop(true);
    }
  });
});
