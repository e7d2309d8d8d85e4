// ENABLE_REQUEST_LOGS: bodies as the client sent and received them, redacted, capped, in their own file, batched and pruned.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capText, redactBodyText, redactHeaders, redactJson } from "../../src/usage/request-logs/redact.ts";
import { openRequestLogStore, REQUEST_LOG_FILENAME, type RequestLogEntry } from "../../src/usage/request-logs/store.ts";
import { logExchange } from "../../src/usage/request-logs/tap.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { sqliteOf } from "../support/sqlite-of.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "omniroute-reqlog-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("with ENABLE_REQUEST_LOGS=true", () => {
  let gw: TestGateway;
  let up: FakeUpstream;
  let clientKey: string;
  beforeAll(async () => {
    gw = await startGateway({ ENABLE_REQUEST_LOGS: "true" });
    clientKey = (await gw.services.apiKeys.create("client", [])).key;
    up = startOpenAIUpstream({ kind: "text", text: "Hello there, friend.", chunks: 4 });
    await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${up.url}/v1` } });
  });
  afterAll(async () => {
    gw.services.requestLogs?.close();
    await gw.close();
    await up.close();
  });

  const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${clientKey}`, ...headers },
      body: JSON.stringify(body),
    });
  const bodies = async (requestId: string) => {
    const res = await gw.api(`/api/usage/logs/${requestId}/body`);
    return { status: res.status, json: (await res.json()) as any };
  };

  test("a JSON answer is kept byte for byte, with the request redacted and the id of its usage row", async () => {
    const res = await chat(
      {
        model: "ds/deepseek-chat",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
        metadata: { api_key: "sk-in-body", note: "keep" },
      },
      { "x-api-key": "sk-header", "x-goog-api-key": "g-header", "user-agent": "test-agent" },
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    const requestId = res.headers.get("x-omniroute-request-id")!;
    const { status, json } = await bodies(requestId);
    expect(status).toBe(200);
    expect(json).toMatchObject({ requestId, endpoint: "chat.completions", model: "ds/deepseek-chat", status: 200, responseBody: text });
    expect(json.ts).toBeGreaterThan(Date.now() - 60_000);
    const sent = JSON.parse(json.requestBody);
    expect(sent).toEqual({
      model: "ds/deepseek-chat",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
      metadata: { api_key: "[redacted]", note: "keep" },
    });
    expect(json.requestHeaders).toMatchObject({
      authorization: "[redacted]",
      "x-api-key": "[redacted]",
      "x-goog-api-key": "[redacted]",
      "user-agent": "test-agent",
    });
    const raw = JSON.stringify(json);
    for (const secret of [clientKey, "sk-in-body", "sk-header", "g-header"]) expect(raw).not.toContain(secret);
    // Same id as the usage row.
    const row = sqliteOf(gw.services.store).$client.query("select status from usage_log where request_id = ?").get(requestId) as {
      status: number;
    };
    expect(row.status).toBe(200);
  });

  test("a stream is kept as the SSE text the client received", async () => {
    const res = await chat({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "hi" }] });
    const text = await res.text();
    expect(text).toContain("data: [DONE]");
    const { json } = await bodies(res.headers.get("x-omniroute-request-id")!);
    expect(json.responseBody).toBe(text);
    expect(JSON.parse(json.requestBody).stream).toBe(true);
  });

  test("an error answer is kept with its status", async () => {
    up.setScenario({ kind: "error", status: 400, message: "bad things" });
    try {
      const res = await chat({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] });
      expect(res.status).toBe(400);
      const text = await res.text();
      const { json } = await bodies(res.headers.get("x-omniroute-request-id")!);
      expect(json.status).toBe(400);
      expect(json.responseBody).toBe(text);
      expect(text).toContain("bad things");
    } finally {
      up.setScenario({ kind: "text", text: "Hello there, friend.", chunks: 4 });
    }
  });

  test("a request body over 256 KB is cut with a marker", async () => {
    const big = "x".repeat(300 * 1024);
    const res = await chat({ model: "ds/deepseek-chat", messages: [{ role: "user", content: big }] });
    await res.text();
    const { json } = await bodies(res.headers.get("x-omniroute-request-id")!);
    expect(json.requestBody).toMatch(/\n\[truncated by OmniRoute: \d+ bytes in all, 262144 kept\]$/);
    expect(Buffer.byteLength(json.requestBody)).toBeLessThan(262_144 + 100);
  });

  test("bodies live in their own file; an unknown id is a 404", async () => {
    gw.services.requestLogs!.flush();
    const path = join(gw.config.dataDir, REQUEST_LOG_FILENAME);
    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect((db.query("select count(*) as n from request_logs").get() as { n: number }).n).toBeGreaterThanOrEqual(4);
    db.close();
    expect(sqliteOf(gw.services.store).$client.query("select name from sqlite_master where name = 'request_logs'").get()).toBeNull();
    const missing = await gw.api("/api/usage/logs/nope/body");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("request_log_not_found");
  });
});

describe("with request logs off (the default)", () => {
  test("nothing is opened and the endpoint is a 404", async () => {
    const gw = await startGateway();
    try {
      expect(gw.services.requestLogs).toBeUndefined();
      expect(existsSync(join(gw.config.dataDir, REQUEST_LOG_FILENAME))).toBe(false);
      const res = await gw.api("/api/usage/logs/anything/body");
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("request_logs_disabled");
    } finally {
      await gw.close();
    }
  });
});

const entry = (requestId: string, ts: number, size = 10): RequestLogEntry => ({
  requestId,
  ts,
  endpoint: "chat.completions",
  model: "m",
  status: 200,
  requestHeaders: {},
  requestBody: "q".repeat(size),
  responseBody: "a".repeat(size),
});

describe("the store", () => {
  test("writes in batches off the request, within flushMs", async () => {
    const path = join(tempDir(), REQUEST_LOG_FILENAME);
    const store = openRequestLogStore(path, { flushMs: 30 });
    const reader = new Database(path, { readonly: true });
    const rows = () => (reader.query("select count(*) as n from request_logs").get() as { n: number }).n;
    store.add(entry("a", Date.now()));
    store.add(entry("b", Date.now()));
    expect(rows()).toBe(0);
    expect(store.get("b")?.requestId).toBe("b"); // readable while queued
    await Bun.sleep(80);
    expect(rows()).toBe(2);
    reader.close();
    store.close();
  });

  test("drops entries past their age, then the oldest while over the size cap", () => {
    const path = join(tempDir(), REQUEST_LOG_FILENAME);
    const now = Date.now();
    const store = openRequestLogStore(path, { maxAgeMs: 7 * 86_400_000, maxTotalBytes: 10_000 });
    store.add(entry("old", now - 8 * 86_400_000));
    for (let i = 0; i < 20; i++) store.add(entry(`r${i}`, now, 500)); // ~1 KB each: 20 KB, twice the cap
    store.flush();
    expect(store.get("old")).toBeUndefined();
    expect(store.get("r19")).toBeDefined();
    expect(store.get("r0")).toBeUndefined();
    const db = new Database(path, { readonly: true });
    const total = (db.query("select sum(bytes) as n from request_logs").get() as { n: number }).n;
    expect(total).toBeLessThanOrEqual(10_000);
    db.close();
    store.close();
    // Reopened, the size is counted again from the file.
    const again = openRequestLogStore(path, { maxTotalBytes: 10_000 });
    for (let i = 20; i < 30; i++) again.add(entry(`r${i}`, now, 500));
    again.flush();
    expect(again.get("r29")).toBeDefined();
    expect(again.get("r19")).toBeUndefined();
    again.close();
  });
});

describe("redaction and caps", () => {
  test("credential fields go at any depth and case; look-alikes stay", () => {
    const out = redactJson({
      apiKey: "a",
      nested: [{ PASSWORD: "p", deeper: { refresh_token: "r", access_token: "t" } }],
      token: 1,
      max_tokens: 5,
      secret: { x: 1 },
      Authorization: "b",
      tokens: 3,
    });
    expect(out).toEqual({
      apiKey: "[redacted]",
      nested: [{ PASSWORD: "[redacted]", deeper: { refresh_token: "[redacted]", access_token: "[redacted]" } }],
      token: "[redacted]",
      max_tokens: 5,
      secret: "[redacted]",
      Authorization: "[redacted]",
      tokens: 3,
    });
    expect(redactHeaders(new Headers({ Authorization: "Bearer x", "X-Api-Key": "k", cookie: "c", accept: "*/*" }))).toEqual({
      authorization: "[redacted]",
      "x-api-key": "[redacted]",
      cookie: "[redacted]",
      accept: "*/*",
    });
  });

  test("headers off the allow-list are redacted, whatever their name; the named credential fields of issue 14 are masked, token counts kept", () => {
    const headers = redactHeaders(
      new Headers({
        "api-key": "azure-key",
        "x-auth-token": "t",
        "openai-api-key": "k",
        "x-custom-thing": "v",
        "proxy-authorization": "Basic x",
        "content-type": "application/json",
        "user-agent": "claude-cli/2",
        "anthropic-version": "2023-06-01",
        "x-stainless-lang": "js",
      }),
    );
    expect(headers).toEqual({
      "api-key": "[redacted]",
      "x-auth-token": "[redacted]",
      "openai-api-key": "[redacted]",
      "x-custom-thing": "[redacted]",
      "proxy-authorization": "[redacted]",
      "content-type": "application/json",
      "user-agent": "claude-cli/2",
      "anthropic-version": "2023-06-01",
      "x-stainless-lang": "js",
    });
    const body = redactJson({
      client_secret: "cs",
      private_key: "-----BEGIN",
      oauth: { authCode: "c", sessionId: "s", credentials: { user: "u" } },
      passwd: "p",
      max_tokens: 10,
      max_output_tokens: 20,
      usage: { input_tokens: 1, promptTokenCount: 2, prompt_tokens_details: { cached_tokens: 0 } },
      keep: "me",
    });
    expect(body).toEqual({
      client_secret: "[redacted]",
      private_key: "[redacted]",
      oauth: "[redacted]",
      passwd: "[redacted]",
      max_tokens: 10,
      max_output_tokens: 20,
      usage: { input_tokens: 1, promptTokenCount: 2, prompt_tokens_details: { cached_tokens: 0 } },
      keep: "me",
    });
  });

  test("response text: JSON and SSE data lines are redacted only where needed", () => {
    const plain = '{"id": "x",  "choices": []}';
    expect(redactBodyText(plain)).toBe(plain);
    expect(JSON.parse(redactBodyText('{"a":{"token":"t"}}'))).toEqual({ a: { token: "[redacted]" } });
    const sse = 'event: x\ndata: {"a":1}\n\ndata: {"b":{"api_key":"k"}}\n\ndata: [DONE]\n\n';
    expect(redactBodyText(sse)).toBe('event: x\ndata: {"a":1}\n\ndata: {"b":{"api_key":"[redacted]"}}\n\ndata: [DONE]\n\n');
  });

  test("caps cut on a character boundary and say how much there was", () => {
    expect(capText("abc", 10)).toBe("abc");
    const cut = capText("é".repeat(10), 5); // 2 bytes each: 2 whole characters fit
    expect(cut).toBe("éé\n[truncated by OmniRoute: 20 bytes in all, 5 kept]");
  });

  test("a response cut short is logged with what was sent and a note", async () => {
    const path = join(tempDir(), REQUEST_LOG_FILENAME);
    const store = openRequestLogStore(path);
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("data: one\n\n"));
        c.enqueue(new TextEncoder().encode("data: two-and-more\n\n"));
      },
    });
    const tapped = logExchange(
      store,
      { requestId: "cut", ts: 1, endpoint: "e", model: "m", headers: new Headers(), body: { a: 1 } },
      new Response(source),
      (e) => {
        throw e;
      },
      16,
    );
    const reader = tapped.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: one\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: two-and-more\n\n");
    await reader.cancel();
    const got = store.get("cut")!;
    expect(got.responseBody).toBe(
      "data: one\n\ndata:\n[truncated by OmniRoute: 31 bytes in all, 16 kept]\n[response cut short: the client went away]",
    );
    expect(got.requestBody).toBe('{"a":1}');
    store.close();
  });
});
