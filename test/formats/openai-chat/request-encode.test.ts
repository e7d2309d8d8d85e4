// openai-chat request encoding: canonical requests to Chat Completions bodies, round trips, the fast path and Gemini signatures in tool call ids.
import { describe, expect, test } from "bun:test";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";
import { PNG, canonical } from "./request-support.ts";

describe("encodeRequest", () => {
  test("an OpenAI -> OpenAI translation gives back the client's messages", () => {
    const messages = [
      { role: "system", content: "You are helpful.", name: "sys" },
      { role: "user", content: "weather in Paris and the time?" },
      {
        role: "assistant",
        content: "Let me check.",
        reasoning_content: "two tools needed",
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "sunny" },
      { role: "tool", tool_call_id: "call_b", content: "12:00" },
      {
        role: "user",
        content: [
          { type: "text", text: "and this?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
        ],
        name: "bob",
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_c", type: "function", function: { name: "get_weather", arguments: "{}" } }],
      },
    ];
    const body = {
      model: "gpt-4o",
      messages,
      max_completion_tokens: 500,
      temperature: 0.5,
      stop: ["X"],
      n: 1,
      logprobs: false,
      tools: [{ type: "function", function: { name: "get_weather", description: "w", parameters: { type: "object", properties: {} } } }],
      tool_choice: "auto",
      response_format: { type: "json_object" },
      reasoning_effort: "none",
    };
    const { body: out, dropped } = chat.encodeRequest(chat.decodeRequest(body));
    expect(dropped).toEqual([]);
    expect(out).toEqual(body);
  });

  test("stream: true asks for the usage chunk, keeping the client's other stream_options", () => {
    const req = chat.decodeRequest({
      model: "m",
      stream: true,
      stream_options: { include_obfuscation: false },
      messages: [{ role: "user", content: "x" }],
    });
    expect(chat.encodeRequest(req).body).toMatchObject({
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
    const plain = chat.encodeRequest(
      chat.decodeRequest({ model: "m", stream_options: { include_usage: true }, messages: [{ role: "user", content: "x" }] }),
    ).body;
    expect(plain.stream).toBeUndefined();
    expect(plain.stream_options).toBeUndefined();
  });

  test("from another format: max_tokens, extra keys and topK reported as dropped", () => {
    const { body, dropped } = chat.encodeRequest(
      canonical({ maxTokens: 64, topK: 40, extra: { metadata: { user_id: "x" }, top_k: 5 }, extraFormat: "anthropic" }),
    );
    expect(body.max_tokens).toBe(64);
    expect(body.max_completion_tokens).toBeUndefined();
    expect(body.metadata).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(dropped.sort()).toEqual(["metadata", "topK", "top_k"]);
  });

  test("a budget without effort becomes an effort and is reported; a disabled config is reported", () => {
    expect(chat.encodeRequest(canonical({ reasoning: { enabled: true, budgetTokens: 10000 } }))).toEqual({
      body: { model: "m", messages: [{ role: "user", content: "hi" }], reasoning_effort: "medium" },
      dropped: ["reasoning.budgetTokens"],
    });
    expect(chat.encodeRequest(canonical({ reasoning: { budgetTokens: 31999 } })).body.reasoning_effort).toBe("high");
    expect(chat.encodeRequest(canonical({ reasoning: { effort: "low" } }))).toEqual({
      body: { model: "m", messages: [{ role: "user", content: "hi" }], reasoning_effort: "low" },
      dropped: [],
    });
    const off = chat.encodeRequest(canonical({ reasoning: { enabled: false } }));
    expect(off.body.reasoning_effort).toBeUndefined();
    expect(off.dropped).toEqual(["reasoning.enabled"]);
  });

  test("Anthropic-like history: system joined, thinking as reasoning_content, signatures reported, tool results as tool messages", () => {
    const { body, dropped } = chat.encodeRequest(
      canonical({
        messages: [
          {
            role: "system",
            content: [
              { type: "text", text: "Block one." },
              { type: "text", text: "Block two." },
            ],
          },
          {
            role: "user",
            content: [
              { type: "text", text: "<reminder>" },
              { type: "text", text: "list files" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "use ls", signature: "sig123" },
              { type: "redacted-thinking", data: "opaque" },
              { type: "text", text: "Running ls." },
              { type: "tool-call", id: "toolu_1", name: "Bash", arguments: '{"command":"ls"}' },
            ],
          },
          {
            role: "user",
            content: [
              {
                type: "tool-result",
                callId: "toolu_1",
                content: [
                  { type: "text", text: "a.txt" },
                  { type: "image", source: { kind: "url", url: "https://x/y.png" } },
                ],
                isError: true,
              },
              { type: "text", text: "what now?" },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "system", content: "Block one.\n\nBlock two." },
      {
        role: "user",
        content: [
          { type: "text", text: "<reminder>" },
          { type: "text", text: "list files" },
        ],
      },
      {
        role: "assistant",
        content: "Running ls.",
        reasoning_content: "use ls",
        tool_calls: [{ id: "toolu_1", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } }],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "a.txt" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://x/y.png" } },
          { type: "text", text: "what now?" },
        ],
      },
    ]);
    expect(dropped.sort()).toEqual(["redacted_thinking", "thinking.signature", "tool-result.isError"]);
  });

  test("thinking without a signature reports nothing; files map to file / input_audio / image_url", () => {
    const { body, dropped } = chat.encodeRequest(
      canonical({
        messages: [
          {
            role: "user",
            content: [
              { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
              { type: "file", mediaType: "audio/mpeg", data: "SUQz" },
              { type: "file", mediaType: "image/png", data: PNG },
              { type: "file", mediaType: "application/pdf", url: "https://x/a.pdf" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "hmm" },
              { type: "text", text: "ok" },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
          { type: "input_audio", input_audio: { data: "SUQz", format: "mp3" } },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
      { role: "assistant", content: "ok", reasoning_content: "hmm" },
    ]);
    expect(dropped).toEqual(["file.url"]);
  });

  test("tool choice, tools, response format and sampling from canonical", () => {
    const { body } = chat.encodeRequest(
      canonical({
        stream: true,
        tools: [{ name: "t", parameters: { type: "object" }, strict: false }],
        toolChoice: { type: "tool", name: "t" },
        parallelToolCalls: true,
        temperature: 1,
        topP: 0.5,
        stop: ["a", "b"],
        seed: 1,
        presencePenalty: 0,
        frequencyPenalty: 0,
        user: "me",
        responseFormat: { type: "json_schema", name: "s", schema: { type: "object" } },
      }),
    );
    expect(body).toEqual({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "t", parameters: { type: "object" }, strict: false } }],
      tool_choice: { type: "function", function: { name: "t" } },
      parallel_tool_calls: true,
      temperature: 1,
      top_p: 0.5,
      stop: ["a", "b"],
      seed: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      user: "me",
      response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" } } },
    });
  });
});

describe("the fast path and Gemini signatures in tool call ids", () => {
  test("another OpenAI-compatible upstream gets the original ids; a body without any is passed as is", async () => {
    const { openaiChatPassthrough } = await import("../../../src/formats/openai-chat/passthrough.ts");
    const messages = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1__thought__CiQB+/sig==", type: "function", function: { name: "w", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1__thought__CiQB+/sig==", content: "sunny" },
    ];
    const sent = openaiChatPassthrough.forwardBody({ model: "a", messages }, "b", false).body.messages as any[];
    expect(sent[1].tool_calls[0].id).toBe("call_1");
    expect(sent[2].tool_call_id).toBe("call_1");
    expect(messages[1]!.tool_calls![0]!.id).toBe("call_1__thought__CiQB+/sig==");
    const plain = [{ role: "user", content: "hi" }];
    expect(openaiChatPassthrough.forwardBody({ model: "a", messages: plain }, "b", true).body.messages).toBe(plain);
  });
});
