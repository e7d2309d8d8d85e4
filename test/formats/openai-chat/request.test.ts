// openai-chat request decoding: validation, message shapes, parameters and extra.
import { describe, expect, test } from "bun:test";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { PNG, canonical, decodeError } from "./request-support.ts";

describe("decodeRequest: validation", () => {
  test("a request with no stream field is not streaming", () => {
    expect(chat.decodeRequest({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).stream).toBe(false);
    expect(chat.decodeRequest({ model: "gpt-4o", stream: null, messages: [{ role: "user", content: "hi" }] }).stream).toBe(false);
    expect(chat.decodeRequest({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }).stream).toBe(true);
  });

  test("model and messages are required, with the failing param named", () => {
    expect(decodeError({ messages: [{ role: "user", content: "hi" }] }).param).toBe("model");
    expect(decodeError({ model: "", messages: [{ role: "user", content: "hi" }] }).param).toBe("model");
    expect(decodeError({ model: "m", messages: [] }).param).toBe("messages");
    expect(decodeError({ model: "m", messages: "hi" }).param).toBe("messages");
    expect(decodeError({ model: "m" }).status).toBe(400);
    expect(decodeError("not an object").kind).toBe("invalid_request");
  });

  test("bad fields are 400s on their own path", () => {
    expect(decodeError({ model: "m", stream: "yes", messages: [{ role: "user", content: "x" }] }).param).toBe("stream");
    expect(decodeError({ model: "m", messages: [{ role: "wizard", content: "x" }] }).param).toBe("messages[0].role");
    expect(decodeError({ model: "m", messages: [{ role: "tool", content: "x" }] }).param).toBe("messages[0].tool_call_id");
    expect(decodeError({ model: "m", messages: [{ role: "user", content: [{ type: "video" }] }] }).param).toBe(
      "messages[0].content[0].type",
    );
    expect(decodeError({ model: "m", temperature: "hot", messages: [{ role: "user", content: "x" }] }).param).toBe("temperature");
    expect(decodeError({ model: "m", stop: 3, messages: [{ role: "user", content: "x" }] }).param).toBe("stop");
    expect(decodeError({ model: "m", tools: [{ type: "function", function: {} }], messages: [{ role: "user", content: "x" }] }).param).toBe(
      "tools[0].function.name",
    );
    expect(decodeError({ model: "m", tool_choice: "sometimes", messages: [{ role: "user", content: "x" }] }).param).toBe("tool_choice");
    const fileId = decodeError({ model: "m", messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }] });
    expect(fileId.param).toBe("messages[0].content[0].file.file_data");
    expect(fileId.message).toContain("file ids");
  });
});

describe("decodeRequest: messages", () => {
  test("system and developer messages stay in place as system turns (Claude Code style)", () => {
    const req = chat.decodeRequest({
      model: "m",
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: "You are Claude Code." },
            { type: "text", text: "Be brief." },
          ],
        },
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "developer", content: "Now answer in French." },
        { role: "user", content: "again" },
      ],
    });
    expect(req.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "system", "user"]);
    expect(req.messages[0].content).toEqual([
      { type: "text", text: "You are Claude Code." },
      { type: "text", text: "Be brief." },
    ]);
    expect(req.messages[3].content).toEqual([{ type: "text", text: "Now answer in French." }]);
  });

  test("parallel tool calls: results merge into one user turn, a following user message joins it", () => {
    const req = chat.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: "sunny" },
        { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "12:00" }] },
        { role: "user", content: "thanks" },
        { role: "user", content: "and tomorrow?" },
      ],
    });
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "call_b", name: "get_time", arguments: "{}" },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool-result", callId: "call_a", name: "get_weather", content: [{ type: "text", text: "sunny" }] },
          { type: "tool-result", callId: "call_b", name: "get_time", content: [{ type: "text", text: "12:00" }] },
          { type: "text", text: "thanks" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "and tomorrow?" }] },
    ]);
  });

  test("assistant reasoning_content (or reasoning) becomes a thinking part before the text", () => {
    const req = chat.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "answer", reasoning_content: "let me think" },
        { role: "user", content: "q2" },
        { role: "assistant", content: [{ type: "text", text: "a2" }], reasoning: "thinking 2" },
        { role: "user", content: "q3" },
        { role: "assistant", content: null, refusal: "I can't help with that." },
      ],
    });
    expect(req.messages[1].content).toEqual([
      { type: "thinking", text: "let me think" },
      { type: "text", text: "answer" },
    ]);
    expect(req.messages[3].content).toEqual([
      { type: "thinking", text: "thinking 2" },
      { type: "text", text: "a2" },
    ]);
    expect(req.messages[5].content).toEqual([{ type: "text", text: "I can't help with that." }]);
  });

  test("images (data: URL and https), audio and files become image and file parts", () => {
    const req = chat.decodeRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "doc.pdf" } },
          ],
        },
      ],
    });
    expect(req.messages[0].content).toEqual([
      { type: "text", text: "look" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: PNG }, detail: "high" },
      { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
      { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "doc.pdf" },
    ]);
  });

  test("legacy function_call / function messages become a tool call and its result", () => {
    const req = chat.decodeRequest({
      model: "m",
      functions: [{ name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }],
      function_call: { name: "lookup" },
      messages: [
        { role: "user", content: "find x" },
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: '{"q":"x"}' } },
        { role: "function", name: "lookup", content: "found" },
      ],
    });
    const call = req.messages[1].content[0];
    const result = req.messages[2].content[0];
    expect(call).toMatchObject({ type: "tool-call", name: "lookup", arguments: '{"q":"x"}' });
    expect(result).toMatchObject({ type: "tool-result", name: "lookup", content: [{ type: "text", text: "found" }] });
    expect(call.type === "tool-call" && result.type === "tool-result" && call.id === result.callId).toBe(true);
    expect(req.tools).toEqual([{ name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }]);
    expect(req.toolChoice).toEqual({ type: "tool", name: "lookup" });
  });
});

describe("decodeRequest: parameters", () => {
  const base = { model: "m", messages: [{ role: "user", content: "x" }] };

  test("tools, tool_choice, sampling, stop, response_format", () => {
    const req = chat.decodeRequest({
      ...base,
      tools: [
        {
          type: "function",
          function: {
            name: "a",
            description: "does a",
            parameters: { type: "object", properties: { x: { type: "number" } } },
            strict: true,
          },
        },
        { type: "function", function: { name: "b" } },
      ],
      tool_choice: { type: "function", function: { name: "a" } },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      stop: "END",
      user: "u1",
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true, description: "d" } },
    });
    expect(req.tools).toEqual([
      { name: "a", description: "does a", parameters: { type: "object", properties: { x: { type: "number" } } }, strict: true },
      { name: "b", parameters: { type: "object", properties: {} } },
    ]);
    expect(req.toolChoice).toEqual({ type: "tool", name: "a" });
    expect(req.parallelToolCalls).toBe(false);
    expect(req).toMatchObject({
      temperature: 0.2,
      topP: 0.9,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      stop: ["END"],
      user: "u1",
    });
    expect(req.responseFormat).toEqual({ type: "json_schema", name: "out", schema: { type: "object" }, strict: true, description: "d" });
    for (const choice of ["auto", "none", "required"] as const) {
      expect(chat.decodeRequest({ ...base, tool_choice: choice }).toolChoice).toEqual({ type: choice });
    }
  });

  test("max_completion_tokens is preferred over max_tokens and remembered", () => {
    expect(chat.decodeRequest({ ...base, max_tokens: 100 }).maxTokens).toBe(100);
    const both = chat.decodeRequest({ ...base, max_tokens: 100, max_completion_tokens: 200 });
    expect(both.maxTokens).toBe(200);
    expect(both.extra.max_completion_tokens).toBe(200);
  });

  test("reasoning_effort maps to canonical effort; values canonical lacks stay in extra", () => {
    expect(chat.decodeRequest({ ...base, reasoning_effort: "low" }).reasoning).toEqual({ effort: "low" });
    const none = chat.decodeRequest({ ...base, reasoning_effort: "none" });
    expect(none.reasoning).toEqual({ enabled: false });
    expect(none.extra.reasoning_effort).toBe("none");
    expect(chat.decodeRequest({ ...base, reasoning_effort: "xhigh" }).reasoning).toEqual({ effort: "high" });
  });

  test("fields canonical lacks go to extra under their own names", () => {
    const req = chat.decodeRequest({
      ...base,
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { "50256": -100 },
      metadata: { a: "b" },
      store: true,
      service_tier: "flex",
      stream_options: { include_usage: true },
      modalities: ["text"],
    });
    expect(req.extraFormat).toBe("openai-chat");
    expect(req.extra).toEqual({
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { "50256": -100 },
      metadata: { a: "b" },
      store: true,
      service_tier: "flex",
      stream_options: { include_usage: true },
      modalities: ["text"],
    });
  });
});
