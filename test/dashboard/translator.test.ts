// The Translator page: playground, chat tester through the real pipeline, and test bench (translator-monitor.test.ts:
// the live monitor).
import { describe, expect, test } from "bun:test";
import { compareRequests, runBench, BENCH_CASES } from "../../src/dashboard/translator-bench.ts";
import { BenchTable } from "../../views/partials/translator-bench.tsx";
import { rawDatabase } from "../support/gateway.ts";
import { useTranslatorRig } from "./translator-support.ts";

const rig = useTranslatorRig();
const { page, post } = rig;

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
    const script = await fetch(`${rig.gw.url}/static/monitor.js`);
    expect(script.status).toBe(200);
  });

  test("without a session the page sends the browser to the login", async () => {
    const res = await fetch(`${rig.gw.url}/dashboard/translator`, { redirect: "manual" });
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
    const api = await (await rig.gw.api("/api/translator/translate", { body: { from: "anthropic", to: "openai-chat", body } })).json();
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
    rig.fake.setScenario({ kind: "text", text: "Bonjour <b>tout</b> le monde" });
    const before = rig.fake.requests.length;
    const res = await post("/dashboard/partials/translator/chat", {
      model: "ds/deepseek-chat",
      format: "anthropic",
      message: "Say hello",
      system: "Be brief.",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(rig.fake.requests.length).toBe(before + 1);
    const sent = rig.fake.requests.at(-1)!;
    // (a) the client request, (b) the upstream request as the upstream received it, (c) the client response.
    expect(html).toContain("POST /v1/messages");
    expect(html).toContain(escaped('"max_tokens": 1024'));
    expect(html).toContain(`POST ${rig.fake.url}/v1/chat/completions`);
    expect(html).toContain(escaped(JSON.stringify(sent.body, null, 2)));
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(html).toContain(escaped('"type": "message"'));
    expect(html).toContain("Bonjour &lt;b&gt;tout&lt;/b&gt; le monde");
    expect(html).toContain("<code>x-omniroute-provider</code></td><td>deepseek</td>");
    expect(html).toContain("<code>x-omniroute-fallback-attempts</code></td><td>0</td>");
    expect(html).not.toContain("sk-fake-123456");
    const row = rawDatabase(rig.gw.services)
      .query("select endpoint, status from usage_log where endpoint = 'dashboard.chat-tester' order by ts desc limit 1")
      .get();
    expect(row).toEqual({ endpoint: "dashboard.chat-tester", status: 200 });
  });

  test("a Gemini client names the model in the URL", async () => {
    rig.fake.setScenario({ kind: "text", text: "ok" });
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "ds/deepseek-chat", format: "gemini", message: "hi" })
    ).text();
    expect(html).toContain("POST /v1beta/models/ds%2Fdeepseek-chat:generateContent");
    expect(html).toContain(escaped('"candidates"'));
    expect(rig.fake.requests.at(-1)!.body.model).toBe("deepseek-chat");
  });

  test("an upstream error is shown in the client's own format with its status", async () => {
    rig.fake.setScenario({ kind: "error", status: 400, message: "This model does not like you" });
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "ds/deepseek-chat", format: "anthropic", message: "hi" })
    ).text();
    rig.fake.setScenario({ kind: "text", text: "ok" });
    expect(html).toContain('<span class="badge bad">400</span>');
    expect(html).toContain(escaped('"type": "error"'));
    expect(html).toContain("This model does not like you");
  });

  test("a model nothing serves answers in the client's format, without calling an upstream", async () => {
    const before = rig.fake.requests.length;
    const html = await (
      await post("/dashboard/partials/translator/chat", { model: "nowhere/none", format: "openai-chat", message: "hi" })
    ).text();
    expect(rig.fake.requests.length).toBe(before);
    expect(html).toContain("No upstream was called");
    expect(html).toMatch(/<span class="badge bad">4\d\d<\/span>/);
    expect(html).toContain(escaped('"error": {'));
  });

  test("missing fields are 422s beside the field, and nothing is sent", async () => {
    const before = rig.fake.requests.length;
    const res = await post("/dashboard/partials/translator/chat", { model: "", format: "anthropic", message: "  " });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<small id="f-chat-model-error" class="field-error">Name a model');
    expect(html).toContain('<small id="f-chat-message-error" class="field-error">Type a message</small>');
    expect(rig.fake.requests.length).toBe(before);
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
