// Anthropic request decode/encode: fields, content blocks, system turns, tools, thinking, extras and round trips.
import { describe, expect, test } from "bun:test";
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { anthropicPassthrough } from "../../../src/formats/anthropic/passthrough.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";

const { decodeRequest, encodeRequest } = anthropicFormat;

function canonical(over: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: "claude-x", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream: false, extra: {}, ...over };
}

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error("expected a GatewayError");
}

const claudeCodeLike = {
  model: "claude-sonnet-4-5",
  max_tokens: 32000,
  stream: true,
  system: [
    { type: "text", text: "You are Claude Code." },
    { type: "text", text: "Project rules.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    { role: "user", content: "List files" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should run ls.", signature: "sig-abc" },
        { type: "redacted_thinking", data: "opaque==" },
        { type: "text", text: "Running ls." },
        { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: [{ type: "text", text: "a.ts\nb.ts" }],
          cache_control: { type: "ephemeral" },
        },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
        { type: "image", source: { type: "url", url: "https://x.test/cat.png" } },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" }, title: "spec.pdf" },
      ],
    },
    { role: "system", content: "Reminder: be brief." },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_2", content: "boom", is_error: true }] },
  ],
  tools: [
    {
      name: "Bash",
      description: "Run a command",
      input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
    },
    { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    { name: "Read", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } },
  ],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 10000 },
  metadata: { user_id: "user_123" },
  temperature: 1,
  stop_sequences: ["\n\nHuman:"],
  context_management: { edits: [] },
};

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

describe("encodeRequest", () => {
  test("round trip of a Claude Code request keeps every field Anthropic needs", () => {
    const { body, dropped } = encodeRequest(decodeRequest(structuredClone(claudeCodeLike)));
    const b = body as any;
    expect(dropped).toEqual([]);
    expect(b.model).toBe("claude-sonnet-4-5");
    expect(b.max_tokens).toBe(32000);
    expect(b.stream).toBe(true);
    expect(b.system).toEqual([...claudeCodeLike.system, { type: "text", text: "Reminder: be brief." }]);
    expect(b.thinking).toEqual({ type: "enabled", budget_tokens: 10000 });
    expect(b.temperature).toBe(1);
    expect(b.metadata).toEqual({ user_id: "user_123" });
    expect(b.stop_sequences).toEqual(["\n\nHuman:"]);
    expect(b.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(b.tools).toEqual([claudeCodeLike.tools[0], claudeCodeLike.tools[1], claudeCodeLike.tools[2]]);
    expect(b.context_management).toEqual({ edits: [] });
    // The system turn between two user turns is hoisted, so the two user turns merge (tool results first).
    expect(b.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(b.messages[1].content).toEqual(claudeCodeLike.messages[1].content);
    const lastUser = b.messages[2].content;
    expect(lastUser.map((x: any) => x.type)).toEqual(["tool_result", "tool_result", "image", "image", "document"]);
    expect(lastUser[0]).toEqual({
      type: "tool_result",
      tool_use_id: "toolu_1",
      content: "a.ts\nb.ts",
      cache_control: { type: "ephemeral" },
    });
    expect(lastUser[1]).toEqual({ type: "tool_result", tool_use_id: "toolu_2", content: "boom", is_error: true });
    expect(lastUser[4]).toEqual(claudeCodeLike.messages[2].content[3]);
    // And canonical survives a second round.
    expect(decodeRequest(body).messages.slice(1, 3)).toEqual(decodeRequest(structuredClone(claudeCodeLike)).messages.slice(1, 3));
  });

  test("a string system stays a string", () => {
    const body = encodeRequest(
      decodeRequest({ model: "m", max_tokens: 9, system: "Be nice.", messages: [{ role: "user", content: "hi" }] }),
    ).body;
    expect(body.system).toBe("Be nice.");
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  test("max_tokens: given value kept, default when absent", () => {
    expect(encodeRequest(canonical({ maxTokens: 123 })).body.max_tokens).toBe(123);
    expect(encodeRequest(canonical({})).body.max_tokens).toBe(8192);
    expect(encodeRequest(canonical({ maxTokens: 0 })).body.max_tokens).toBe(0);
  });

  test("reasoning effort becomes a budget below max_tokens", () => {
    expect(encodeRequest(canonical({ reasoning: { effort: "low" }, maxTokens: 20000 })).body.thinking).toEqual({
      type: "enabled",
      budget_tokens: 1024,
    });
    expect(encodeRequest(canonical({ reasoning: { effort: "medium" }, maxTokens: 20000 })).body.thinking).toEqual({
      type: "enabled",
      budget_tokens: 8192,
    });
    expect(encodeRequest(canonical({ reasoning: { effort: "high" }, maxTokens: 30000 })).body.thinking).toEqual({
      type: "enabled",
      budget_tokens: 24576,
    });
    const clamped = encodeRequest(canonical({ reasoning: { effort: "high" }, maxTokens: 5000 }));
    expect(clamped.body).toMatchObject({ max_tokens: 5000, thinking: { type: "enabled", budget_tokens: 4999 } });
    const noMax = encodeRequest(canonical({ reasoning: { effort: "high" } })).body as any;
    expect(noMax.thinking.budget_tokens).toBeLessThan(noMax.max_tokens);
    const tooSmall = encodeRequest(canonical({ reasoning: { enabled: true }, maxTokens: 500 }));
    expect(tooSmall.body.thinking).toBeUndefined();
    expect(tooSmall.body.max_tokens).toBe(500);
    expect(tooSmall.dropped).toContain("reasoning");
    expect(encodeRequest(canonical({ reasoning: { enabled: false } })).body.thinking).toEqual({ type: "disabled" });
  });

  test("sampling that thinking forbids is dropped and reported", () => {
    const { body, dropped } = encodeRequest(
      canonical({ reasoning: { budgetTokens: 2000 }, maxTokens: 8000, temperature: 0.2, topK: 5, topP: 0.5 }),
    );
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(dropped.sort()).toEqual(["temperature", "topK", "topP"]);
    const plain = encodeRequest(canonical({ temperature: 0.2, topK: 5, topP: 0.5 })).body;
    expect(plain).toMatchObject({ temperature: 0.2, top_k: 5, top_p: 0.5 });
  });

  test("an OpenAI-shaped canonical request becomes valid Anthropic", () => {
    const req = canonical({
      messages: [
        { role: "system", content: [{ type: "text", text: "sys A" }] },
        {
          role: "user",
          content: [
            { type: "text", text: "weather?" },
            { type: "image", source: { kind: "url", url: "data:image/jpeg;base64,/9j/" }, detail: "high" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "no signature from openai" },
            { type: "tool-call", id: "call_1", name: "get", arguments: '{"city":"Paris"}' },
            { type: "tool-call", id: "call_2", name: "get", arguments: "{not json" },
          ],
        },
        { role: "user", content: [{ type: "tool-result", callId: "call_1", name: "get", content: [{ type: "text", text: "sunny" }] }] },
        { role: "user", content: [{ type: "tool-result", callId: "call_2", content: [{ type: "text", text: "rain" }] }] },
        { role: "system", content: [{ type: "text", text: "sys B" }] },
      ],
      tools: [{ name: "get", parameters: {} }],
      toolChoice: { type: "required" },
      responseFormat: { type: "json_schema", name: "w", schema: { type: "object" } },
      seed: 7,
      frequencyPenalty: 0.1,
      user: "u1",
      extra: { logit_bias: { 1: 2 } },
      extraFormat: "openai-chat",
    });
    const { body, dropped } = encodeRequest(req);
    const b = body as any;
    expect(b.system).toEqual([
      { type: "text", text: "sys A" },
      { type: "text", text: "sys B" },
    ]);
    expect(b.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "weather?" },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "get", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "sunny" },
          { type: "tool_result", tool_use_id: "call_2", content: "rain" },
        ],
      },
    ]);
    expect(b.tools).toEqual([{ name: "get", input_schema: { type: "object", properties: {} } }]);
    expect(b.tool_choice).toEqual({ type: "any" });
    expect(b.output_config).toEqual({ format: { type: "json_schema", schema: { type: "object" } } });
    expect(b.metadata).toEqual({ user_id: "u1" });
    expect(b.logit_bias).toBeUndefined();
    expect(dropped.sort()).toEqual(["frequencyPenalty", "image.detail", "logit_bias", "seed", "thinking"]);
  });

  test("files map to documents or images", () => {
    const text = Buffer.from("héllo", "utf8").toString("base64");
    const { body, dropped } = encodeRequest(
      canonical({
        messages: [
          {
            role: "user",
            content: [
              { type: "file", mediaType: "application/pdf", url: "https://x.test/a.pdf", filename: "a.pdf" },
              { type: "file", mediaType: "text/plain", data: text },
              { type: "file", mediaType: "image/png", data: "iVBOR" },
              { type: "file", mediaType: "application/zip", data: "UEs" },
            ],
          },
        ],
      }),
    );
    expect((body as any).messages[0].content).toEqual([
      { type: "document", source: { type: "url", url: "https://x.test/a.pdf" }, title: "a.pdf" },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
    ]);
    expect(dropped).toEqual(["file(application/zip)"]);
    // and a plain-text document decodes back to the same canonical file
    const back = decodeRequest({ model: "m", max_tokens: 1, messages: (body as any).messages });
    expect(back.messages[0].content[1]).toEqual({ type: "file", mediaType: "text/plain", data: text });
  });

  test("parallelToolCalls=false without a choice becomes auto + disable_parallel_tool_use", () => {
    const b = encodeRequest(canonical({ tools: [{ name: "t", parameters: { type: "object" } }], parallelToolCalls: false })).body;
    expect(b.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
  });

  test("adaptive thinking and effort from an Anthropic client pass through unchanged", () => {
    const b = encodeRequest(
      decodeRequest({
        model: "m",
        max_tokens: 64000,
        messages: [{ role: "user", content: "x" }],
        thinking: { type: "adaptive" },
        output_config: { effort: "max" },
      }),
    ).body;
    expect(b.thinking).toEqual({ type: "adaptive" });
    expect(b.output_config).toEqual({ effort: "max" });
    const effortOnly = encodeRequest(
      decodeRequest({ model: "m", max_tokens: 64000, messages: [{ role: "user", content: "x" }], output_config: { effort: "low" } }),
    ).body;
    expect(effortOnly.thinking).toBeUndefined();
    expect(effortOnly.output_config).toEqual({ effort: "low" });
  });
});

describe("Gemini tool-call signatures carried in thinking blocks", () => {
  const carrier = { type: "thinking", thinking: "", signature: "omniroute:tool-signature:call_1:CiQB+/sig==" };
  const history = {
    model: "m",
    max_tokens: 10,
    messages: [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: [{ type: "text", text: "Checking." }, carrier, { type: "tool_use", id: "call_1", name: "weather", input: {} }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "sunny" }] },
    ],
  };

  test("decoded back onto the call; the carrier keeps its place as unsigned thinking", () => {
    const req = decodeRequest(history);
    expect(req.messages[1]!.content).toEqual([
      { type: "text", text: "Checking." },
      { type: "thinking", text: "" },
      { type: "tool-call", id: "call_1", name: "weather", arguments: "{}", signature: "CiQB+/sig==" },
    ]);
  });

  test("left out of a body passed through to an Anthropic upstream, which would refuse the signature", () => {
    const { body } = anthropicPassthrough.forwardBody(history, "claude-x", false);
    expect((body.messages as any[])[1].content.map((b: any) => b.type)).toEqual(["text", "tool_use"]);
    const untouched = { model: "m", max_tokens: 1, messages: [{ role: "user", content: "hi" }] };
    expect(anthropicPassthrough.forwardBody(untouched, "x", false).body.messages).toBe(untouched.messages);
  });
});
