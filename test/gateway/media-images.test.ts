// POST /v1/images/generations end to end: the openai SDK -> gateway -> fake OpenAI and Fireworks FLUX upstreams.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { DEFAULT_PRICING } from "../../src/usage/pricing-defaults.ts";
import { aspectRatioFor } from "../../src/providers/images/fireworks.ts";
import { PNG_B64, startFireworksImagesUpstream, startOpenAIImagesUpstream } from "../fakes/images-upstream.ts";
import type { MediaFake } from "../fakes/media-fake.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { bearer, connect, keyWithBudget, lastRow, sdk } from "./media-support.ts";

const FLUX = "accounts/fireworks/models/flux-1-schnell-fp8";

let gw: TestGateway;
let openai: MediaFake;
let fireworks: MediaFake;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGateway();
  openai = startOpenAIImagesUpstream();
  fireworks = startFireworksImagesUpstream();
  await connect(gw, "openai", `${openai.url}/v1`, "sk-img");
  await connect(gw, "fireworks", `${fireworks.url}/inference/v1`, "fw-a");
  client = await sdk(gw);
});
afterAll(async () => {
  await gw.close();
  await Promise.all([openai.close(), fireworks.close()]);
});
beforeEach(() => {
  gw.services.health.cooldowns.reset();
  gw.services.health.breakers.reset();
  for (const f of [openai, fireworks]) {
    f.requests.length = 0;
    f.setScenario({ kind: "ok" });
  }
});

const post = async (path: string, body: unknown, key?: string) =>
  fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key ?? (await gw.adminKey())}` },
    body: JSON.stringify(body),
  });

describe("OpenAI-compatible upstreams: passed through", () => {
  test("gpt-image-1: the answer as OpenAI sent it; its token usage is priced in the usage row", async () => {
    const res = await client.images.generate({ model: "openai/gpt-image-1", prompt: "a red fox", n: 2, size: "1024x1024" });
    expect(res.data).toHaveLength(2);
    expect(res.data![0]).toEqual({ b64_json: PNG_B64, revised_prompt: "revised: a red fox" });
    const sent = openai.requests[0]!;
    expect(sent.path).toBe("/v1/images/generations");
    expect(sent.headers.authorization).toBe("Bearer sk-img");
    expect(sent.body).toEqual({ model: "gpt-image-1", prompt: "a red fox", n: 2, size: "1024x1024" });
    const price = DEFAULT_PRICING.openai!.models["gpt-image-1"]!;
    const row = await lastRow(gw);
    expect(row).toMatchObject({
      endpoint: "images.generations",
      provider: "openai",
      modelServed: "gpt-image-1",
      inputTokens: 50,
      outputTokens: 4160,
      status: 200,
    });
    expect(row.costUsd).toBeCloseTo((50 * price.input + 4160 * price.output) / 1e6, 9);
  });

  test("dall-e-3 is priced per image, which the pricing table cannot say: the row costs 0", async () => {
    const res = await client.images.generate({ model: "openai/dall-e-3", prompt: "a lighthouse", response_format: "url" });
    expect(res.data![0]!.url).toBe(`${openai.url}/files/image-0.png`);
    expect(await lastRow(gw)).toMatchObject({ endpoint: "images.generations", modelServed: "dall-e-3", costUsd: 0, status: 200 });
  });
});

describe("Fireworks FLUX: the workflow API, translated", () => {
  test("n images are n workflow calls (Accept: application/json), answered as b64_json", async () => {
    const res = await client.images.generate({
      model: `fireworks/${FLUX}`,
      prompt: "a wide valley",
      n: 2,
      size: "1792x1024",
      quality: "hd",
    });
    expect(res.data).toEqual([{ b64_json: PNG_B64 }, { b64_json: PNG_B64 }]);
    expect(typeof res.created).toBe("number");
    expect(fireworks.requests).toHaveLength(2);
    for (const sent of fireworks.requests) {
      expect(sent.path).toBe(`/inference/v1/workflows/${FLUX}/text_to_image`);
      expect(sent.headers.authorization).toBe("Bearer fw-a");
      expect(sent.headers.accept).toBe("application/json");
      expect(sent.body).toEqual({ prompt: "a wide valley", aspect_ratio: "16:9" });
    }
    expect(await lastRow(gw)).toMatchObject({
      endpoint: "images.generations",
      provider: "fireworks",
      modelServed: FLUX,
      costUsd: 0,
      status: 200,
    });
  });

  test("response_format url: a data: URL (the workflow hosts no files); unsupported fields are reported", async () => {
    const res = await post("/v1/images/generations", {
      model: `fireworks/${FLUX}`,
      prompt: "a cat",
      response_format: "url",
      style: "vivid",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-omniroute-dropped")).toBe("style");
    expect((await res.json()).data).toEqual([{ url: `data:image/png;base64,${PNG_B64}` }]);
    expect(fireworks.requests[0]!.body.aspect_ratio).toBe("1:1");
  });

  test("OpenAI sizes map to the nearest aspect ratio the workflow takes", () => {
    expect(aspectRatioFor("1024x1024")).toBe("1:1");
    expect(aspectRatioFor("1024x1792")).toBe("9:16");
    expect(aspectRatioFor("1536x1024")).toBe("3:2");
    expect(aspectRatioFor("1024x1536")).toBe("2:3");
    expect(aspectRatioFor("auto")).toBe("1:1");
    expect(aspectRatioFor(undefined)).toBe("1:1");
  });

  test("a 429 on the first account fails over to the second", async () => {
    const second = await connect(gw, "fireworks", `${fireworks.url}/inference/v1`, "fw-b");
    try {
      fireworks.setScenario((req) =>
        bearer(req) === "fw-a"
          ? { kind: "error", status: 429, message: "too many requests", headers: { "retry-after": "20" } }
          : { kind: "ok" },
      );
      const res = await client.images.generate({ model: `fireworks/${FLUX}`, prompt: "retry me" });
      expect(res.data).toEqual([{ b64_json: PNG_B64 }]);
      expect(fireworks.requests.map(bearer)).toEqual(["fw-a", "fw-b"]);
      expect(await lastRow(gw)).toMatchObject({ endpoint: "images.generations", attempt: 2, connectionId: second, status: 200 });
    } finally {
      await gw.api(`/api/providers/${second}`, { method: "DELETE" });
    }
  });

  test("n images: when one workflow call fails, the request fails with its reason (no partial answer)", async () => {
    fireworks.setScenario((_req, call) => (call === 2 ? { kind: "error", status: 500, message: "workflow crashed" } : { kind: "ok" }));
    const res = await post("/v1/images/generations", { model: `fireworks/${FLUX}`, prompt: "three", n: 3 });
    expect(res.status).toBe(500);
    expect((await res.json()).error).toMatchObject({ type: "server_error", message: expect.stringContaining("workflow crashed") });
  });

  test("an upstream 400 is the client's fault: answered at once with the provider's words", async () => {
    fireworks.setScenario({ kind: "error", status: 400, message: "prompt is too long for this model" });
    const err = await client.images.generate({ model: `fireworks/${FLUX}`, prompt: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("prompt is too long");
    expect(gw.services.health.cooldowns.active()).toHaveLength(0);
  });
});

describe("budgets, pinning, bad input", () => {
  test("a spent budget stops the next call before any upstream is called", async () => {
    const { key } = await keyWithBudget(gw, "img-budget", 0.05);
    expect((await post("/v1/images/generations", { model: "openai/gpt-image-1", prompt: "one" }, key)).status).toBe(200);
    const calls = openai.requests.length;
    const res = await post("/v1/images/generations", { model: "openai/gpt-image-1", prompt: "two" }, key);
    expect(res.status).toBe(429);
    expect((await res.json()).error).toMatchObject({ type: "insufficient_quota", code: "budget_exceeded" });
    expect(openai.requests.length).toBe(calls);
  });

  test("/v1/providers/{provider}/images/generations pins the provider and adds its prefix", async () => {
    const res = await post("/v1/providers/fireworks/images/generations", { model: FLUX, prompt: "pinned" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-omniroute-model")).toBe(`fireworks/${FLUX}`);
    expect(await lastRow(gw)).toMatchObject({ endpoint: "providers.images.generations", modelRequested: `fireworks/${FLUX}` });
    const unknown = await post("/v1/providers/nowhere/images/generations", { model: FLUX, prompt: "x" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("provider_not_found");
  });

  test("missing prompt, bad n, bad size, bad response_format, a chat or embedding model", async () => {
    for (const [body, param] of [
      [{ model: "openai/gpt-image-1" }, "prompt"],
      [{ model: "openai/gpt-image-1", prompt: "x", n: 11 }, "n"],
      [{ model: "openai/gpt-image-1", prompt: "x", size: "big" }, "size"],
      [{ model: "openai/gpt-image-1", prompt: "x", response_format: "png" }, "response_format"],
      [{ model: "openai/gpt-4o", prompt: "x" }, "model"],
      [{ model: "openai/text-embedding-3-small", prompt: "x" }, "model"],
    ] as const) {
      const res = await post("/v1/images/generations", body);
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect((await res.json()).error.param).toBe(param);
    }
    expect(openai.requests).toHaveLength(0);
  });
});
