// The official @google/genai SDK against our encoders (served by a real Bun.serve) and against the fake upstream.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI, FunctionCallingConfigMode, Type } from "@google/genai";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalEvent, CanonicalResponse } from "../../../src/canonical/response.ts";
import { parseSse } from "../../../src/canonical/sse.ts";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { startGeminiUpstream } from "../../fakes/gemini-upstream.ts";
import type { FakeUpstream } from "../../fakes/scenario.ts";

/** What the local server answers next: a canonical response, served through our encoders. */
let script: { response: CanonicalResponse; events: CanonicalEvent[] };
let lastDecoded: CanonicalRequest | undefined;
let server: ReturnType<typeof Bun.serve>;

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) {
    await Bun.sleep(1);
    yield x;
  }
}

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
      if (!match)
        return Response.json(geminiFormat.encodeError(new GatewayError("not_found", `no route ${url.pathname}`)), { status: 404 });
      const stream = match[2] === "streamGenerateContent";
      let req: CanonicalRequest;
      try {
        req = geminiFormat.decodeRequest(await request.json(), { model: decodeURIComponent(match[1]), stream });
      } catch (err) {
        const e = err as GatewayError;
        return Response.json(geminiFormat.encodeError(e), { status: e.status });
      }
      lastDecoded = req;
      if (!stream) return Response.json(geminiFormat.encodeResponse(script.response, req));
      const encoder = new TextEncoder();
      const frames = geminiFormat.encodeStream(from(script.events), req)[Symbol.asyncIterator]();
      return new Response(
        new ReadableStream({
          async pull(controller) {
            const next = await frames.next();
            if (next.done) controller.close();
            else controller.enqueue(encoder.encode(next.value));
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  });
});
afterAll(() => server.stop(true));

function client(baseUrl: string) {
  return new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl, apiVersion: "v1beta" } });
}

const usage = { inputTokens: 11, outputTokens: 9, cacheReadTokens: 2, cacheWriteTokens: 0, reasoningTokens: 3 };

describe("@google/genai reads our encoded answers", () => {
  test("generateContent: text, function calls, usage, and the SDK's request decodes", async () => {
    script = {
      response: {
        id: "r-1",
        model: "gemini-2.5-flash",
        created: 1,
        finishReason: "tool-calls",
        usage,
        content: [
          { type: "thinking", text: "plan", signature: "S" },
          { type: "text", text: "Checking the weather." },
          { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        ],
      },
      events: [],
    };
    const res = await client(server.url.origin).models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Weather in Paris?",
      config: {
        systemInstruction: "Be brief.",
        temperature: 0.3,
        maxOutputTokens: 200,
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
        tools: [
          {
            functionDeclarations: [
              { name: "get_weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ["get_weather"] } },
      },
    });
    expect(res.text).toBe("Checking the weather.");
    expect(res.functionCalls).toEqual([{ id: "call_1", name: "get_weather", args: { city: "Paris" } }]);
    expect(res.usageMetadata).toEqual({
      promptTokenCount: 11,
      cachedContentTokenCount: 2,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 3,
      totalTokenCount: 20,
    });
    expect(res.responseId).toBe("r-1");
    expect(res.candidates?.[0]?.finishReason).toBe("STOP" as any);

    expect(lastDecoded).toMatchObject({
      model: "gemini-2.5-flash",
      stream: false,
      temperature: 0.3,
      maxTokens: 200,
      reasoning: { enabled: true, budgetTokens: 1024 },
      toolChoice: { type: "tool", name: "get_weather" },
      tools: [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      ],
    });
  });

  test("generateContentStream: text arrives in pieces, the call whole, usage on the last chunk", async () => {
    script = {
      response: undefined as never,
      events: [
        { type: "start", id: "r-2", model: "gemini-2.5-flash", created: 1, usage: { inputTokens: 11 } },
        { type: "reasoning-delta", text: "plan" },
        { type: "text-delta", text: "Hello, " },
        { type: "text-delta", text: "world." },
        { type: "tool-call-start", index: 0, id: "call_9", name: "lookup" },
        { type: "tool-args-delta", index: 0, delta: '{"q":' },
        { type: "tool-args-delta", index: 0, delta: '"sky"}' },
        { type: "tool-call-end", index: 0 },
        { type: "finish", reason: "tool-calls", usage },
      ],
    };
    const stream = await client(server.url.origin).models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" });
    let text = "";
    const calls: unknown[] = [];
    let lastUsage: unknown;
    let finish: unknown;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.text ?? "";
      calls.push(...(chunk.functionCalls ?? []));
      lastUsage = chunk.usageMetadata ?? lastUsage;
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(chunks).toBe(5);
    expect(text).toBe("Hello, world.");
    expect(calls).toEqual([{ id: "call_9", name: "lookup", args: { q: "sky" } }]);
    expect(lastUsage).toEqual({
      promptTokenCount: 11,
      cachedContentTokenCount: 2,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 3,
      totalTokenCount: 20,
    });
    expect(finish).toBe("STOP");
    expect(lastDecoded?.stream).toBe(true);
  });

  test("a chat session keeps our streamed turn in its history (every chunk is a valid response)", async () => {
    script = {
      response: undefined as never,
      events: [
        { type: "start", id: "r-3", model: "m", created: 1 },
        { type: "text-delta", text: "Hi " },
        { type: "text-delta", text: "there" },
        { type: "finish", reason: "stop", usage },
      ],
    };
    const chat = client(server.url.origin).chats.create({ model: "gemini-2.5-flash" });
    for await (const _ of await chat.sendMessageStream({ message: "Hello" })) {
      /* drain */
    }
    const history = chat.getHistory(true);
    expect(history.map((c) => c.role)).toEqual(["user", "model", "model", "model"]);
    expect(
      history
        .slice(1)
        .flatMap((c) => c.parts ?? [])
        .map((p) => p.text)
        .join(""),
    ).toBe("Hi there");

    // The next turn sends that history back; it decodes as one assistant message.
    for await (const _ of await chat.sendMessageStream({ message: "Again" })) {
      /* drain */
    }
    expect(lastDecoded?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(lastDecoded?.messages[1].content).toEqual([{ type: "text", text: "Hi there" }]);
  });

  test("a mid-stream error reaches the SDK as an ApiError with the status", async () => {
    script = {
      response: undefined as never,
      events: [
        { type: "start", id: "r-4", model: "m", created: 1 },
        { type: "text-delta", text: "partial" },
        { type: "error", error: new GatewayError("rate_limit", "Quota exhausted") },
      ],
    };
    const stream = await client(server.url.origin).models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" });
    let text = "";
    let error: any;
    try {
      for await (const chunk of stream) text += chunk.text ?? "";
    } catch (err) {
      error = err;
    }
    expect(text).toBe("partial");
    expect(error?.status).toBe(429);
    expect(String(error?.message)).toContain("Quota exhausted");
  });

  test("a bad request gets a Gemini error body the SDK reads", async () => {
    let error: any;
    try {
      await client(server.url.origin).models.generateContent({
        model: "gemini-2.5-flash",
        contents: [{ role: "assistant", parts: [{ text: "x" }] }],
      });
    } catch (err) {
      error = err;
    }
    expect(error?.status).toBe(400);
    expect(String(error?.message)).toContain("INVALID_ARGUMENT");
  });
});

describe("the fake Gemini upstream speaks the real format", () => {
  let fake: FakeUpstream;
  beforeAll(() => {
    fake = startGeminiUpstream();
  });
  afterAll(() => fake.close());

  test("text, streamed and not, with usage", async () => {
    fake.setScenario({ kind: "text", text: "Hello from Gemini", chunks: 3, usage: { input: 10, output: 6, cacheRead: 4 } });
    const ai = client(fake.url);
    const res = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
    expect(res.text).toBe("Hello from Gemini");
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 10,
      candidatesTokenCount: 6,
      cachedContentTokenCount: 4,
      totalTokenCount: 16,
    });
    let text = "";
    let chunks = 0;
    for await (const c of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" })) {
      text += c.text ?? "";
      chunks++;
    }
    expect(text).toBe("Hello from Gemini");
    expect(chunks).toBe(3);
    expect(fake.requests.at(-1)?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(fake.requests.at(-1)?.headers["x-goog-api-key"]).toBe("test-key");
    expect(fake.requests.at(-1)?.body.contents).toEqual([{ role: "user", parts: [{ text: "Hi" }] }]);
  });

  test("tool calls and thinking", async () => {
    const ai = client(fake.url);
    fake.setScenario({
      kind: "tool-calls",
      text: "Sure.",
      calls: [
        { id: "c1", name: "a", arguments: '{"x":1}' },
        { id: "c2", name: "b", arguments: "{}" },
      ],
    });
    const res = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
    expect(res.functionCalls).toEqual([
      { id: "c1", name: "a", args: { x: 1 } },
      { id: "c2", name: "b", args: {} },
    ]);

    fake.setScenario({ kind: "thinking", thinking: "Let me see", signature: "SIG", text: "Answer" });
    const thought = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
    expect(thought.text).toBe("Answer");
    expect(thought.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: "Let me see", thought: true, thoughtSignature: "SIG" });
  });

  test("errors carry Google's status", async () => {
    fake.setScenario({ kind: "error", status: 429, message: "Resource has been exhausted" });
    let error: any;
    try {
      await client(fake.url).models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
    } catch (err) {
      error = err;
    }
    expect(error?.status).toBe(429);
    expect(JSON.parse(error.message)).toEqual({
      error: { code: 429, message: "Resource has been exhausted", status: "RESOURCE_EXHAUSTED" },
    });
  });

  test("hang waits until the client aborts", async () => {
    fake.setScenario({ kind: "hang" });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    let error: unknown;
    try {
      await client(fake.url).models.generateContent({ model: "gemini-2.5-flash", contents: "Hi", config: { abortSignal: abort.signal } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeDefined();
  });

  test("our stream decoder reads every scenario the fake streams", async () => {
    const decode = async () => {
      const res = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, { method: "POST", body: "{}" });
      const events: CanonicalEvent[] = [];
      try {
        for await (const e of geminiFormat.decodeStream(parseSse(res.body!))) events.push(e);
      } catch (err) {
        events.push({ type: "error", error: err as GatewayError });
      }
      return events;
    };
    fake.setScenario({ kind: "thinking", thinking: "abcd", signature: "SIG", text: "efgh", usage: { input: 5, output: 9, reasoning: 4 } });
    const thinking = await decode();
    expect(
      thinking
        .filter((e) => e.type === "reasoning-delta")
        .map((e: any) => e.text)
        .join(""),
    ).toBe("abcd");
    expect(thinking.find((e) => e.type === "reasoning-signature")).toEqual({ type: "reasoning-signature", signature: "SIG" });
    expect(
      thinking
        .filter((e) => e.type === "text-delta")
        .map((e: any) => e.text)
        .join(""),
    ).toBe("efgh");
    expect(thinking.at(-1)).toEqual({
      type: "finish",
      reason: "stop",
      usage: { inputTokens: 5, outputTokens: 9, cacheReadTokens: 0, reasoningTokens: 4 },
    });

    fake.setScenario({ kind: "tool-calls", calls: [{ id: "c1", name: "a", arguments: '{"x":1}' }] });
    const calls = await decode();
    expect(calls.filter((e) => e.type.startsWith("tool-"))).toEqual([
      { type: "tool-call-start", index: 0, id: "c1", name: "a" },
      { type: "tool-args-delta", index: 0, delta: '{"x":1}' },
      { type: "tool-call-end", index: 0 },
    ]);
    expect(calls.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });

    fake.setScenario({ kind: "text", text: "cut short", finish: "length" });
    expect((await decode()).at(-1)).toMatchObject({ type: "finish", reason: "length" });

    fake.setScenario({ kind: "cut", text: "abcdefgh", afterChunks: 2 });
    const cut = await decode();
    // Bun may drop the frame written just before the reset, so one or two pieces arrive, never a finish.
    const pieces = cut.filter((e) => e.type === "text-delta").length;
    expect(pieces).toBeGreaterThanOrEqual(1);
    expect(pieces).toBeLessThanOrEqual(2);
    expect(cut.at(-1)?.type).toBe("error");
    expect(cut.some((e) => e.type === "finish")).toBe(false);
  });

  test("a cut stream fails in the SDK", async () => {
    fake.setScenario({ kind: "cut", text: "abcdefgh", afterChunks: 2 });
    const run = async () => {
      for await (const _ of await client(fake.url).models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" })) {
        /* drain */
      }
    };
    await expect(run()).rejects.toThrow();
  });
});
