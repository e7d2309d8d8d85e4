// LOG_FORMAT=json on the real process: every line it writes parses as a JSON object with time, level and message,
// and each request adds one access line naming who asked, what was served by whom, how it ended and what it cost.
import { afterAll, describe, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { boot, removeTempDirs, signIn, tempDir } from "../process/support.ts";

afterAll(removeTempDirs);

describe("LOG_FORMAT=json", () => {
  test("every line is a JSON object; each request writes an access line", async () => {
    const upstream = startOpenAIUpstream({ kind: "text", text: "hi there", usage: { input: 14, output: 3 } });
    // A collector that is not there: the spans' loss is said in the log, as JSON too.
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const nowhere = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const { proc, url, log, rest } = await boot([process.execPath, "src/main.ts"], tempDir(), {
      LOG_FORMAT: "json",
      OTEL_EXPORTER_OTLP_ENDPOINT: nowhere,
      OTEL_BSP_SCHEDULE_DELAY: "10",
      OTEL_EXPORTER_OTLP_TIMEOUT: "300",
    });
    try {
      const cookie = await signIn(url);
      const management = { "content-type": "application/json", cookie, origin: url };
      const conn = await fetch(`${url}/api/providers`, {
        method: "POST",
        headers: management,
        body: JSON.stringify({ provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` }),
      });
      expect(conn.status).toBe(201);
      const created = await (
        await fetch(`${url}/api/keys`, { method: "POST", headers: management, body: JSON.stringify({ name: "laptop" }) })
      ).json();
      const chat = (model: string) =>
        fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${created.key}` },
          body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
        });
      const ok = await chat("ds/deepseek-chat");
      expect(ok.status).toBe(200);
      await ok.text();
      const missing = await chat("nobody/has-this");
      expect(missing.status).toBeGreaterThanOrEqual(400);
      await missing.text();
      // Wait for the failed export's line (the batch goes out 10 ms after the spans end).
      const deadline = Date.now() + 10_000;
      while (!log().includes("traces not exported") && Date.now() < deadline) await Bun.sleep(20);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      await rest;
      await upstream.close();
    }
    const lines = log()
      .split("\n")
      .filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(3);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const e of entries) {
      expect(typeof e.time).toBe("string");
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);
      expect(["debug", "info", "warn", "error"]).toContain(String(e.level));
      expect(typeof e.message).toBe("string");
    }
    expect(entries.some((e) => String(e.message).includes("listening on"))).toBe(true);
    expect(entries.some((e) => e.message === "stopped cleanly")).toBe(true);

    const lost = entries.find((e) => String(e.message).startsWith("traces not exported"));
    expect(lost).toMatchObject({ level: "warn", message: expect.stringContaining(`${nowhere}/v1/traces`) });
    expect(lost!.spansLost).toBeGreaterThanOrEqual(1);

    const access = entries.filter((e) => e.kind === "access");
    expect(access.length).toBe(2);
    expect(access[0]).toMatchObject({
      level: "info",
      message: "access",
      key: "laptop",
      format: "openai-chat",
      modelRequested: "ds/deepseek-chat",
      modelServed: "deepseek-chat",
      provider: "deepseek",
      status: 200,
      errorClass: null,
      tokens: { input: 14, output: 3, cached: 0, cacheWrite: 0, reasoning: 0 },
    });
    expect(typeof access[0]!.requestId).toBe("string");
    expect(typeof access[0]!.account).toBe("string");
    expect(access[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(access[0]!.ttftMs).toBeGreaterThanOrEqual(0);
    expect(access[0]!.costUsd).toBeGreaterThan(0);
    expect(access[1]).toMatchObject({ key: "laptop", modelRequested: "nobody/has-this", provider: null, costUsd: 0 });
    expect(access[1]!.status).toBeGreaterThanOrEqual(400);
    expect(typeof access[1]!.errorClass).toBe("string");
  }, 30_000);
});
