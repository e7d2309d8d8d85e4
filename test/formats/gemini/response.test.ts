// Gemini non-streamed responses, usage, finish reasons, errors and upstream URLs.
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalResponse } from "../../../src/canonical/response.ts";
import { geminiFormat } from "../../../src/formats/gemini/index.ts";
import { geminiPassthrough } from "../../../src/formats/gemini/passthrough.ts";

const request: CanonicalRequest = { model: "gemini-2.5-pro", messages: [], stream: false, extra: {} };

describe("decodeResponse", () => {
  test("text, thoughts, function calls and usage", () => {
    const res = geminiFormat.decodeResponse({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Let me think", thought: true, thoughtSignature: "T" },
              { text: "Calling." },
              { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "C" },
              { functionCall: { id: "fc-2", name: "get_time" } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        cachedContentTokenCount: 40,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 30,
        toolUsePromptTokenCount: 5,
        totalTokenCount: 155,
      },
      modelVersion: "gemini-2.5-pro-001",
      responseId: "resp-1",
    });
    expect(res.id).toBe("resp-1");
    expect(res.model).toBe("gemini-2.5-pro-001");
    expect(res.finishReason).toBe("tool-calls");
    expect(res.content[0]).toEqual({ type: "thinking", text: "Let me think", signature: "T" });
    expect(res.content[1]).toEqual({ type: "text", text: "Calling." });
    expect(res.content[2]).toMatchObject({ type: "tool-call", name: "get_weather", arguments: '{"city":"Paris"}', signature: "C" });
    expect((res.content[2] as any).id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(res.content[3]).toEqual({ type: "tool-call", id: "fc-2", name: "get_time", arguments: "{}" });
    expect(res.usage).toEqual({ inputTokens: 105, outputTokens: 50, cacheReadTokens: 40, cacheWriteTokens: 0, reasoningTokens: 30 });
    expect(res.usage.inputTokens + res.usage.outputTokens).toBe(155);
  });

  test("finish reasons", () => {
    const finish = (finishReason?: string, extra: Record<string, unknown> = {}) =>
      geminiFormat.decodeResponse({
        candidates: finishReason === undefined ? undefined : [{ content: { parts: [{ text: "x" }] }, finishReason }],
        ...extra,
      }).finishReason;
    expect(finish("STOP")).toBe("stop");
    expect(finish("MAX_TOKENS")).toBe("length");
    for (const r of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) expect(finish(r)).toBe("content-filter");
    expect(finish("MALFORMED_FUNCTION_CALL")).toBe("error");
    expect(finish(undefined, { promptFeedback: { blockReason: "SAFETY" } })).toBe("content-filter");
  });

  test("an error body throws a GatewayError with the upstream's status", () => {
    try {
      geminiFormat.decodeResponse({ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } });
      throw new Error("should throw");
    } catch (err) {
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).status).toBe(429);
      expect((err as GatewayError).kind).toBe("rate_limit");
      expect((err as GatewayError).message).toBe("Quota exceeded");
    }
  });
});

describe("encodeResponse", () => {
  const res: CanonicalResponse = {
    id: "msg_1",
    model: "claude-x",
    content: [
      { type: "thinking", text: "hmm", signature: "sig" },
      { type: "redacted-thinking", data: "zzz" },
      { type: "text", text: "Hello" },
      { type: "tool-call", id: "toolu_1", name: "f", arguments: '{"a":1}' },
    ],
    finishReason: "tool-calls",
    usage: { inputTokens: 10, outputTokens: 8, cacheReadTokens: 4, cacheWriteTokens: 2, reasoningTokens: 3 },
    created: 1,
  };

  test("parts, finish reason, usage, responseId and modelVersion", () => {
    expect(geminiFormat.encodeResponse(res, request)).toEqual({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "hmm", thought: true, thoughtSignature: "sig" },
              { text: "Hello" },
              { functionCall: { id: "toolu_1", name: "f", args: { a: 1 } } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        cachedContentTokenCount: 4,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 3,
        totalTokenCount: 18,
      },
      modelVersion: "claude-x",
      responseId: "msg_1",
    });
  });

  test("decode(encode(x)) keeps what Gemini can say", () => {
    const back = geminiFormat.decodeResponse(geminiFormat.encodeResponse(res, request));
    expect(back.content).toEqual(res.content.filter((p) => p.type !== "redacted-thinking"));
    expect(back.finishReason).toBe("tool-calls");
    expect(back.usage).toEqual({ ...res.usage, cacheWriteTokens: 0 });
  });

  test("finish reasons out", () => {
    const out = (finishReason: CanonicalResponse["finishReason"]) =>
      (geminiFormat.encodeResponse({ ...res, finishReason }, request) as any).candidates[0].finishReason;
    expect(out("stop")).toBe("STOP");
    expect(out("length")).toBe("MAX_TOKENS");
    expect(out("content-filter")).toBe("SAFETY");
    expect(out("error")).toBe("OTHER");
  });
});

describe("errors", () => {
  test("encodeError uses Google's status names and RetryInfo", () => {
    const cases: Array<[number, string]> = [
      [400, "INVALID_ARGUMENT"],
      [401, "UNAUTHENTICATED"],
      [403, "PERMISSION_DENIED"],
      [404, "NOT_FOUND"],
      [429, "RESOURCE_EXHAUSTED"],
      [500, "INTERNAL"],
      [503, "UNAVAILABLE"],
      [504, "DEADLINE_EXCEEDED"],
    ];
    for (const [status, name] of cases) {
      expect(geminiFormat.encodeError(new GatewayError("upstream", "m", { status }))).toEqual({
        error: { code: status, message: "m", status: name },
      });
    }
    expect(geminiFormat.encodeError(new GatewayError("rate_limit", "slow", { retryAfter: 30 }))).toEqual({
      error: {
        code: 429,
        message: "slow",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "30s" }],
      },
    });
  });

  test("decodeErrorMessage reads error.message, arrays included, else the raw text", () => {
    expect(geminiFormat.decodeErrorMessage('{"error":{"code":400,"message":"Bad key","status":"INVALID_ARGUMENT"}}')).toBe("Bad key");
    expect(geminiFormat.decodeErrorMessage('[{"error":{"code":500,"message":"Oops","status":"INTERNAL"}}]')).toBe("Oops");
    expect(geminiFormat.decodeErrorMessage("<html>502</html>")).toBe("<html>502</html>");
  });
});

describe("upstreamUrl", () => {
  test("tolerates trailing slashes and a version already in the base", () => {
    const base = "https://generativelanguage.googleapis.com";
    expect(geminiFormat.upstreamUrl(base, "gemini-2.5-flash", false)).toBe(`${base}/v1beta/models/gemini-2.5-flash:generateContent`);
    expect(geminiFormat.upstreamUrl(`${base}/`, "gemini-2.5-flash", true)).toBe(
      `${base}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    );
    expect(geminiFormat.upstreamUrl(`${base}/v1beta/`, "models/gemini-2.5-flash", false)).toBe(
      `${base}/v1beta/models/gemini-2.5-flash:generateContent`,
    );
    expect(geminiFormat.upstreamUrl(`${base}/v1`, "a b", false)).toBe(`${base}/v1/models/a%20b:generateContent`);
    expect(geminiFormat.upstreamUrl("http://gw.test", "fake/fake-model", true)).toBe(
      "http://gw.test/v1beta/models/fake/fake-model:streamGenerateContent?alt=sse",
    );
  });
});

describe("passthrough", () => {
  test("body without model, usage from frames and bodies, error frames", () => {
    expect(geminiPassthrough.forwardBody({ contents: [], model: "alias" }, "gemini-2.5-pro", true)).toEqual({
      body: { contents: [] },
      addedUsageFrame: false,
    });
    expect(geminiPassthrough.frameUsage({ usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 } })).toEqual({
      inputTokens: 3,
      outputTokens: 2,
      cacheReadTokens: 0,
      reasoningTokens: 0,
    });
    expect(geminiPassthrough.frameUsage({ candidates: [] })).toBeUndefined();
    expect(geminiPassthrough.isErrorFrame({ error: { code: 500 } })).toBe(true);
    expect(geminiPassthrough.isErrorFrame({ candidates: [] })).toBe(false);
    expect(geminiPassthrough.streamErrorFrames(new GatewayError("timeout", "late"))).toBe(
      'data: {"error":{"code":504,"message":"late","status":"DEADLINE_EXCEEDED"}}\n\n',
    );
  });
});
