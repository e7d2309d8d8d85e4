// Gemini request encoding: canonical requests to generateContent bodies.
import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { hints, req, invalid } from "./request-support.ts";

describe("encodeRequest", () => {
  test("system hoists, assistant is model, no model in body, tool results named from their calls", () => {
    const { body, dropped } = geminiFormat.encodeRequest(
      req({
        messages: [
          { role: "system", content: [{ type: "text", text: "Be brief." }] },
          { role: "user", content: [{ type: "text", text: "Weather?" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "hmm", signature: "anthropic-sig" },
              { type: "text", text: "Checking." },
              { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
              { type: "tool-call", id: "toolu_2", name: "get_time", arguments: "" },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool-result", callId: "toolu_1", content: [{ type: "text", text: '{"temp":21}' }] },
              { type: "tool-result", callId: "toolu_2", content: [{ type: "text", text: "noon" }] },
            ],
          },
          { role: "system", content: [{ type: "text", text: "Answer in French." }] },
          { role: "user", content: [{ type: "text", text: "Merci", cacheControl: { type: "ephemeral" } }] },
        ],
      }),
    );
    expect(body.model).toBeUndefined();
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Answer in French." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          {
            functionCall: { id: "toolu_1", name: "get_weather", args: { city: "Paris" } },
            thoughtSignature: "skip_thought_signature_validator",
          },
          { functionCall: { id: "toolu_2", name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "toolu_1", name: "get_weather", response: { temp: 21 } } },
          { functionResponse: { id: "toolu_2", name: "get_time", response: { output: "noon" } } },
          { text: "Merci" },
        ],
      },
    ]);
    expect(dropped).toEqual(["cacheControl"]);
  });

  test("Gemini's own signatures travel on their calls; errors become {error}", () => {
    const { body } = geminiFormat.encodeRequest(
      req({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "tool-call", id: "c1", name: "a", arguments: "{}", signature: "real-sig" },
              { type: "tool-call", id: "c2", name: "a", arguments: "{}" },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool-result", callId: "c1", name: "a", content: [{ type: "text", text: "boom" }], isError: true },
              { type: "tool-result", callId: "c2", name: "a", content: [{ type: "text", text: '{"error":"bad"}' }], isError: true },
            ],
          },
        ],
      }),
    );
    const contents = body.contents as any[];
    expect(contents[0].parts[0].thoughtSignature).toBe("real-sig");
    expect(contents[0].parts[1].thoughtSignature).toBeUndefined();
    expect(contents[1].parts[0].functionResponse.response).toEqual({ error: "boom" });
    expect(contents[1].parts[1].functionResponse.response).toEqual({ error: "bad" });
  });

  test("images: base64 inline, URLs as fileData with a guessed type, data URLs inline", () => {
    const { body, dropped } = geminiFormat.encodeRequest(
      req({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
              { type: "image", source: { kind: "url", url: "https://x.test/cat.webp?s=1" }, detail: "high" },
              { type: "image", source: { kind: "url", url: "https://x.test/cat" } },
              { type: "image", source: { kind: "url", url: "data:image/gif;base64,R0lG" } },
              { type: "file", mediaType: "application/pdf", data: "JVB", filename: "a.pdf" },
            ],
          },
        ],
      }),
    );
    expect((body.contents as any[])[0].parts).toEqual([
      { inlineData: { mimeType: "image/png", data: "AAA" } },
      { fileData: { mimeType: "image/webp", fileUri: "https://x.test/cat.webp?s=1" } },
      { fileData: { mimeType: "image/*", fileUri: "https://x.test/cat" } },
      { inlineData: { mimeType: "image/gif", data: "R0lG" } },
      { inlineData: { mimeType: "application/pdf", data: "JVB" } },
    ]);
    expect(dropped.sort()).toEqual(["file.filename", "image.detail"]);
  });

  test("tools with converted parameters, tool choice, config, reasoning and response format", () => {
    const { body, dropped } = geminiFormat.encodeRequest(
      req({
        tools: [
          {
            name: "a",
            description: "A",
            parameters: {
              type: "object",
              properties: { q: { type: "string", enum: ["x"] } },
              required: ["q"],
              additionalProperties: false,
            },
          },
          { name: "tree", parameters: { type: "object", properties: { kids: { type: "array", items: { $ref: "#" } } } } },
          { name: "noargs", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { type: "tool", name: "a" },
        parallelToolCalls: false,
        maxTokens: 256,
        temperature: 0.2,
        topP: 0.8,
        topK: 20,
        stop: ["\n\n"],
        seed: 3,
        presencePenalty: 0.5,
        frequencyPenalty: 0.4,
        reasoning: { effort: "medium" },
        responseFormat: {
          type: "json_schema",
          name: "out",
          schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
        },
        user: "u1",
      }),
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "a",
            description: "A",
            parameters: { type: "OBJECT", properties: { q: { type: "STRING", enum: ["x"] } }, required: ["q"] },
          },
          { name: "tree", parametersJsonSchema: { type: "object", properties: { kids: { type: "array", items: { $ref: "#" } } } } },
          { name: "noargs" },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a"] } });
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 256,
      temperature: 0.2,
      topP: 0.8,
      topK: 20,
      stopSequences: ["\n\n"],
      seed: 3,
      presencePenalty: 0.5,
      frequencyPenalty: 0.4,
      responseMimeType: "application/json",
      responseSchema: { type: "OBJECT", properties: { ok: { type: "BOOLEAN" } }, required: ["ok"] },
      thinkingConfig: { thinkingBudget: 8192, includeThoughts: true },
    });
    expect(dropped.sort()).toEqual(["parallelToolCalls", "user"]);
  });

  test("reasoning mapping", () => {
    const thinking = (reasoning: CanonicalRequest["reasoning"], model = "gemini-2.5-flash") =>
      (geminiFormat.encodeRequest(req({ reasoning, model })).body.generationConfig as any).thinkingConfig;
    expect(thinking({ enabled: false })).toEqual({ thinkingBudget: 0 });
    expect(thinking({ enabled: true })).toEqual({ thinkingBudget: -1, includeThoughts: true });
    expect(thinking({ enabled: true, budgetTokens: 3000, effort: "high" })).toEqual({ thinkingBudget: 3000, includeThoughts: true });
    expect(thinking({ effort: "minimal" })).toEqual({ thinkingBudget: 512, includeThoughts: true });
    expect(thinking({ effort: "low" })).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(thinking({ effort: "high" })).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    // Out-of-range budgets are a 400 upstream: clamp to the model's range.
    expect(thinking({ budgetTokens: 31999 })).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    expect(thinking({ budgetTokens: 31999 }, "gemini-2.5-pro")).toEqual({ thinkingBudget: 31999, includeThoughts: true });
    expect(thinking({ budgetTokens: 100 })).toEqual({ thinkingBudget: 512, includeThoughts: true });
    // Pro models cannot stop thinking: their smallest budget, reported dropped.
    const pro = geminiFormat.encodeRequest(req({ reasoning: { enabled: false }, model: "gemini-2.5-pro" }));
    expect((pro.body.generationConfig as any).thinkingConfig).toEqual({ thinkingBudget: 128 });
    expect(pro.dropped).toEqual(["reasoning.enabled"]);
  });

  test("extra passes through only for Gemini; otherwise it is reported dropped", () => {
    const extra = {
      safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
      tools: [{ googleSearch: {} }],
      generationConfig: { candidateCount: 1, thinkingConfig: { includeThoughts: false } },
      toolConfig: { functionCallingConfig: { allowedFunctionNames: ["a", "b"] } },
    };
    const base = req({
      tools: [{ name: "a", parameters: { type: "object", properties: { x: { type: "string" } } } }],
      toolChoice: { type: "required" },
      reasoning: { budgetTokens: 1000 },
      extra,
    });
    const same = geminiFormat.encodeRequest({ ...base, extraFormat: "gemini" });
    expect(same.dropped).toEqual([]);
    expect(same.body.safetySettings).toEqual(extra.safetySettings);
    expect((same.body.tools as any[])[1]).toEqual({ googleSearch: {} });
    expect(same.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a", "b"] } });
    expect(same.body.generationConfig).toEqual({ candidateCount: 1, thinkingConfig: { thinkingBudget: 1000, includeThoughts: false } });

    const other = geminiFormat.encodeRequest({ ...base, extraFormat: "anthropic" });
    expect(other.dropped.sort()).toEqual(["generationConfig", "safetySettings", "toolConfig", "tools"]);
    expect(other.body.safetySettings).toBeUndefined();
  });

  test("a Gemini request survives decode then encode", () => {
    const original = {
      systemInstruction: { parts: [{ text: "sys" }] },
      contents: [
        { role: "user", parts: [{ text: "hi" }, { inlineData: { mimeType: "image/png", data: "AAA" } }] },
        { role: "model", parts: [{ functionCall: { id: "c1", name: "f", args: { a: 1 } }, thoughtSignature: "sig" }] },
        { role: "user", parts: [{ functionResponse: { id: "c1", name: "f", response: { output: "done" } } }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: "f", description: "F", parameters: { type: "OBJECT", properties: { a: { type: "INTEGER" } }, required: ["a"] } },
          ],
        },
        { codeExecution: {} },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      generationConfig: { maxOutputTokens: 10, temperature: 1, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "OFF" }],
    };
    const { body, dropped } = geminiFormat.encodeRequest(geminiFormat.decodeRequest(original, hints));
    expect(dropped).toEqual([]);
    expect(body).toEqual(original);
  });

  test("an orphan tool result without a name cannot be sent", () => {
    invalid(
      () =>
        geminiFormat.encodeRequest(
          req({
            messages: [{ role: "user", content: [{ type: "tool-result", callId: "nope", content: [] }] }],
          }),
        ),
      "messages[0].content[0].callId",
    );
  });
});
