// Anthropic request decoding: messages, content blocks, tools, thinking, a Claude Code-like body.
import { describe, expect, test } from "bun:test";
import { canonical, thrown, claudeCodeLike, decodeRequest, encodeRequest } from "./request-support.ts";

describe("decodeRequest", () => {
  const req = decodeRequest(structuredClone(claudeCodeLike));

  test("maps top-level fields", () => {
    expect(req.model).toBe("claude-sonnet-4-5");
    expect(req.maxTokens).toBe(32000);
    expect(req.stream).toBe(true);
    expect(req.temperature).toBe(1);
    expect(req.stop).toEqual(["\n\nHuman:"]);
    expect(req.user).toBe("user_123");
    expect(req.reasoning).toEqual({ enabled: true, budgetTokens: 10000 });
    expect(req.toolChoice).toEqual({ type: "auto" });
    expect(req.parallelToolCalls).toBe(false);
    expect(req.extraFormat).toBe("anthropic");
    expect(req.extra.context_management).toEqual({ edits: [] });
  });

  test("system blocks keep cache_control and role:system turns keep their place", () => {
    expect(req.messages[0]).toEqual({
      role: "system",
      content: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Project rules.", cacheControl: { type: "ephemeral" } },
      ],
    });
    expect(req.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "system", "user"]);
    expect(req.messages[4].content).toEqual([{ type: "text", text: "Reminder: be brief." }]);
  });

  test("content blocks become canonical parts", () => {
    expect(req.messages[1].content).toEqual([{ type: "text", text: "List files" }]);
    expect(req.messages[2].content).toEqual([
      { type: "thinking", text: "I should run ls.", signature: "sig-abc" },
      { type: "redacted-thinking", data: "opaque==" },
      { type: "text", text: "Running ls." },
      { type: "tool-call", id: "toolu_1", name: "Bash", arguments: '{"command":"ls"}' },
    ]);
    expect(req.messages[3].content).toEqual([
      { type: "tool-result", callId: "toolu_1", content: [{ type: "text", text: "a.ts\nb.ts" }] },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
      { type: "image", source: { kind: "url", url: "https://x.test/cat.png" } },
      { type: "file", mediaType: "application/pdf", data: "JVBER", filename: "spec.pdf" },
    ]);
    expect(req.messages[5].content).toEqual([
      { type: "tool-result", callId: "toolu_2", content: [{ type: "text", text: "boom" }], isError: true },
    ]);
  });

  test("custom tools map; server tools and custom-tool extras go to extra.tools", () => {
    expect(req.tools).toEqual([
      { name: "Bash", description: "Run a command", parameters: claudeCodeLike.tools[0].input_schema as Record<string, unknown> },
      { name: "Read", parameters: { type: "object", properties: {} } },
    ]);
    expect(req.extra.tools).toEqual([
      { index: 1, tool: claudeCodeLike.tools[1] },
      { index: 1, fields: { cache_control: { type: "ephemeral" } } },
    ]);
  });

  test("cache_control on a tool_result is kept in extra by position", () => {
    expect(req.extra["messages.content"]).toEqual([{ message: 3, part: 0, fields: { cache_control: { type: "ephemeral" } } }]);
  });

  test("max_tokens is required", () => {
    const err = thrown(() => decodeRequest({ model: "m", messages: [] }));
    expect(err.status).toBe(400);
    expect(err.param).toBe("max_tokens");
    expect(err.message).toContain("max_tokens");
  });

  test("bad input is a 400 naming the field", () => {
    expect(thrown(() => decodeRequest({ model: "m", max_tokens: 5 })).param).toBe("messages");
    expect(thrown(() => decodeRequest({ max_tokens: 5, messages: [] })).param).toBe("model");
    expect(thrown(() => decodeRequest({ model: "m", max_tokens: 5, messages: [{ role: "tool", content: "x" }] })).param).toBe(
      "messages[0].role",
    );
    expect(
      thrown(() => decodeRequest({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "text" }] }] })).param,
    ).toBe("messages[0].content[0].text");
    expect(thrown(() => decodeRequest({ model: "m", max_tokens: 5, messages: [], thinking: { type: "enabled" } })).param).toBe(
      "thinking.budget_tokens",
    );
    expect(thrown(() => decodeRequest({ model: "m", max_tokens: 5, messages: [], temperature: "hot" })).param).toBe("temperature");
  });

  test("thinking variants and output_config", () => {
    const base = { model: "m", max_tokens: 100, messages: [] };
    expect(decodeRequest({ ...base, thinking: { type: "disabled" } }).reasoning).toEqual({ enabled: false });
    const adaptive = decodeRequest({ ...base, thinking: { type: "adaptive" }, output_config: { effort: "high" } });
    expect(adaptive.reasoning).toEqual({ enabled: true, effort: "high" });
    expect(adaptive.extra.thinking).toEqual({ type: "adaptive" });
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(decodeRequest({ ...base, output_config: { format: { type: "json_schema", schema } } }).responseFormat).toEqual({
      type: "json_schema",
      name: "output",
      schema,
    });
    expect(decodeRequest({ ...base, output_format: { type: "json_schema", schema } }).responseFormat?.type).toBe("json_schema");
    expect(decodeRequest({ ...base, tool_choice: { type: "any" } }).toolChoice).toEqual({ type: "required" });
    expect(decodeRequest({ ...base, tool_choice: { type: "tool", name: "x" } }).toolChoice).toEqual({ type: "tool", name: "x" });
    expect(decodeRequest({ ...base, tool_choice: { type: "none" } }).toolChoice).toEqual({ type: "none" });
  });

  test("unknown blocks are kept in extra at their position", () => {
    const serverUse = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "bun" } };
    const serverResult = { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] };
    const r = decodeRequest({
      model: "m",
      max_tokens: 10,
      messages: [
        { role: "user", content: "search" },
        { role: "assistant", content: [serverUse, serverResult, { type: "text", text: "Found it." }] },
      ],
    });
    expect(r.messages[1].content).toEqual([{ type: "text", text: "Found it." }]);
    expect(r.extra["messages.content"]).toEqual([
      { message: 1, part: 0, block: serverUse },
      { message: 1, part: 0, block: serverResult },
    ]);
    const back = encodeRequest(r).body as any;
    expect(back.messages[1].content).toEqual([serverUse, serverResult, { type: "text", text: "Found it." }]);
  });
});
