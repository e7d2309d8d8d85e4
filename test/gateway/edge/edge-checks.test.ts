// Hostile and malformed client requests on the four ingresses, the same-format fast path included: each gets a clear
// 4xx in its caller's format (the field named), and nothing reaches an upstream or touches a breaker.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { errorMessage, INGRESSES, ingressPath, isErrorIn, startEdgeRig, validBody, type EdgeRig, type Ingress } from "./support.ts";
import { rawRequest } from "./raw-http.ts";

let rig: EdgeRig;
beforeAll(async () => {
  rig = await startEdgeRig({ MAX_REQUEST_BODY_MB: "1" });
});
afterAll(async () => {
  await rig.close();
});

function post(ingress: Ingress, body: string | Record<string, unknown>, contentType = "application/json", model = rig.model[ingress]) {
  return fetch(`${rig.gw.url}${ingressPath(ingress, model)}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Sends, expects `status` with an error body in the ingress's format, and returns that body. */
async function refused(ingress: Ingress, res: Response, status: number): Promise<Record<string, any>> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(isErrorIn(ingress, body, status)).toBe(true);
  return body;
}

const DEEP = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;

describe("the shape of each ingress's request is checked before routing, the fast path included", () => {
  const cases: { ingress: Ingress; what: string; body: (model: string) => Record<string, unknown>; field: string; says: string }[] = [
    {
      ingress: "openai",
      what: "content as an object",
      body: (m) => ({ model: m, messages: [{ role: "user", content: { nonsense: true } }] }),
      field: "messages[0].content",
      says: "Invalid type for 'messages[0].content'",
    },
    {
      ingress: "openai",
      what: "role robot",
      body: (m) => ({ model: m, messages: [{ role: "robot", content: "hi" }] }),
      field: "messages[0].role",
      says: "Invalid value: 'robot'",
    },
    {
      ingress: "openai",
      what: "max_tokens -7",
      body: (m) => ({ model: m, max_tokens: -7, messages: [{ role: "user", content: "hi" }] }),
      field: "max_tokens",
      says: "Expected a value >= 1, but got -7",
    },
    {
      ingress: "openai",
      what: "a tool message without its call id",
      body: (m) => ({ model: m, messages: [{ role: "tool", content: "42" }] }),
      field: "messages[0].tool_call_id",
      says: "Missing required parameter",
    },
    {
      ingress: "anthropic",
      what: "content as an object",
      body: (m) => ({ model: m, max_tokens: 8, messages: [{ role: "user", content: { nonsense: true } }] }),
      field: "messages.0.content",
      says: "messages.0.content: Input should be",
    },
    {
      ingress: "anthropic",
      what: "role robot",
      body: (m) => ({ model: m, max_tokens: 8, messages: [{ role: "robot", content: "hi" }] }),
      field: "messages.0.role",
      says: "messages.0.role: Input should be 'user' or 'assistant'",
    },
    {
      ingress: "anthropic",
      what: "max_tokens -7",
      body: (m) => ({ model: m, max_tokens: -7, messages: [{ role: "user", content: "hi" }] }),
      field: "max_tokens",
      says: "max_tokens: Input should be greater than or equal to 1",
    },
    {
      ingress: "anthropic",
      what: "a tool_use block without input",
      body: (m) => ({ model: m, max_tokens: 8, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "x" }] }] }),
      field: "messages.0.content.0.input",
      says: "messages.0.content.0.input: Field required",
    },
    {
      ingress: "responses",
      what: "role robot",
      body: (m) => ({ model: m, input: [{ role: "robot", content: "hi" }] }),
      field: "input[0].role",
      says: "Invalid value: 'robot'",
    },
    {
      ingress: "responses",
      what: "max_output_tokens -7",
      body: (m) => ({ model: m, input: "hi", max_output_tokens: -7 }),
      field: "max_output_tokens",
      says: "Expected a value >= 16, but got -7",
    },
    {
      ingress: "responses",
      what: "input as a number",
      body: (m) => ({ model: m, input: 7 }),
      field: "input",
      says: "Invalid type for 'input'",
    },
    {
      ingress: "gemini",
      what: "role robot",
      body: () => ({ contents: [{ role: "robot", parts: [{ text: "hi" }] }] }),
      field: "contents[0].role",
      says: "Please use a valid role: user, model.",
    },
    {
      ingress: "gemini",
      what: "parts as an object",
      body: () => ({ contents: [{ role: "user", parts: { text: "hi" } }] }),
      field: "contents[0].parts",
      says: "'contents[0].parts' must be a list",
    },
    {
      ingress: "gemini",
      what: "maxOutputTokens -7",
      body: () => ({ contents: [{ parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: -7 } }),
      field: "generationConfig.maxOutputTokens",
      says: "generationConfig.maxOutputTokens",
    },
  ];
  for (const c of cases) {
    test(`${c.ingress}: ${c.what} is a 400 naming ${c.field}, and no upstream is called`, async () => {
      const before = rig.upstreamCalls();
      const body = await refused(c.ingress, await post(c.ingress, c.body(rig.model[c.ingress])), 400);
      expect(errorMessage(body)).toContain(c.says);
      if (c.ingress === "openai" || c.ingress === "responses") expect(body.error.param).toBe(c.field);
      expect(rig.upstreamCalls()).toBe(before);
    });
  }

  for (const ingress of INGRESSES) {
    test(`${ingress}: content nested 100,000 arrays deep is a 400 before anything is encoded or sent`, async () => {
      const before = rig.upstreamCalls();
      const valid = JSON.stringify(validBody(ingress, rig.model[ingress]));
      const res = await post(ingress, valid.replace('"hi"', DEEP));
      expect(errorMessage(await refused(ingress, res, 400))).toContain("more than 100 levels deep");
      expect(rig.upstreamCalls()).toBe(before);
    });
  }

  test("malformed JSON and a body that is not an object are 400s that say so", async () => {
    expect(errorMessage(await refused("anthropic", await post("anthropic", '{"model":'), 400))).toContain("not valid JSON");
    expect(errorMessage(await refused("gemini", await post("gemini", "[1,2]"), 400))).toContain("must be a JSON object");
    expect(errorMessage(await refused("openai", await post("openai", ""), 400))).toContain("empty");
  });
});

describe("content type", () => {
  for (const ingress of INGRESSES) {
    test(`${ingress}: a text/plain "simple" cross-site POST is a 415 and spends nothing`, async () => {
      const before = rig.upstreamCalls();
      const res = await post(ingress, validBody(ingress, rig.model[ingress]), "text/plain;charset=UTF-8");
      expect(errorMessage(await refused(ingress, res, 415))).toContain("application/json");
      expect(rig.upstreamCalls()).toBe(before);
    });
  }

  test("a form post, or no content type at all, is a 415 on count_tokens and embeddings too", async () => {
    const form = await fetch(`${rig.gw.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    await refused("anthropic", form, 415);
    const none = await fetch(`${rig.gw.url}/v1/embeddings`, {
      method: "POST",
      body: new Blob([JSON.stringify({ model: "x", input: "y" })]),
    });
    await refused("openai", none, 415);
  });

  test("application/json with parameters, in any case, is accepted", async () => {
    const res = await post("openai", validBody("openai", rig.model.openai), "Application/JSON; charset=utf-8");
    expect(res.status).toBe(200);
  });
});

describe("size", () => {
  const big = "x".repeat(1_100_000);
  for (const ingress of INGRESSES) {
    test(`${ingress}: a body over MAX_REQUEST_BODY_MB is a 413 in the caller's format`, async () => {
      const before = rig.upstreamCalls();
      const res = await post(ingress, JSON.stringify(validBody(ingress, rig.model[ingress])).replace('"hi"', JSON.stringify(big)));
      expect(errorMessage(await refused(ingress, res, 413))).toContain("limit of 1 MB (MAX_REQUEST_BODY_MB)");
      expect(rig.upstreamCalls()).toBe(before);
    });
  }

  test("a chunked body (no Content-Length) is counted as it arrives and refused past the limit", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${rig.gw.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: stream });
    await refused("anthropic", res, 413);
  });
});

describe("model ids never walk an upstream URL", () => {
  test("a Gemini path whose escaped slashes hide .. segments is a 400, and the upstream sees nothing", async () => {
    const before = rig.upstreamCalls();
    const prefix = rig.model.gemini.split("/")[0];
    const res = await post("gemini", validBody("gemini", ""), "application/json", `${prefix}%2F..%2F..%2F..%2Fadmin%2Fx`);
    expect(errorMessage(await refused("gemini", res, 400))).toContain('must not be empty, "." or ".."');
    // Written literally, Bun resolves the dots before routing: the path (/admin/x:...) names no route at all.
    const literal = await rawRequest(
      rig.gw.url,
      "POST",
      `/v1beta/models/${prefix}/../../../admin/x:generateContent`,
      { "content-type": "application/json" },
      JSON.stringify(validBody("gemini", "")),
    );
    expect(literal.status).toBe(404);
    expect(rig.upstreamCalls()).toBe(before);
  });

  test("a malformed % escape, or an escaped lone surrogate, in a Gemini path is a 400, not a URI error", async () => {
    for (const model of ["bad%E0%A4%A", "bad%ED%A0%80"]) {
      const res = await post("gemini", validBody("gemini", ""), "application/json", model);
      expect(errorMessage(await refused("gemini", res, 400))).toContain("not valid percent-encoded UTF-8");
    }
  });

  test("CR/LF, a control character, a lone surrogate or invalid UTF-8 in a body's model is a 400 before any upstream call", async () => {
    const before = rig.upstreamCalls();
    for (const model of [`${rig.model.openai}\r\nx-injected: 1`, `${rig.model.openai}\u0000`, `${rig.model.openai}\ud800`]) {
      const body = await refused("openai", await post("openai", { model, messages: [{ role: "user", content: "hi" }] }), 400);
      expect(body.error).toMatchObject({ param: "model", code: "invalid_model" });
    }
    // Invalid UTF-8 bytes inside the model's JSON string.
    const bytes = Buffer.concat([
      Buffer.from(`{"model":"${rig.model.openai}`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","messages":[{"role":"user","content":"hi"}]}'),
    ]);
    const invalidUtf8 = await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bytes,
    });
    expect((await refused("openai", invalidUtf8, 400)).error.message).toContain("invalid UTF-8");
    const anthropic = await refused(
      "anthropic",
      await post("anthropic", { model: `${rig.model.gemini}/../../admin`, max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
      400,
    );
    expect(anthropic.error.message).toContain("Invalid model name");
    expect(rig.upstreamCalls()).toBe(before);
  });
});

describe("after all of it", () => {
  test("no breaker moved, and a good request of each ingress is still served by its upstream", async () => {
    expect(rig.gw.services.health.breakers.all().filter((b) => b.failures > 0 || b.phase !== "closed")).toEqual([]);
    for (const ingress of INGRESSES) {
      const before = rig.fakes[ingress].requests.length;
      const res = await post(ingress, validBody(ingress, rig.model[ingress]));
      expect(res.status).toBe(200);
      expect(rig.fakes[ingress].requests.length).toBe(before + 1);
    }
  });
});
