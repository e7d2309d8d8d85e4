// Responses request decoding: items, tools, reasoning, and a real Codex CLI turn.
import { describe, expect, test } from "bun:test";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";
import { packSignature } from "../../../src/formats/responses/reasoning-signature.ts";
import codexTurn2 from "./fixtures/codex-0.169-turn2.json";
import { rejects, CODEX_BODY } from "./request-support.ts";

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
