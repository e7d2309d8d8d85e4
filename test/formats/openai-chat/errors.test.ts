// openai-chat errors and URLs: error bodies by status (read by the SDK), upstream messages, endpoint URL.
import { afterAll, describe, expect, test } from "bun:test";
import OpenAI, { AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from "openai";
import { GatewayError } from "../../../src/canonical/errors.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";

describe("encodeError", () => {
  test("OpenAI's types by status, with param and code", () => {
    expect(chat.encodeError(new GatewayError("invalid_request", "'messages' must be a non-empty array.", { param: "messages" }))).toEqual({
      error: { message: "'messages' must be a non-empty array.", type: "invalid_request_error", param: "messages", code: null },
    });
    expect(chat.encodeError(new GatewayError("authentication", "Invalid API key", { code: "invalid_api_key" }))).toEqual({
      error: { message: "Invalid API key", type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });
    expect(chat.encodeError(new GatewayError("not_found", "No model x", { code: "model_not_found" }))).toMatchObject({
      error: { type: "invalid_request_error", code: "model_not_found" },
    });
    expect(chat.encodeError(new GatewayError("rate_limit", "Slow down"))).toMatchObject({
      error: { type: "requests", code: "rate_limit_exceeded" },
    });
    expect(chat.encodeError(new GatewayError("rate_limit", "Budget spent", { code: "budget_exceeded" }))).toMatchObject({
      error: { type: "insufficient_quota", code: "budget_exceeded" },
    });
    expect(chat.encodeError(new GatewayError("unavailable", "Nothing left"))).toMatchObject({
      error: { type: "server_error", code: null },
    });
    expect(chat.encodeError(new GatewayError("upstream", "Bad gateway"))).toMatchObject({ error: { type: "server_error" } });
  });

  describe("read by the OpenAI SDK", () => {
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        const { model } = (await request.json()) as { model: string };
        const err = {
          bad: new GatewayError("invalid_request", "'temperature' must be a number.", { param: "temperature" }),
          auth: new GatewayError("authentication", "Invalid API key", { code: "invalid_api_key" }),
          limit: new GatewayError("rate_limit", "Too many requests", { retryAfter: 1 }),
          down: new GatewayError("unavailable", "All accounts are cooling down"),
        }[model]!;
        return Response.json(chat.encodeError(err), { status: err.status });
      },
    });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "k", maxRetries: 0 });
    afterAll(() => server.stop(true));
    const fail = (model: string) =>
      client.chat.completions.create({ model, messages: [{ role: "user", content: "x" }] }).then(
        () => undefined,
        (e: unknown) => e,
      );

    test("each status surfaces as the SDK's error class with message, param and code", async () => {
      const bad = await fail("bad");
      expect(bad).toBeInstanceOf(BadRequestError);
      expect((bad as BadRequestError).param).toBe("temperature");
      expect((bad as BadRequestError).message).toContain("'temperature' must be a number.");
      const auth = await fail("auth");
      expect(auth).toBeInstanceOf(AuthenticationError);
      expect((auth as AuthenticationError).code).toBe("invalid_api_key");
      const limit = await fail("limit");
      expect(limit).toBeInstanceOf(RateLimitError);
      expect((limit as RateLimitError).type).toBe("requests");
      expect(await fail("down")).toBeInstanceOf(InternalServerError);
    });
  });
});

describe("decodeErrorMessage", () => {
  test("OpenAI bodies and the shapes compatible providers send", () => {
    expect(
      chat.decodeErrorMessage(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } })),
    ).toBe("Incorrect API key provided");
    expect(chat.decodeErrorMessage(JSON.stringify({ message: "bare message" }))).toBe("bare message");
    expect(chat.decodeErrorMessage(JSON.stringify({ error: "string error" }))).toBe("string error");
    expect(chat.decodeErrorMessage(JSON.stringify({ detail: "Not Found" }))).toBe("Not Found");
    expect(
      chat.decodeErrorMessage(JSON.stringify([{ error: { code: 429, message: "Resource exhausted", status: "RESOURCE_EXHAUSTED" } }])),
    ).toBe("Resource exhausted");
    expect(chat.decodeErrorMessage("<html>502 Bad Gateway</html>")).toBe("<html>502 Bad Gateway</html>");
    expect(chat.decodeErrorMessage(JSON.stringify({ ok: false }))).toBe('{"ok":false}');
  });
});

describe("upstreamUrl", () => {
  test("the SDK's base URL plus /chat/completions, trailing slashes tolerated", () => {
    expect(chat.upstreamUrl("https://api.openai.com/v1", "gpt-4o", false)).toBe("https://api.openai.com/v1/chat/completions");
    expect(chat.upstreamUrl("https://api.deepseek.com/v1/", "deepseek-chat", true)).toBe("https://api.deepseek.com/v1/chat/completions");
    expect(chat.upstreamUrl("https://open.bigmodel.cn/api/paas/v4//", "glm-4.6", true)).toBe(
      "https://open.bigmodel.cn/api/paas/v4/chat/completions",
    );
    expect(chat.upstreamUrl("https://host/v1/chat/completions", "m", true)).toBe("https://host/v1/chat/completions");
  });
});
