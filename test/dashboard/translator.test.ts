// The Translator page: playground, chat tester through the real pipeline, test bench, and the live monitor's SSE stream.
import { rawDatabase } from "../support/gateway.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compareRequests, runBench, BENCH_CASES } from "../../src/dashboard/translator-bench.ts";
import { Hono } from "hono";
import { monitorRowHtml, monitorStream } from "../../src/dashboard/monitor-stream.ts";
import { BenchTable } from "../../views/partials/translator-bench.tsx";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let fake: FakeUpstream;
let cookie: string;

beforeAll(async () => {
  gw = await startGateway();
  fake = startOpenAIUpstream({ kind: "text", text: "Hello from the fake upstream." });
  cookie = await gw.login();
  const created = await gw.api("/api/providers", {
    body: { provider: "ds", apiKey: "sk-fake-123456", baseUrl: `${fake.url}/v1`, name: "fake ds" },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await gw.close();
  await fake.close();
});

const page = (path: string) => fetch(`${gw.url}${path}`, { headers: { cookie } });
const post = (path: string, fields: Record<string, string | string[]>) => {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { cookie, origin: gw.url, "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
};
/** Text as Hono JSX escapes it in element content. */
const escaped = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

describe("the page", () => {
  test("renders four keyboard-reachable tabs with the playground open and an example loaded", async () => {
    const res = await page("/dashboard/translator");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Translator · OmniRoute</title>");
    expect(html.match(/role="tab"/g)?.length).toBe(4);
    expect(html).toContain('aria-controls="panel-monitor"');
    expect(html).toContain("x-on:keydown.right.prevent");
    expect(html).toContain('id="panel-chat" aria-labelledby="tab-chat" tabindex="0" hidden');
    expect(html).toContain(escaped('"budget_tokens": 2048'));
    // The SSE extension is loaded on this page only.
    expect(html).toContain("/static/vendor/hx-sse.min.js");
    expect(await (await page("/dashboard/keys")).text()).not.toContain("hx-sse");
    const script = await fetch(`${gw.url}/static/monitor.js`);
    expect(script.status).toBe(200);
  });

  test("without a session the page sends the browser to the login", async () => {
    const res = await fetch(`${gw.url}/dashboard/translator`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toStartWith("/login");
  });
});

describe("playground", () => {
  const body = {
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    system: "Be terse.",
    messages: [{ role: "user", content: "Hi <script>alert(1)</script>" }],
  };

  test("shows exactly what POST /api/translator/translate answers, escaped", async () => {
    const res = await post("/dashboard/partials/translator/translate", {
      from: "anthropic",
      to: "openai-chat",
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const api = await (await gw.api("/api/translator/translate", { body: { from: "anthropic", to: "openai-chat", body } })).json();
    expect(html).toContain(escaped(JSON.stringify(api.body, null, 2)));
    expect(html).toContain("POST /chat/completions");
    expect(html).toContain("nothing dropped");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;script&gt;alert(1)");
  });

  test("lists what the target cannot express", async () => {
    const withBudget = { ...body, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 } };
    const html = await (
      await post("/dashboard/partials/translator/translate", { from: "anthropic", to: "openai-chat", body: JSON.stringify(withBudget) })
    ).text();
    expect(html).toContain("1 dropped");
    expect(html).toContain("<code>reasoning.budgetTokens</code>");
  });

  test("invalid JSON and a body the source format rejects are 422s with the error beside the textarea", async () => {
    const bad = await post("/dashboard/partials/translator/translate", { from: "openai-chat", to: "anthropic", body: "{ not json" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/<small id="f-body-error" class="field-error" role="alert">Not valid JSON/);
    expect(badHtml).toContain("{ not json</textarea>");

    const rejected = await post("/dashboard/partials/translator/translate", {
      from: "openai-chat",
      to: "anthropic",
      body: JSON.stringify({ model: "x" }),
    });
    expect(rejected.status).toBe(422);
    expect(await rejected.text()).toMatch(/id="f-body-error"[^>]*>The openai-chat format rejects this body/);

    const array = await post("/dashboard/partials/translator/translate", { from: "openai-chat", to: "anthropic", body: "[1]" });
    expect(array.status).toBe(422);
    expect(await array.text()).toContain("must be a JSON object");
  });

  test("an unknown format is a 422 beside its select", async () => {
    const res = await post("/dashboard/partials/translator/translate", { from: "cobol", to: "anthropic", body: "{}" });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/must be one of openai-chat, anthropic, responses, gemini<\/small>/);
  });

  test("load example fills the body and the model for the chosen source format", async () => {
    const html = await (await page("/dashboard/partials/translator/example?from=gemini&to=anthropic")).text();
    expect(html).toContain('value="gemini-2.5-flash"');
    expect(html).toContain(escaped('"functionDeclarations"'));
    expect(html).toMatch(/<option value="anthropic" selected="">Anthropic Messages<\/option>/);
    // The example translates cleanly.
    const form = {
      from: "gemini",
      to: "anthropic",
      model: "gemini-2.5-flash",
      body: JSON.stringify((await import("../../src/dashboard/translator-examples.ts")).EXAMPLES.gemini.body),
    };
    expect((await post("/dashboard/partials/translator/translate", form)).status).toBe(200);
  });
});

describe("chat tester", () => {
  test("suggests the models that can be called", async () => {
    const html = await (await page("/dashboard/partials/translator/models")).text();
    expect(html).toContain('<datalist id="chat-models">');
    expect(html).toContain('<option value="ds/deepseek-chat">');
  });

  test("an Anthropic client's message goes through the real pipeline to an OpenAI upstream, every step shown", async () => {
    fake.setScenario({ kind: "text", text: "Bonjour <b>tout</b> le monde" });
    const before = fake.requests.length;
    const res = await post("/dashboard/partials/translator/chat", {
      model: "ds/deepseek-chat",
      format: "anthropic",
      message: "Say hello",
      system: "Be brief.",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(fake.requests.length).toBe(before + 1);
    const sent = fake.requests.at(-1)!;
    // (a) the client request, (b) the upstream request as the upstream received it, (c) the client response.
    expect(html).toContain("POST /v1/messages");
    expect(html).toContain(escaped('"max_tokens": 1024'));
    expect(html).toContain(`POST ${fake.url}/v1/chat/completions`);
    expect(html).toContain(escaped(JSON.stringify(sent.body, null, 2)));
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(html).toContain(escaped('"type": "message"'));
    expect(html).toContain("Bonjour &lt;b&gt;tout&lt;/b&gt; le monde");
    expect(html).toContain("<code>x-omniroute-provider</code></td><td>deepseek</td>");
    expect(html).toContain("<code>x-omniroute-fallback-attempts</code></td><td>0</td>");
    expect(html).not.toContain("sk-fake-123456");
    const row = rawDatabase(gw.services)
      .query("select endpoint, status from usage_log where endpoint = 'dashboard.chat-tester' order by ts desc limit 1")
      .get();
    expect(row).toEqual({ endpoint: "dashboard.chat-tester", status: 200 });
  });

  test("a Gemini client names the model in the URL", async () => {
    fake.setScenario({ kind: "text", text: "ok" });
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "ds/deepseek-chat", format: "gemini", message: "hi" })
    ).text();
    expect(html).toContain("POST /v1beta/models/ds%2Fdeepseek-chat:generateContent");
    expect(html).toContain(escaped('"candidates"'));
    expect(fake.requests.at(-1)!.body.model).toBe("deepseek-chat");
  });

  test("an upstream error is shown in the client's own format with its status", async () => {
    fake.setScenario({ kind: "error", status: 400, message: "This model does not like you" });
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "ds/deepseek-chat", format: "anthropic", message: "hi" })
    ).text();
    fake.setScenario({ kind: "text", text: "ok" });
    expect(html).toContain('<span class="badge bad">400</span>');
    expect(html).toContain(escaped('"type": "error"'));
    expect(html).toContain("This model does not like you");
  });

  test("a model nothing serves answers in the client's format, without calling an upstream", async () => {
    const before = fake.requests.length;
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "nowhere/none", format: "openai-chat", message: "hi" })
    ).text();
    expect(fake.requests.length).toBe(before);
    expect(html).toContain("No upstream was called");
    expect(html).toMatch(/<span class="badge bad">4\d\d<\/span>/);
    expect(html).toContain(escaped('"error": {'));
  });

  test("missing fields are 422s beside the field, and nothing is sent", async () => {
    const before = fake.requests.length;
    const res = await post("/dashboard/partials/translator/chat", { model: "", format: "anthropic", message: "  " });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<small id="f-chat-model-error" class="field-error">Name a model');
    expect(html).toContain('<small id="f-chat-message-error" class="field-error">Type a message</small>');
    expect(fake.requests.length).toBe(before);
  });
});

describe("test bench", () => {
  test("every built-in case passes across all sixteen pairs, quickly", async () => {
    const pairs = ["openai-chat", "anthropic", "responses", "gemini"].flatMap((a) =>
      ["openai-chat", "anthropic", "responses", "gemini"].map((b) => `${a}>${b}`),
    );
    const res = await post("/dashboard/partials/translator/bench", { case: BENCH_CASES.map((c) => c.id), pair: pairs });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("112 of 112 translations kept the key fields");
    expect(html.match(/<span class="badge ok">pass<\/span>/g)?.length).toBe(112);
    const started = performance.now();
    runBench(
      BENCH_CASES.map((c) => c.id),
      [["anthropic", "gemini"]],
    );
    expect(performance.now() - started).toBeLessThan(200);
  });

  test("runs only the chosen cases and pairs; choosing none is a 422 beside the fieldset", async () => {
    const html = await (await post("/dashboard/partials/translator/bench", { case: ["image"], pair: ["responses>gemini"] })).text();
    expect(html).toContain("1 of 1 translations");
    const none = await post("/dashboard/partials/translator/bench", { case: ["image"] });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('<small id="bench-pairs-error" class="field-error">Pick at least one format pair</small>');
    const forged = await post("/dashboard/partials/translator/bench", { case: ["image"], pair: ["cobol>gemini"] });
    expect(forged.status).toBe(422);
  });

  test("a lost field is a difference, unless the encoder reported it dropped", () => {
    const sent = BENCH_CASES.find((c) => c.id === "tool-round-trip")!.request;
    const arrived = { ...sent, maxTokens: 100, messages: sent.messages.slice(0, 2), responseFormat: undefined };
    const diff = compareRequests(sent, arrived, []);
    expect(diff).toContain("max tokens: sent 4096, arrived 100");
    expect(diff.some((d) => d.startsWith("message roles: sent user, assistant, user, arrived user, assistant"))).toBe(true);
    expect(diff.some((d) => d.startsWith("tool call ids:"))).toBe(true);
    const structured = BENCH_CASES.find((c) => c.id === "structured")!.request;
    const lost = { ...structured, responseFormat: undefined };
    expect(compareRequests(structured, lost, [])).toEqual(["response format: sent json_schema, arrived none"]);
    expect(compareRequests(structured, lost, ["responseFormat"])).toEqual([]);
  });

  test("a failure is marked in the matrix and its differences are listed, escaped", () => {
    const html = String(
      BenchTable({
        ms: 1,
        results: [
          {
            caseId: "text",
            caseLabel: "Plain text",
            from: "gemini",
            to: "anthropic",
            ok: false,
            differences: ["text: sent <a>, arrived (none)"],
            dropped: [],
          },
          { caseId: "text", caseLabel: "Plain text", from: "anthropic", to: "gemini", ok: true, differences: [], dropped: ["topK"] },
        ],
      }),
    );
    expect(html).toContain("1 of 2 translations");
    expect(html).toContain('<span class="badge bad">fail</span>');
    expect(html).toContain("<li>text: sent &lt;a&gt;, arrived (none)</li>");
    expect(html).toContain("<code>topK</code>");
  });
});

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
    const res = await fetch(`${gw.url}/dashboard/partials/monitor/stream`, { headers: { cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await readUntil(reader, ": watching");
    expect(gw.services.monitor.watching).toBe(1);

    fake.setScenario({ kind: "text", text: "live" });
    const proxied = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": "application/json" },
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
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "ds/<img src=x onerror=alert(1)>", messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.text());
    const hostile = await readUntil(reader, "onerror");
    expect(hostile).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(hostile).not.toContain("<img src=x");

    abort.abort();
    await waitFor(() => gw.services.monitor.watching === 0);
  });

  test("when too many watch, the stream answers 503 with a message", async () => {
    const unsubscribers: Array<() => void> = [];
    for (;;) {
      const off = gw.services.monitor.subscribe(() => {});
      if (!off) break;
      unsubscribers.push(off);
    }
    const res = await page("/dashboard/partials/monitor/stream");
    for (const off of unsubscribers) off();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Too many live monitors are open");
    expect(gw.services.monitor.watching).toBe(0);
  });

  test("an idle stream sends comment heartbeats, and stops them when the reader cancels", async () => {
    const app = new Hono().get("/s", (c) => monitorStream(gw.services, c, 20));
    const res = await app.request("/s");
    const reader = res.body!.getReader();
    const text = await readUntil(reader, ": heartbeat\n\n: heartbeat\n\n");
    expect(text).not.toContain("data:");
    await reader.cancel();
    expect(gw.services.monitor.watching).toBe(0);
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
