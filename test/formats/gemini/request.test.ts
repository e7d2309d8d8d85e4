// Gemini request decoding: contents, parts, tools, generation config.
import { describe, expect, test } from "bun:test";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { hints, invalid } from "./request-support.ts";

describe("decodeRequest", () => {
  test("model and stream come from the URL hints; system instruction leads", () => {
    const r = geminiFormat.decodeRequest(
      {
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      },
      hints,
    );
    expect(r.model).toBe("gemini-2.5-flash");
    expect(r.stream).toBe(true);
    expect(r.extraFormat).toBe("gemini");
    expect(r.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "Be brief." }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ]);
  });

  test("media, function calls and responses, thoughts", () => {
    const r = geminiFormat.decodeRequest(
      {
        contents: [
          {
            role: "user",
            parts: [
              { text: "Look" },
              { inlineData: { mimeType: "image/png", data: "iVBOR" } },
              { inline_data: { mime_type: "application/pdf", data: "JVBER" } },
              { fileData: { mimeType: "image/jpeg", fileUri: "https://x.test/a.jpg" } },
              { fileData: { mimeType: "video/mp4", fileUri: "files/abc" } },
            ],
          },
          {
            role: "model",
            parts: [
              { text: "pondering", thought: true, thoughtSignature: "sig-thought" },
              { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "sig-call" },
              { functionCall: { id: "given", name: "get_time", args: {} } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { name: "get_weather", response: { output: "sunny" } } },
              { functionResponse: { id: "given", name: "get_time", response: { error: { code: 1 } } } },
            ],
          },
        ],
      },
      hints,
    );
    expect(r.messages[0].content).toEqual([
      { type: "text", text: "Look" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
      { type: "file", mediaType: "application/pdf", data: "JVBER" },
      { type: "image", source: { kind: "url", url: "https://x.test/a.jpg" } },
      { type: "file", mediaType: "video/mp4", url: "files/abc" },
    ]);
    expect(r.messages[1].content).toEqual([
      { type: "thinking", text: "pondering", signature: "sig-thought" },
      { type: "tool-call", id: "call_1_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: "sig-call" },
      { type: "tool-call", id: "given", name: "get_time", arguments: "{}" },
    ]);
    expect(r.messages[2].content).toEqual([
      { type: "tool-result", callId: "call_1_1", name: "get_weather", content: [{ type: "text", text: "sunny" }] },
      { type: "tool-result", callId: "given", name: "get_time", content: [{ type: "text", text: '{"error":{"code":1}}' }], isError: true },
    ]);
  });

  test("streamed model turns sent back as several contents join into one message", () => {
    const r = geminiFormat.decodeRequest(
      {
        contents: [
          { role: "user", parts: [{ text: "Hi" }] },
          { role: "model", parts: [{ text: "I think", thought: true }] },
          { role: "model", parts: [{ text: " hard", thought: true }] },
          { role: "model", parts: [{ text: "", thought: true, thoughtSignature: "S" }] },
          { role: "model", parts: [{ text: "Hel" }] },
          { role: "model", parts: [{ text: "lo" }, { text: "", thoughtSignature: "text-sig" }] },
        ],
      },
      hints,
    );
    expect(r.messages).toHaveLength(2);
    expect(r.messages[1].content).toEqual([
      { type: "thinking", text: "I think hard", signature: "S" },
      { type: "text", text: "Hello" },
    ]);
  });

  test("tools, tool config and generation config", () => {
    const r = geminiFormat.decodeRequest(
      {
        contents: [{ parts: [{ text: "x" }] }],
        tools: [
          {
            functionDeclarations: [
              { name: "a", description: "A", parameters: { type: "OBJECT", properties: { q: { type: "STRING" } }, required: ["q"] } },
              { name: "b", parametersJsonSchema: { type: "object", properties: { n: { type: "integer" } }, additionalProperties: false } },
              { name: "c" },
            ],
          },
          { googleSearch: {} },
        ],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a"] } },
        generationConfig: {
          maxOutputTokens: 100,
          temperature: 0.5,
          topP: 0.9,
          topK: 40,
          stopSequences: ["END"],
          seed: 7,
          presencePenalty: 0.1,
          frequencyPenalty: 0.2,
          candidateCount: 1,
          responseMimeType: "application/json",
          responseSchema: { type: "OBJECT", properties: { ok: { type: "BOOLEAN" } } },
          thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
        },
        safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
        cachedContent: "cachedContents/abc",
      },
      hints,
    );
    expect(r.tools).toEqual([
      { name: "a", description: "A", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } },
      { name: "b", parameters: { type: "object", properties: { n: { type: "integer" } }, additionalProperties: false } },
      { name: "c", parameters: { type: "object", properties: {} } },
    ]);
    expect(r.toolChoice).toEqual({ type: "tool", name: "a" });
    expect(r).toMatchObject({
      maxTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stop: ["END"],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect(r.responseFormat).toEqual({
      type: "json_schema",
      name: "response",
      schema: { type: "object", properties: { ok: { type: "boolean" } } },
    });
    expect(r.reasoning).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(r.extra).toEqual({
      tools: [{ googleSearch: {} }],
      generationConfig: { candidateCount: 1 },
      safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
    });
  });

  test("tool choice modes and thinking levels", () => {
    const choice = (fcc: unknown) => geminiFormat.decodeRequest({ contents: [], toolConfig: { functionCallingConfig: fcc } }, hints);
    expect(choice({ mode: "AUTO" }).toolChoice).toEqual({ type: "auto" });
    expect(choice({ mode: "NONE" }).toolChoice).toEqual({ type: "none" });
    expect(choice({ mode: "ANY" }).toolChoice).toEqual({ type: "required" });
    const many = choice({ mode: "ANY", allowedFunctionNames: ["a", "b"] });
    expect(many.toolChoice).toEqual({ type: "required" });
    expect(many.extra.toolConfig).toEqual({ functionCallingConfig: { allowedFunctionNames: ["a", "b"] } });

    const thinking = (tc: unknown) => geminiFormat.decodeRequest({ contents: [], generationConfig: { thinkingConfig: tc } }, hints);
    expect(thinking({ thinkingBudget: 0 }).reasoning).toEqual({ enabled: false });
    expect(thinking({ thinkingBudget: -1 }).reasoning).toEqual({ enabled: true });
    expect(thinking({ thinkingLevel: "LOW", includeThoughts: true }).reasoning).toEqual({ effort: "low", enabled: true });
    const hidden = thinking({ thinkingBudget: 512, includeThoughts: false });
    expect(hidden.reasoning).toEqual({ enabled: true, budgetTokens: 512 });
    expect(hidden.extra.generationConfig).toEqual({ thinkingConfig: { includeThoughts: false } });
  });

  test("bad input names the field", () => {
    invalid(() => geminiFormat.decodeRequest([], hints), "body");
    invalid(() => geminiFormat.decodeRequest({ contents: [] }, {}), "model");
    invalid(() => geminiFormat.decodeRequest({ contents: "hi" }, hints), "contents");
    invalid(() => geminiFormat.decodeRequest({ contents: [{ role: "assistant", parts: [] }] }, hints), "contents[0].role");
    invalid(
      () => geminiFormat.decodeRequest({ contents: [{ parts: [{ functionCall: { args: {} } }] }] }, hints),
      "contents[0].parts[0].functionCall.name",
    );
    invalid(() => geminiFormat.decodeRequest({ contents: [{ parts: [{ bogus: 1 }] }] }, hints), "contents[0].parts[0]");
    invalid(
      () => geminiFormat.decodeRequest({ contents: [], generationConfig: { temperature: "hot" } }, hints),
      "generationConfig.temperature",
    );
  });
});
