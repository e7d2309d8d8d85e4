// POST /v1/embeddings end to end: the openai SDK -> gateway -> fake OpenAI / Gemini / Cohere upstreams on real ports.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";
import { fakeVector, startGeminiEmbeddingsUpstream, startOpenAIEmbeddingsUpstream } from "../fakes/embeddings-upstream.ts";
import type { MediaFake } from "../fakes/media-fake.ts";
import { startHttpProxy } from "../fakes/http-proxy.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { bearer, connect, keyWithBudget, lastRow, sdk } from "./media-support.ts";

let gw: TestGateway;
let openai: MediaFake;
let gemini: MediaFake;
let cohere: MediaFake;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGateway();
  openai = startOpenAIEmbeddingsUpstream();
  gemini = startGeminiEmbeddingsUpstream();
  cohere = startOpenAIEmbeddingsUpstream();
  await connect(gw, "openai", `${openai.url}/v1`, "key-a");
  await connect(gw, "gemini", gemini.url, "goog-key");
  await connect(gw, "cohere", `${cohere.url}/compatibility/v1`, "co-key");
  client = await sdk(gw);
});
afterAll(async () => {
  await gw.close();
  await Promise.all([openai.close(), gemini.close(), cohere.close()]);
});
beforeEach(() => {
  gw.services.health.cooldowns.reset();
  gw.services.health.breakers.reset();
  for (const f of [openai, gemini, cohere]) {
    f.requests.length = 0;
    f.setScenario({ kind: "ok" });
  }
});

/** float32 rounding, as vectors that travelled as base64 come back. */
const f32 = (v: number[]) => Array.from(new Float32Array(v));

const post = async (path: string, body: unknown, key?: string) =>
  fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key ?? (await gw.adminKey())}` },
    body: JSON.stringify(body),
  });

describe("OpenAI-compatible upstreams: passed through", () => {
  test("the SDK's default (base64 on the wire) decodes to the upstream's vectors; usage row written", async () => {
    const res = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: ["the cat sat", "on the mat today"] });
    expect(res.data.map((d) => d.embedding)).toEqual([f32(fakeVector("the cat sat", 0)), f32(fakeVector("on the mat today", 1))]);
    expect(res.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    const sent = openai.requests[0]!;
    expect(sent.path).toBe("/v1/embeddings");
    expect(sent.headers.authorization).toBe("Bearer key-a");
    expect(sent.body).toMatchObject({ model: "text-embedding-3-small", encoding_format: "base64" });
    expect(await lastRow(gw)).toMatchObject({
      endpoint: "embeddings",
      provider: "openai",
      modelRequested: "openai/text-embedding-3-small",
      modelServed: "text-embedding-3-small",
      inputTokens: 7,
      outputTokens: 0,
      status: 200,
      attempt: 1,
    });
    const price = DEFAULT_PRICING.openai!.models["text-embedding-3-small"]!;
    expect((await lastRow(gw)).costUsd).toBeCloseTo((7 * price.input) / 1e6, 12);
  });

  test("encoding_format float: numbers; dimensions and user pass through", async () => {
    const res = await post("/v1/embeddings", {
      model: "openai/text-embedding-3-large",
      input: "hello",
      encoding_format: "float",
      dimensions: 5,
      user: "u-1",
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data[0].embedding).toEqual(fakeVector("hello", 0, 5));
    expect(openai.requests[0]!.body).toMatchObject({ dimensions: 5, user: "u-1", encoding_format: "float" });
  });

  test("token-array input passes through", async () => {
    const res = await post("/v1/embeddings", {
      model: "openai/text-embedding-3-small",
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      encoding_format: "float",
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data.map((d: any) => d.embedding)).toEqual([fakeVector([1, 2, 3], 0), fakeVector([4, 5], 1)]);
  });

  test("Cohere's Compatibility API takes OpenAI's /embeddings as is", async () => {
    const res = await client.embeddings.create({ model: "cohere/embed-v4.0", input: "bonjour", encoding_format: "float" });
    expect(res.data[0]!.embedding).toEqual(fakeVector("bonjour", 0));
    expect(cohere.requests[0]!.path).toBe("/compatibility/v1/embeddings");
    expect(cohere.requests[0]!.body.model).toBe("embed-v4.0");
  });
});

describe("Gemini: translated both ways", () => {
  test("batchEmbedContents with x-goog-api-key; the SDK's base64 default carries float32 little-endian", async () => {
    const res = await client.embeddings.create({ model: "gemini/gemini-embedding-001", input: ["first text", "second"], dimensions: 4 });
    expect(res.data.map((d) => d.embedding)).toEqual([f32(fakeVector("first text", 0, 4)), f32(fakeVector("second", 1, 4))]);
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.model).toBe("gemini/gemini-embedding-001");
    // No token count from Gemini: about four characters a token, and the answer says it is an estimate.
    expect(res.usage).toEqual({ prompt_tokens: 3 + 2, total_tokens: 5 });
    const sent = gemini.requests[0]!;
    expect(sent.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(sent.headers["x-goog-api-key"]).toBe("goog-key");
    expect(sent.body.requests).toEqual([
      { model: "models/gemini-embedding-001", content: { parts: [{ text: "first text" }] }, outputDimensionality: 4 },
      { model: "models/gemini-embedding-001", content: { parts: [{ text: "second" }] }, outputDimensionality: 4 },
    ]);
    expect(await lastRow(gw)).toMatchObject({ endpoint: "embeddings", provider: "gemini", inputTokens: 5, status: 200 });
  });

  test("explicit float and base64 in raw HTTP; the estimate is flagged; `user` is reported dropped", async () => {
    const float = await post("/v1/embeddings", { model: "gemini/gemini-embedding-001", input: "abc", encoding_format: "float", user: "u" });
    expect(float.headers.get("x-omniroute-usage")).toBe("estimated");
    expect(float.headers.get("x-omniroute-dropped")).toBe("user");
    expect((await float.json()).data[0]).toEqual({ object: "embedding", index: 0, embedding: fakeVector("abc", 0) });
    const b64 = await (
      await post("/v1/embeddings", { model: "gemini/gemini-embedding-001", input: "abc", encoding_format: "base64" })
    ).json();
    const bytes = Buffer.from(b64.data[0].embedding, "base64");
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual(f32(fakeVector("abc", 0)));
  });

  test("token arrays cannot go to Gemini: a clear 400, in OpenAI's error shape", async () => {
    const res = await post("/v1/embeddings", { model: "gemini/gemini-embedding-001", input: [[1, 2]] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("token-array input");
    expect(gemini.requests).toHaveLength(0);
  });

  test("a Gemini 429 in Google's shape is a 429 to the client, with Retry-After", async () => {
    gemini.setScenario({
      kind: "error",
      status: 429,
      message: "Resource has been exhausted (e.g. check quota).",
      headers: { "retry-after": "9" },
    });
    const res = await post("/v1/embeddings", { model: "gemini/gemini-embedding-001", input: "x" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(8);
    expect((await res.json()).error.message).toContain("Resource has been exhausted");
    expect(await lastRow(gw)).toMatchObject({ endpoint: "embeddings", status: 429 });
  });
});

describe("resilience, budgets, pinning", () => {
  test("a 429 on the first account fails over to the second; the first cools down", async () => {
    const second = await connect(gw, "openai", `${openai.url}/v1`, "key-b");
    try {
      openai.setScenario((req) =>
        bearer(req) === "key-a"
          ? { kind: "error", status: 429, message: "Rate limit reached", headers: { "retry-after": "30" } }
          : { kind: "ok" },
      );
      const res = await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "hi", encoding_format: "float" });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-omniroute-fallback-attempts")).toBe("1");
      expect(openai.requests.map(bearer)).toEqual(["key-a", "key-b"]);
      expect(await lastRow(gw)).toMatchObject({ endpoint: "embeddings", attempt: 2, connectionId: second, status: 200 });
      expect(gw.services.health.cooldowns.active().some((c) => c.model === "text-embedding-3-small")).toBe(true);
      // The cooled account is skipped on the next call.
      await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "again" });
      expect(openai.requests.map(bearer)).toEqual(["key-a", "key-b", "key-b"]);
    } finally {
      await gw.api(`/api/providers/${second}`, { method: "DELETE" });
    }
  });

  test("a hanging upstream is abandoned after the profile's timeout and the next account answers", async () => {
    const second = await connect(gw, "openai", `${openai.url}/v1`, "key-b");
    await gw.api("/api/resilience", { method: "PATCH", body: { providers: { openai: { timeoutMs: 300 } } } });
    try {
      openai.setScenario((req) => (bearer(req) === "key-a" ? { kind: "hang" } : { kind: "ok" }));
      const started = performance.now();
      const res = await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "slow", encoding_format: "float" });
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(openai.requests.map(bearer)).toEqual(["key-a", "key-b"]);
    } finally {
      await gw.api("/api/resilience", { method: "PATCH", body: { providers: { openai: null } } });
      await gw.api(`/api/providers/${second}`, { method: "DELETE" });
    }
  });

  test("the outbound proxy set for the provider carries media calls too", async () => {
    const proxy = await startHttpProxy();
    try {
      const put = await gw.api("/api/settings/proxy", {
        method: "PUT",
        body: { providers: { openai: { type: "http", host: "127.0.0.1", port: proxy.port } } },
      });
      expect(put.status).toBe(200);
      expect((await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "via proxy" })).status).toBe(200);
      expect(proxy.requests).toMatchObject([{ kind: "forward", url: `${openai.url}/v1/embeddings` }]);
    } finally {
      await gw.api("/api/settings/proxy", { method: "PUT", body: { providers: null } });
      await proxy.close();
    }
  });

  test("a spent budget stops the next call before any upstream is called", async () => {
    const { key } = await keyWithBudget(gw, "emb-budget", 0.01);
    openai.setScenario({ kind: "ok", promptTokens: 1_000_000 }); // $0.02 at text-embedding-3-small's price
    expect((await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "big" }, key)).status).toBe(200);
    const calls = openai.requests.length;
    const res = await post("/v1/embeddings", { model: "openai/text-embedding-3-small", input: "more" }, key);
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.message).toContain("emb-budget");
    expect(openai.requests.length).toBe(calls);
  });

  test("/v1/providers/{provider}/embeddings pins the provider and adds its prefix", async () => {
    const res = await post("/v1/providers/openai/embeddings", {
      model: "text-embedding-3-small",
      input: "pinned",
      encoding_format: "float",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-omniroute-provider")).toBe("openai");
    expect(openai.requests[0]!.body.model).toBe("text-embedding-3-small");
    expect(await lastRow(gw)).toMatchObject({ endpoint: "providers.embeddings", modelRequested: "openai/text-embedding-3-small" });
    const other = await post("/v1/providers/openai/embeddings", { model: "gemini/gemini-embedding-001", input: "x" });
    expect(other.status).toBe(400);
    expect((await other.json()).error.code).toBe("provider_mismatch");
  });
});

describe("bad input is a clear 400", () => {
  test("a chat model", async () => {
    const res = await post("/v1/embeddings", { model: "openai/gpt-4o", input: "x" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "model", code: "model_not_supported" });
    expect(body.error.message).toContain('"openai/gpt-4o" is a chat model');
    expect(openai.requests).toHaveLength(0);
  });

  test("missing or empty input, bad encoding_format, bad dimensions", async () => {
    for (const [body, param] of [
      [{ model: "openai/text-embedding-3-small" }, "input"],
      [{ model: "openai/text-embedding-3-small", input: "" }, "input"],
      [{ model: "openai/text-embedding-3-small", input: [] }, "input"],
      [{ model: "openai/text-embedding-3-small", input: "x", encoding_format: "int8" }, "encoding_format"],
      [{ model: "openai/text-embedding-3-small", input: "x", dimensions: -1 }, "dimensions"],
      [{ input: "x" }, "model"],
    ] as const) {
      const res = await post("/v1/embeddings", body);
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect((await res.json()).error.param).toBe(param);
    }
  });

  test("the SDK surfaces the error as an APIError with OpenAI's fields", async () => {
    const err = await client.embeddings.create({ model: "openai/dall-e-3", input: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("is an image model");
  });
});
