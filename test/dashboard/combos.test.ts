// /dashboard/combos: list, create and edit with an ordered model list, validation in place, delete, and a real test call.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConnection } from "../../src/accounts/connection-service.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let cookie: string;
beforeAll(async () => {
  gw = await startGateway();
  // The first model of the test combo fails upstream; every other model answers "OK".
  upstream = startOpenAIUpstream((req) =>
    req.body?.model === "deepseek-reasoner"
      ? { kind: "error", status: 503, message: "The model is overloaded" }
      : { kind: "text", text: "OK" },
  );
  await createConnection(gw.services, { provider: "ds", apiKey: "sk-ds-1234567890", baseUrl: `${upstream.url}/v1` });
  cookie = await gw.login();
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const get = (path: string) => fetch(`${gw.url}${path}`, { headers: { cookie } });

/** A dashboard write as htmx sends it; `pairs` keeps repeated fields (models, weight) in order. */
function send(method: string, path: string, pairs: Array<[string, string]> = []) {
  return fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
    body: method === "DELETE" ? undefined : new URLSearchParams(pairs).toString(),
  });
}

const form = (name: string, strategy: string, models: string[], weights?: string[]): Array<[string, string]> => [
  ["name", name],
  ["strategy", strategy],
  ...models.flatMap((m, i): Array<[string, string]> => [["models", m], ...(weights ? [["weight", weights[i]!] as [string, string]] : [])]),
];

/** The Alpine state the form is rendered with: the ordered rows and their errors. */
function editorItems(html: string): Array<{ model: string; weight: number | string; error: string }> {
  const attr = /x-data="([^"]*)"/.exec(html)![1]!.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");
  return JSON.parse(/items: (\[.*?\]), next:/.exec(attr)![1]!);
}

describe("combos page", () => {
  test("lists combos with strategy and ordered models, and offers the strategies", async () => {
    await gw.services.combos.create(
      { name: "listed", strategy: "round-robin", models: ["ds/deepseek-chat", "ds/deepseek-reasoner"] },
      "priority",
    );
    const res = await get("/dashboard/combos");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Combos · OmniRoute</title>");
    const item = html.slice(html.indexOf('<code class="combo-name">listed</code>'));
    expect(item).toContain(">round-robin<");
    expect(item.indexOf("ds/deepseek-chat")).toBeLessThan(item.indexOf("ds/deepseek-reasoner"));
    for (const s of ["priority", "round-robin", "random", "weighted", "least-used", "cost-optimized"])
      expect(html).toContain(`<option value="${s}"`);
    expect(html).toContain('hx-get="/dashboard/partials/combos/models"');
  });

  test("the model picker offers what the user can call: connected providers' models and combos", async () => {
    const html = await (await get("/dashboard/partials/combos/models")).text();
    expect(html).toContain('<datalist id="combo-model-options">');
    expect(html).toContain('value="ds/deepseek-chat"');
    expect(html).toContain('value="listed"');
    expect(html).not.toContain('value="cc/'); // not connected
  });

  test("create: the order is kept, weights are saved for a weighted combo, the list updates out of band", async () => {
    const res = await send(
      "POST",
      "/dashboard/partials/combos",
      form("weighted-one", "weighted", ["ds/deepseek-chat", "listed"], ["3", "1.5"]),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Saved &quot;weighted-one&quot;");
    expect(html).toContain('id="combo-list" hx-swap-oob="true"');
    expect(html).toContain("weight 3");
    const combo = gw.services.combos.byName("weighted-one")!;
    expect(combo.strategy).toBe("weighted");
    expect(combo.members).toEqual([
      { model: "ds/deepseek-chat", weight: 3 },
      { model: "listed", weight: 1.5 },
    ]);
  });

  test("validation: errors sit next to the field or the model row (422), the typed rows are kept, nothing is saved", async () => {
    const before = gw.services.combos.list().length;

    const unknown = await send("POST", "/dashboard/partials/combos", form("typo", "priority", ["ds/deepseek-chat", "nope/not-a-model"]));
    expect(unknown.status).toBe(422);
    const rows = editorItems(await unknown.text());
    expect(rows.map((r) => r.model)).toEqual(["ds/deepseek-chat", "nope/not-a-model"]);
    expect(rows[0]!.error).toBe("");
    expect(rows[1]!.error).toBe('"nope/not-a-model" is not a known model, alias or combo.');

    const dup = await send("POST", "/dashboard/partials/combos", form("listed", "priority", ["ds/deepseek-chat"]));
    expect(dup.status).toBe(422);
    expect(await dup.text()).toMatch(/id="combo-name-error" class="field-error">A combo named &quot;listed&quot; already exists\./);

    const badName = await send("POST", "/dashboard/partials/combos", form("has space", "priority", ["ds/deepseek-chat"]));
    expect(badName.status).toBe(422);
    expect(await badName.text()).toContain('id="combo-name-error"');

    const empty = await send("POST", "/dashboard/partials/combos", form("empty", "priority", []));
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("must name at least one model");

    const badWeight = await send("POST", "/dashboard/partials/combos", form("w", "weighted", ["ds/deepseek-chat"], ["heavy"]));
    expect(badWeight.status).toBe(422);
    expect(editorItems(await badWeight.text())[0]!.error).toBe("Enter a number");

    const badStrategy = await send("POST", "/dashboard/partials/combos", form("s", "fastest", ["ds/deepseek-chat"]));
    expect(badStrategy.status).toBe(422);
    expect(await badStrategy.text()).toContain('id="combo-strategy-error"');

    expect(gw.services.combos.list().length).toBe(before);
  });

  test("edit: the form opens with the combo's rows; saving reorders; a cycle is refused next to the models", async () => {
    const combo = gw.services.combos.byName("listed")!;
    const opened = await (await get(`/dashboard/partials/combos/${combo.id}/edit`)).text();
    expect(opened).toContain(`hx-put="/dashboard/partials/combos/${combo.id}"`);
    expect(editorItems(opened).map((r) => r.model)).toEqual(["ds/deepseek-chat", "ds/deepseek-reasoner"]);

    const saved = await send(
      "PUT",
      `/dashboard/partials/combos/${combo.id}`,
      form("listed", "priority", ["ds/deepseek-reasoner", "ds/deepseek-chat"]),
    );
    expect(saved.status).toBe(200);
    expect(gw.services.combos.byName("listed")!.members.map((m) => m.model)).toEqual(["ds/deepseek-reasoner", "ds/deepseek-chat"]);
    expect(gw.services.combos.byName("listed")!.strategy).toBe("priority");

    // weighted-one contains listed, so listed containing weighted-one would loop.
    const cycle = await send(
      "PUT",
      `/dashboard/partials/combos/${combo.id}`,
      form("listed", "priority", ["ds/deepseek-chat", "weighted-one"]),
    );
    expect(cycle.status).toBe(422);
    const html = await cycle.text();
    expect(html).toMatch(/id="combo-models-error" class="field-error" role="alert">Combo &quot;listed&quot; would contain itself/);
    expect(html).toContain(`hx-put="/dashboard/partials/combos/${combo.id}"`);
    expect(gw.services.combos.byName("listed")!.members.map((m) => m.model)).toEqual(["ds/deepseek-reasoner", "ds/deepseek-chat"]);
  });

  test("Test sends one real request through the pipeline: the first model fails, the answer names the second", async () => {
    const combo = gw.services.combos.byName("listed")!; // ds/deepseek-reasoner (fails), then ds/deepseek-chat
    const calls = upstream.requests.length;
    const res = await send("POST", `/dashboard/partials/combos/${combo.id}/test`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Answered by <code>ds\/deepseek-chat<\/code> \(provider <code>deepseek<\/code>\) in \d+ ms/);
    expect(html).toContain("after 1 failed attempt");
    expect(html).toContain('<blockquote class="answer">OK</blockquote>');
    const sent = upstream.requests.slice(calls).filter((r) => r.path.endsWith("/chat/completions"));
    expect(sent.map((r) => r.body.model)).toEqual(["deepseek-reasoner", "deepseek-chat"]);
    expect(sent[1]!.body.messages).toEqual([{ role: "user", content: "Say OK" }]);
    expect(sent[1]!.body.max_tokens).toBe(16);
  });

  test("Test shows the error when every model fails", async () => {
    const only = await gw.services.combos.create({ name: "doomed", models: ["ds/deepseek-reasoner"] }, "priority");
    const html = await (await send("POST", `/dashboard/partials/combos/${only.id}/test`)).text();
    expect(html).toContain("failed");
    expect(html).toContain("The model is overloaded");
  });

  test("delete asks first and removes the combo; names are escaped", async () => {
    const page = await (await get("/dashboard/combos")).text();
    expect(page).toContain('hx-confirm="Delete the combo &quot;doomed&quot;?');
    const combo = gw.services.combos.byName("doomed")!;
    const res = await send("DELETE", `/dashboard/partials/combos/${combo.id}`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain(">doomed<");
    expect(gw.services.combos.byName("doomed")).toBeUndefined();

    const xss = await send("POST", "/dashboard/partials/combos", form("<img>", "priority", ["<script>x</script>"]));
    const text = await xss.text();
    expect(text).not.toContain("<script>x</script>");
    expect(text).not.toContain("<img>");
  });

  test("a cross-site write is refused", async () => {
    const res = await fetch(`${gw.url}/dashboard/partials/combos`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form("evil", "priority", ["ds/deepseek-chat"])).toString(),
    });
    expect(res.status).toBe(403);
    expect(gw.services.combos.byName("evil")).toBeUndefined();
  });
});
