// An upstream that sends its headers and then nothing is given up after the profile's idle limit: a stream ends
// with the client format's error event, an unstreamed call moves on to the next model as any failure would.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { connect } from "../routing/support.ts";

let gw: TestGateway;
let silent: FakeUpstream;
let backup: FakeUpstream;

beforeAll(async () => {
  gw = await startGateway();
  silent = startOpenAIUpstream({ kind: "stall", text: "one two three four", afterChunks: 1 });
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
  await connect(gw, "ds", silent, "key-silent");
  await connect(gw, "groq", backup, "key-backup");
  expect((await gw.api("/api/resilience", { method: "PATCH", body: { defaults: { streamIdleMs: 1_000 } } })).status).toBe(200);
  expect(
    (await gw.api("/api/combos", { body: { name: "with-backup", models: ["ds/deepseek-chat", "groq/llama-3.3-70b-versatile"] } })).status,
  ).toBe(201);
});
afterAll(async () => {
  await gw.close();
  await silent.close();
  await backup.close();
});

const rowOf = async (res: Response) => {
  await gw.services.usage.written();
  return (await listUsageLogs(gw.services.store, { limit: 50 })).find((r) => r.requestId === res.headers.get("x-omniroute-request-id"));
};

async function post(path: string, body: Record<string, unknown>) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await gw.adminKey()}`, "anthropic-version": "2023-06-01" },
    body: JSON.stringify(body),
  });
}

describe("an upstream that goes silent after its headers", () => {
  test("fast path stream: the chunks that came, then an OpenAI error chunk; the row says 504 upstream_idle_timeout", async () => {
    const aborted = silent.aborted;
    const started = performance.now();
    const res = await post("/v1/chat/completions", {
      model: "ds/deepseek-chat",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(text).toContain('"content":"one');
    expect(text).toContain("went silent");
    expect(text).not.toContain("[DONE]");
    expect(await rowOf(res)).toMatchObject({ status: 504, errorClass: "upstream_idle_timeout" });
    // The silent upstream call is let go, not left open.
    for (let i = 0; i < 100 && silent.aborted === aborted; i++) await Bun.sleep(10);
    expect(silent.aborted).toBeGreaterThan(aborted);
  });

  test("translated stream (an Anthropic client): an `event: error` after the text that came", async () => {
    const res = await post("/v1/messages", {
      model: "ds/deepseek-chat",
      stream: true,
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const text = await res.text();
    expect(text).toContain("text_delta");
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":"The upstream stream went silent/);
    expect(text).not.toContain("message_stop");
    expect(await rowOf(res)).toMatchObject({ status: 504, errorClass: "upstream_idle_timeout" });
  });

  test("unstreamed: nothing reached the client yet, so the combo's next model answers", async () => {
    const res = await post("/v1/chat/completions", { model: "with-backup", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe("from the backup");
    expect(res.headers.get("x-omniroute-fallback-attempts")).toBe("1");
  });

  test("unstreamed with nothing to fall back to: a 504 that says what happened", async () => {
    const res = await post("/v1/chat/completions", { model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(504);
    expect((await res.json()).error.message).toContain("sent its headers, then sent nothing for 1 s");
    expect(await rowOf(res)).toMatchObject({ status: 504 });
  });
});
