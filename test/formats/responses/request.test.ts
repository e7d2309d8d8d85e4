// Responses request decoding and encoding: string and item inputs, tools, reasoning, extras, round trips.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import codexTurn2 from "./fixtures/codex-0.169-turn2.json";

function rejects(body: unknown): GatewayError {
  try {
    f.decodeRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error("expected decodeRequest to throw");
}

/** A Codex-style multi-turn input: instructions, developer item, reasoning, calls, outputs. */
const CODEX_BODY = {
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
  tools: [
    {
      type: "function",
      name: "exec_command",
      description: "Run a command",
      parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
      strict: false,
    },
    {
      type: "custom",
      name: "apply_patch",
      description: "Apply a patch",
      format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
    },
    { type: "web_search" },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "high", summary: "auto" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "conv-1",
  text: { verbosity: "low" },
};

describe("decodeRequest", () => {
  test("a plain string input is one user message", () => {
    const req = f.decodeRequest({ model: "gpt-5", input: "hi" });
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
    expect(req.stream).toBe(false);
    expect(req.extraFormat).toBe("responses");
  });

  test("previous_response_id left in a body (the gateway expands it before decoding) is a 400 naming the field", () => {
    const err = rejects({ model: "gpt-5", input: "hi", previous_response_id: "resp_123" });
    expect(err.status).toBe(400);
    expect(err.param).toBe("previous_response_id");
    expect(err.message).toContain("whole conversation");
    // null is the SDK's "not set"
    expect(() => f.decodeRequest({ model: "gpt-5", input: "hi", previous_response_id: null })).not.toThrow();
  });

  test("bad bodies are 400s with a param", () => {
    expect(rejects({ input: "hi" }).param).toBe("model");
    expect(rejects({ model: "m" }).param).toBe("input");
    expect(rejects({ model: "m", input: 5 }).param).toBe("input");
    expect(rejects({ model: "m", input: [{ type: "message", role: "bot", content: "x" }] }).param).toBe("input[0].role");
    expect(rejects({ model: "m", input: [{ type: "item_reference", id: "msg_1" }] }).param).toBe("input[0].type");
    expect(
      rejects({ model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1", detail: "auto" }] }] }).param,
    ).toBe("input[0].content[0].file_id");
    expect(rejects({ model: "m", input: "x", text: { format: { type: "json_schema", schema: {} } } }).param).toBe("text.format.name");
  });

  test("a Codex conversation maps item by item", () => {
    const req = f.decodeRequest(CODEX_BODY);
    expect(req.model).toBe("gpt-5.2-codex");
    expect(req.stream).toBe(true);
    expect(req.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "You are Codex." }] },
      { role: "system", content: [{ type: "text", text: "sandbox: read-only" }] },
      { role: "user", content: [{ type: "text", text: "list files" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "Need ls.", signature: packSignature("rs_abc", "gAAAAenc1") },
          { type: "tool-call", id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool-result", callId: "call_1", name: "exec_command", content: [{ type: "text", text: "a.txt\nb.txt" }] }],
      },
      { role: "assistant", content: [{ type: "text", text: "Two files." }] },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ]);
    expect(req.tools).toEqual([
      {
        name: "exec_command",
        description: "Run a command",
        parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
        strict: false,
      },
    ]);
    expect(req.toolChoice).toEqual({ type: "auto" });
    expect(req.parallelToolCalls).toBe(false);
    expect(req.reasoning).toEqual({ enabled: true, effort: "high" });
    expect(req.extra).toEqual({
      tools: [CODEX_BODY.tools[1], CODEX_BODY.tools[2]],
      reasoning: { summary: "auto" },
      text: { verbosity: "low" },
      store: false,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "conv-1",
    });
  });

  test("content parts: images (URL and data:), files, refusals; developer is system", () => {
    const req = f.decodeRequest({
      model: "m",
      input: [
        { role: "developer", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "input_text", text: "look" },
            { type: "input_image", image_url: "https://x.test/a.png", detail: "high" },
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
            { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
            { type: "input_file", file_url: "https://x.test/b.pdf" },
          ],
        },
        { role: "assistant", content: [{ type: "refusal", refusal: "no" }] },
      ],
    });
    expect(req.messages[0]).toEqual({ role: "system", content: [{ type: "text", text: "be brief" }] });
    expect(req.messages[1].content).toEqual([
      { type: "text", text: "look" },
      { type: "image", source: { kind: "url", url: "https://x.test/a.png" }, detail: "high" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "auto" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
      { type: "file", mediaType: "application/octet-stream", url: "https://x.test/b.pdf" },
    ]);
    expect(req.messages[2]).toEqual({ role: "assistant", content: [{ type: "text", text: "no" }] });
  });

  test("sampling, limits, reasoning and response format map to canonical slots", () => {
    const req = f.decodeRequest({
      model: "m",
      input: "x",
      max_output_tokens: 321,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
      tool_choice: { type: "function", name: "f" },
      reasoning: { effort: "xhigh" },
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      metadata: { a: "b" },
      service_tier: "flex",
    });
    expect(req.maxTokens).toBe(321);
    expect(req.temperature).toBe(0.2);
    expect(req.topP).toBe(0.9);
    expect(req.user).toBe("u1");
    expect(req.toolChoice).toEqual({ type: "tool", name: "f" });
    expect(req.reasoning).toEqual({ enabled: true, effort: "high" });
    expect(req.extra.reasoning).toEqual({ effort: "xhigh" });
    expect(req.responseFormat).toEqual({ type: "json_schema", name: "out", schema: { type: "object" }, strict: true });
    expect(req.extra.metadata).toEqual({ a: "b" });
    expect(req.extra.service_tier).toBe("flex");
    expect(f.decodeRequest({ model: "m", input: "x", reasoning: { effort: "none" } }).reasoning).toEqual({ enabled: false });
    expect(f.decodeRequest({ model: "m", input: "x", text: { format: { type: "json_object" } } }).responseFormat).toEqual({
      type: "json_object",
    });
  });

  test("reasoning items: no encrypted_content keeps text only; foreign markers come back as they were", () => {
    const plain = f.decodeRequest({
      model: "m",
      input: [
        {
          type: "reasoning",
          id: "rs_1",
          summary: [
            { type: "summary_text", text: "a" },
            { type: "summary_text", text: "b" },
          ],
        },
        { role: "user", content: "go" },
      ],
    });
    expect(plain.messages[0]).toEqual({ role: "assistant", content: [{ type: "thinking", text: "a\n\nb" }] });

    const anthropicSig = f.decodeRequest({
      model: "m",
      input: [
        { type: "reasoning", id: "rs_x", summary: [], encrypted_content: "omniroute:thinking-signature:EqQBCkYIBxgC" },
        { role: "user", content: "go" },
      ],
    });
    expect(anthropicSig.messages[0].content).toEqual([{ type: "thinking", text: "", signature: "EqQBCkYIBxgC" }]);

    const redacted = f.decodeRequest({
      model: "m",
      input: [
        { type: "reasoning", id: "rs_y", summary: [], encrypted_content: "omniroute:redacted-thinking:ZGF0YQ==" },
        { role: "user", content: "go" },
      ],
    });
    expect(redacted.messages[0].content).toEqual([{ type: "redacted-thinking", data: "ZGF0YQ==" }]);
  });
});

describe("a real Codex CLI 0.169 request (second turn, recorded, texts trimmed)", () => {
  test("decodes: developer items are system, the call and its output pair up, hosted tools wait in extra", () => {
    const req = f.decodeRequest(codexTurn2);
    expect(req.messages.map((m) => [m.role, m.content.map((p) => p.type).join(",")])).toEqual([
      ["system", "text"],
      ["system", "text,text"],
      ["user", "text"],
      ["user", "text"],
      ["assistant", "thinking,text,tool-call"],
      ["user", "tool-result"],
    ]);
    // Its reasoning came without encrypted_content: text only, nothing to replay.
    expect(req.messages[4].content[0]).toEqual({ type: "thinking", text: "I should run echo." });
    expect(req.tools?.map((t) => t.name)).toEqual(["exec_command"]);
    expect((req.extra.tools as Array<{ type: string }>).map((t) => t.type)).toEqual(["namespace", "web_search"]);
    expect(Object.keys(req.extra).sort()).toEqual(["client_metadata", "include", "prompt_cache_key", "reasoning", "store", "tools"]);
  });

  test("re-encodes to an equivalent body; what changes is reported or documented", () => {
    const { body, dropped } = f.encodeRequest(f.decodeRequest(codexTurn2));
    // The text-only reasoning cannot be replayed statelessly.
    expect(dropped).toEqual(["thinking"]);
    // The leading developer item becomes `instructions`; server-assigned item ids are not sent.
    expect(body.instructions).toBe(codexTurn2.input[0].content![0].text);
    const input = body.input as Array<Record<string, unknown>>;
    expect(input.map((i) => i.type)).toEqual(["message", "message", "message", "message", "function_call", "function_call_output"]);
    expect(input[4]).toEqual({
      type: "function_call",
      call_id: "call_x1",
      name: "exec_command",
      arguments: '{"cmd":"echo hello-from-codex"}',
    });
    for (const key of [
      "tool_choice",
      "parallel_tool_calls",
      "reasoning",
      "store",
      "include",
      "prompt_cache_key",
      "client_metadata",
      "stream",
    ] as const) {
      expect(body[key]).toEqual(codexTurn2[key]);
    }
    // The same tools; function tools come first (the canonical list), then the ones kept in extra.
    expect(body.tools).toHaveLength(codexTurn2.tools.length);
    for (const tool of codexTurn2.tools) expect(body.tools).toContainEqual(tool);
  });
});

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
