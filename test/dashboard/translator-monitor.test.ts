// The Translator page's live monitor: its SSE stream of proxied requests, heartbeats and watcher limit.
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { monitorRowHtml, monitorStream } from "../../src/dashboard/monitor-stream.ts";
import { useTranslatorRig } from "./translator-support.ts";

const rig = useTranslatorRig();
const { page } = rig;

describe("live monitor", () => {
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, ms = 5000): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + ms;
    while (!text.includes(needle)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${needle}; got ${text}`);
      const { value, done } = await Promise.race([
        reader.read(),
        Bun.sleep(deadline - Date.now()).then(() => ({ value: undefined, done: false })),
      ]);
      if (done) throw new Error(`stream ended before ${needle}; got ${text}`);
      if (value) text += decoder.decode(value, { stream: true });
    }
    return text;
  }

  async function waitFor(check: () => boolean, ms = 3000) {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await Bun.sleep(10);
    }
  }

  test("the connector partial carries the SSE connection into the rows", async () => {
    const live = await (await page("/dashboard/partials/monitor/connector")).text();
    expect(live).toContain('hx-sse:connect="/dashboard/partials/monitor/stream"');
    expect(live).toContain('hx-target="#monitor-rows"');
    const paused = await (await page("/dashboard/partials/monitor/connector?paused=1")).text();
    expect(paused).not.toContain("hx-sse:connect");
    expect(paused).toContain("Resume");
  });

  test("a proxied request arrives as an escaped <tr>; disconnecting unsubscribes", async () => {
    const abort = new AbortController();
    const res = await fetch(`${rig.gw.url}/dashboard/partials/monitor/stream`, { headers: { cookie: rig.cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await readUntil(reader, ": watching");
    expect(rig.gw.services.monitor.watching).toBe(1);

    rig.fake.setScenario({ kind: "text", text: "live" });
    const proxied = await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await rig.gw.adminKey()}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(proxied.status).toBe(200);
    await proxied.text();
    const text = await readUntil(reader, "deepseek/deepseek-chat");
    const frame = text.split("\n\n").find((f) => f.includes("deepseek/deepseek-chat"))!;
    expect(frame).toStartWith("data: <tr>");
    expect(frame).toContain("<td>ds/deepseek-chat</td>");
    expect(frame).toContain('<span class="badge ok">200</span>');

    // A hostile model name is escaped in the row.
    await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await rig.gw.adminKey()}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/<img src=x onerror=alert(1)>", messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.text());
    const hostile = await readUntil(reader, "onerror");
    expect(hostile).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(hostile).not.toContain("<img src=x");

    abort.abort();
    await waitFor(() => rig.gw.services.monitor.watching === 0);
  });

  test("when too many watch, the stream answers 503 with a message", async () => {
    const unsubscribers: Array<() => void> = [];
    for (;;) {
      const off = rig.gw.services.monitor.subscribe(() => {});
      if (!off) break;
      unsubscribers.push(off);
    }
    const res = await page("/dashboard/partials/monitor/stream");
    for (const off of unsubscribers) off();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Too many live monitors are open");
    expect(rig.gw.services.monitor.watching).toBe(0);
  });

  test("an idle stream sends comment heartbeats, and stops them when the reader cancels", async () => {
    const app = new Hono().get("/s", (c) => monitorStream(rig.gw.services, c, 20));
    const res = await app.request("/s");
    const reader = res.body!.getReader();
    const text = await readUntil(reader, ": heartbeat\n\n: heartbeat\n\n");
    expect(text).not.toContain("data:");
    await reader.cancel();
    expect(rig.gw.services.monitor.watching).toBe(0);
  });

  test("a row renders newlines in a value inside one SSE event", () => {
    const html = monitorRowHtml({
      at: Date.now(),
      requestId: "r",
      endpoint: "chat.completions",
      keyId: null,
      modelRequested: "a\nb",
      status: 502,
      latencyMs: 12,
      inputTokens: 1,
      outputTokens: 2,
      costUsd: 0,
      errorClass: "upstream_error",
    });
    expect(html).toStartWith("<tr>");
    expect(html).toContain('<span class="badge bad">502</span>');
    expect(html).toContain("upstream_error");
  });
});
