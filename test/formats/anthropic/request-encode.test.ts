// Anthropic request encoding: canonical requests to Messages bodies, and Gemini signatures in thinking blocks.
import { describe, expect, test } from "bun:test";
import { anthropicPassthrough } from "../../../src/formats/anthropic/passthrough.ts";
import { canonical, claudeCodeLike, decodeRequest, encodeRequest } from "./request-support.ts";

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
