// Management API bodies: malformed, empty, non-JSON, oversized or too deep is a 4xx that names the problem, never a 500.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let connectionId: string;
beforeAll(async () => {
  gw = await startGateway({ MAX_REQUEST_BODY_MB: "0.5" });
  const created = await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" } });
  connectionId = ((await created.json()) as { id: string }).id;
});
afterAll(async () => {
  await gw.close();
});

async function send(path: string, body: string | undefined, contentType = "application/json", method = "POST") {
  return fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": contentType },
    body,
  });
}

async function problem(res: Response, status: number): Promise<{ message: string; code: string; field?: string }> {
  const body = (await res.json()) as { error: { message: string; code: string; field?: string } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body.error;
}

test("POST /api/providers/{id}/test with a JSON content type and an empty body runs the test with no options (it was a 500)", async () => {
  const res = await send(`/api/providers/${connectionId}/test`, "");
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ok: boolean }).ok).toBe(false); // nothing listens on port 9
});

test("an empty body where one is required is a 400 that says the body is empty", async () => {
  const error = await problem(await send("/api/keys", ""), 400);
  expect(error.message).toBe("The request body is empty: send a JSON object.");
  expect(error.field).toBe("body");
});

test("malformed JSON is a 400 that says so", async () => {
  const error = await problem(await send("/api/combos", '{"name": "x",'), 400);
  expect(error.code).toBe("invalid_json");
  expect(error.message).toContain("not valid JSON");
});

test("a body sent as text/plain is a 415, and nothing is created", async () => {
  const error = await problem(await send("/api/keys", JSON.stringify({ name: "sneaky" }), "text/plain"), 415);
  expect(error.code).toBe("unsupported_media_type");
  const keys = (await (await gw.api("/api/keys")).json()) as { name: string }[];
  expect(keys.some((k) => k.name === "sneaky")).toBe(false);
});

test("a body nested too deep is a 400, one over MAX_REQUEST_BODY_MB a 413", async () => {
  const deep = `{"name":"x","scopes":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
  expect((await problem(await send("/api/keys", deep), 400)).code).toBe("json_too_deep");
  const big = JSON.stringify({ name: "x".repeat(600_000) });
  expect((await problem(await send("/api/keys", big), 413)).message).toContain("MAX_REQUEST_BODY_MB");
});

test("a field of the wrong type is named", async () => {
  const error = await problem(await send("/api/keys", JSON.stringify({ name: 7 })), 400);
  expect(error.field).toBe("name");
});
