// Responses request encoding: canonical requests to Responses bodies; upstream URLs and errors.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import { CODEX_BODY } from "./request-support.ts";

describe("encodeRequest", () => {
  test("a decoded Codex request encodes back to the same wire items", () => {
    const { body, dropped } = f.encodeRequest(f.decodeRequest(CODEX_BODY));
    expect(dropped).toEqual([]);
    expect(body).toEqual({
      model: "gpt-5.2-codex",
      instructions: "You are Codex.",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "sandbox: read-only" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
        { type: "reasoning", id: "rs_abc", summary: [{ type: "summary_text", text: "Need ls." }], encrypted_content: "gAAAAenc1" },
        { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        { type: "function_call_output", call_id: "call_1", output: "a.txt\nb.txt" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Two files." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "thanks" }] },
      ],
      stream: true,
      store: false,
      tools: CODEX_BODY.tools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning: { effort: "high", summary: "auto" },
      text: { verbosity: "low" },
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "conv-1",
    });
  });

  test("custom tool calls and outputs round-trip as custom items", () => {
    const body = {
      model: "m",
      tools: [{ type: "custom", name: "apply_patch" }],
      input: [
        { role: "user", content: "patch it" },
        { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "c1", output: "Done" },
      ],
    };
    const req = f.decodeRequest(body);
    expect(req.messages[1].content).toEqual([{ type: "tool-call", id: "c1", name: "apply_patch", arguments: "*** Begin Patch" }]);
    expect(f.encodeRequest(req).body.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "patch it" }] },
      { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin Patch" },
      { type: "custom_tool_call_output", call_id: "c1", output: "Done" },
    ]);
  });

  test("a request from another format: extras and foreign thinking are reported, not sent", () => {
    const req: CanonicalRequest = {
      model: "gpt-5",
      stream: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "sys" }] },
        {
          role: "user",
          content: [
            { type: "text", text: "hi", cacheControl: { type: "ephemeral" } },
            { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "AAA" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "hmm", signature: "anthropic-sig" },
            { type: "redacted-thinking", data: "zzz" },
            { type: "text", text: "calling" },
            { type: "tool-call", id: "t1", name: "get", arguments: "{}" },
            { type: "tool-call", id: "t2", name: "get", arguments: '{"a":1}' },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool-result", callId: "t1", content: [{ type: "text", text: "r1" }] },
            {
              type: "tool-result",
              callId: "t2",
              content: [
                { type: "text", text: "r2" },
                { type: "image", source: { kind: "url", url: "https://x.test/i.png" } },
              ],
              isError: true,
            },
            { type: "text", text: "next" },
          ],
        },
        { role: "system", content: [{ type: "text", text: "late system" }] },
      ],
      tools: [{ name: "get", parameters: { type: "object" } }],
      toolChoice: { type: "required" },
      maxTokens: 100,
      topK: 5,
      stop: ["x"],
      reasoning: { enabled: true, budgetTokens: 4000 },
      responseFormat: { type: "json_object" },
      extra: { thinking: { type: "enabled" } },
      extraFormat: "anthropic",
    };
    const { body, dropped } = f.encodeRequest(req);
    expect(body.instructions).toBe("sys");
    expect(body.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "hi" },
          { type: "input_image", image_url: "data:image/jpeg;base64,AAA", detail: "auto" },
        ],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "calling" }] },
      { type: "function_call", call_id: "t1", name: "get", arguments: "{}" },
      { type: "function_call", call_id: "t2", name: "get", arguments: '{"a":1}' },
      { type: "function_call_output", call_id: "t1", output: "r1" },
      {
        type: "function_call_output",
        call_id: "t2",
        output: [
          { type: "input_text", text: "r2" },
          { type: "input_image", image_url: "https://x.test/i.png", detail: "auto" },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "next" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "late system" }] },
    ]);
    expect(body.tools).toEqual([{ type: "function", name: "get", parameters: { type: "object" }, strict: false }]);
    expect(body.tool_choice).toBe("required");
    expect(body.max_output_tokens).toBe(100);
    expect(body.store).toBe(false);
    expect(body.reasoning).toEqual({ effort: "medium", summary: "auto" });
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body.text).toEqual({ format: { type: "json_object" } });
    expect(body.thinking).toBeUndefined();
    // "thinking" twice over: the Anthropic extra key, and the thinking part with a foreign signature.
    expect(dropped.sort()).toEqual(["cacheControl", "redacted-thinking", "stop", "thinking", "toolResult.isError", "topK"]);
  });

  test("thinking that came from a Responses upstream is replayed as a reasoning item", () => {
    const req: CanonicalRequest = {
      model: "gpt-5",
      stream: false,
      extra: {},
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "", signature: packSignature("rs_9", "ENC") },
            { type: "text", text: "a" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "q2" }] },
      ],
    };
    const { body, dropped } = f.encodeRequest(req);
    expect(dropped).toEqual([]);
    expect((body.input as unknown[])[1]).toEqual({ type: "reasoning", id: "rs_9", summary: [], encrypted_content: "ENC" });
    expect(body.reasoning).toBeUndefined();
  });

  test("max_output_tokens is kept, raised to the API's minimum of 16 when below it", () => {
    const base: CanonicalRequest = {
      model: "m",
      stream: false,
      extra: {},
      messages: [{ role: "user", content: [{ type: "text", text: "q" }] }],
    };
    expect(f.encodeRequest({ ...base, maxTokens: 4096 }).body.max_output_tokens).toBe(4096);
    expect(f.encodeRequest({ ...base, maxTokens: 1 }).body.max_output_tokens).toBe(16);
    expect(f.encodeRequest(base).body.max_output_tokens).toBeUndefined();
  });

  test("explicitly disabled reasoning is effort none", () => {
    const req = f.decodeRequest({ model: "m", input: "x", reasoning: { effort: "none" } });
    expect(f.encodeRequest(req).body.reasoning).toEqual({ effort: "none" });
  });
});

describe("upstreamUrl and errors", () => {
  test("the SDK-style base URL gets /responses, trailing slashes tolerated", () => {
    expect(f.upstreamUrl("https://api.openai.com/v1", "gpt-5", true)).toBe("https://api.openai.com/v1/responses");
    expect(f.upstreamUrl("https://api.openai.com/v1/", "gpt-5", false)).toBe("https://api.openai.com/v1/responses");
    expect(f.upstreamUrl("https://chatgpt.com/backend-api/codex", "gpt-5", true)).toBe("https://chatgpt.com/backend-api/codex/responses");
  });

  test("errors in the OpenAI shape, and the message read back", () => {
    const err = new GatewayError("invalid_request", "bad thing", { param: "input" });
    expect(f.encodeError(err)).toEqual({ error: { message: "bad thing", type: "invalid_request_error", param: "input", code: null } });
    expect(f.encodeError(new GatewayError("rate_limit", "slow down"))).toEqual({
      error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    expect(f.decodeErrorMessage(JSON.stringify({ error: { message: "Incorrect API key", type: "invalid_request_error" } }))).toBe(
      "Incorrect API key",
    );
    expect(f.decodeErrorMessage("<html>Bad gateway</html>")).toBe("<html>Bad gateway</html>");
  });
});
