// SIGTERM past SHUTDOWN_TIMEOUT_MS: a stream still open ends with an error event in its client's format, its row
// says the gateway closed it ("shutdown"), never "client_closed", and the process still exits 0.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { boot, removeTempDirs, signIn, tempDir } from "./support.ts";

afterAll(removeTempDirs);

test("a stream still open when the drain time is over gets an error event, a 'shutdown' row, and the process exits 0", async () => {
  const upstream = startOpenAIUpstream({ kind: "stall", text: "one two three", afterChunks: 1 });
  const dataDir = tempDir();
  const { proc, url, log, rest } = await boot([process.execPath, "src/main.ts"], dataDir, { SHUTDOWN_TIMEOUT_MS: "300" });
  try {
    const cookie = await signIn(url);
    const conn = await fetch(`${url}/api/providers`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: url },
      body: JSON.stringify({ provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` }),
    });
    expect(conn.status).toBe(201);
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = "";
    while (!body.includes("text_delta")) body += decoder.decode((await reader.read()).value);
    proc.kill("SIGTERM");
    for (let r = await reader.read(); !r.done; r = await reader.read()) body += decoder.decode(r.value);
    expect(body).toMatch(
      /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"The gateway is shutting down/,
    );
    expect(await proc.exited).toBe(0);
    await rest;
    expect(log()).toContain("ending 1 answer(s) with an error event");

    const db = new Database(join(dataDir, "omniroute.sqlite"), { readonly: true });
    const row = db.query("select status, error_class from usage_log order by id desc limit 1").get();
    db.close();
    expect(row).toEqual({ status: 503, error_class: "shutdown" });
  } finally {
    proc.kill("SIGKILL");
    await upstream.close();
  }
}, 30_000);
