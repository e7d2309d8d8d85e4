// /dashboard/providers: the grouped catalog, connecting and managing accounts, custom nodes and custom models.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway, rawDatabase } from "../support/gateway.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let cookie: string;
beforeAll(async () => {
  gw = await startGateway();
  upstream = startOpenAIUpstream({ kind: "text", text: "ok" });
  cookie = await gw.login();
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const page = async () => {
  const res = await fetch(`${gw.url}/dashboard/providers`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text();
};

/** A dashboard write, as htmx sends it: form-encoded, same origin, with the session cookie. */
function send(method: string, path: string, form: Record<string, string> = {}, origin = gw.url) {
  return fetch(`${gw.url}${path}`, {
    method,
    headers: { cookie, origin, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
    body: method === "DELETE" ? undefined : new URLSearchParams(form).toString(),
  });
}

const rows = () => rawDatabase(gw.services).query("select * from provider_connections").all() as Array<Record<string, unknown>>;

describe("the catalog", () => {
  test("is grouped as in the user guide, each provider with prefix, model count and connected accounts", async () => {
    const html = await page();
    expect(html).toContain("<title>Providers · OmniRoute</title>");
    const order = ["Subscription", "Cheap", "Free", "API key", "Custom"].map((t) => html.indexOf(`-title">${t}</h2>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Claude Code is a subscription provider, DeepSeek an API-key one.
    expect(html.indexOf('id="provider-claude"')).toBeLessThan(order[1]!);
    expect(html.indexOf('id="provider-deepseek"')).toBeGreaterThan(order[3]!);
    const ds = gw.services.providers.get("ds")!;
    const panel = html.slice(html.indexOf('id="provider-deepseek"'), html.indexOf("</summary>", html.indexOf('id="provider-deepseek"')));
    expect(panel).toContain("<strong>DeepSeek</strong>");
    expect(panel).toContain("ds/</code>");
    expect(panel).toContain(`${ds.models.length} models`);
    expect(panel).toContain("not connected");
  });

  test("OAuth providers offer their sign-in, a CLI import, and still take a pasted token", async () => {
    const html = await page();
    const claude = html.slice(html.indexOf('id="provider-claude"'), html.indexOf('id="provider-codex"'));
    expect(claude).toContain("Connect with Claude Code");
    expect(claude).toContain('hx-post="/dashboard/partials/oauth/claude/start"');
    expect(claude).toContain("Import from CLI");
    expect(claude).toContain("Or paste an access token");
    expect(claude).toContain("Access token");
  });
});

describe("accounts", () => {
  let id = "";

  test("connect with an API key: the list shows the masked key, the secret never comes back", async () => {
    const res = await send("POST", "/dashboard/partials/providers/deepseek/connections", {
      name: "main",
      apiKey: "sk-live-1234567890",
      baseUrl: `${upstream.url}/v1`,
      priority: "",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Connected &quot;main&quot;");
    expect(html).toContain("sk-l…7890");
    expect(html).not.toContain("sk-live-1234567890");
    expect(html).toContain('id="count-deepseek" hx-swap-oob="true"');
    expect(html).toContain("1 connected");
    const row = rows().find((r) => r.name === "main")!;
    expect(row.provider).toBe("deepseek");
    expect(String(row.credentials)).not.toContain("sk-live");
    id = String(row.id);
    expect(gw.services.accounts.accountsOf("deepseek").map((a) => a.id)).toEqual([id]);
    const full = await page();
    expect(full).toContain(`id="conn-${id}"`);
    expect(full).toContain("1 connected");
  });

  test("validation errors re-render the form with the message next to the field (422) and write nothing", async () => {
    const before = rows().length;
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ apiKey: "" }, "apiKey", "needs an apiKey"],
      [{ apiKey: "k", baseUrl: "ftp://nope" }, "baseUrl", "http(s) URL"],
      [{ apiKey: "k", priority: "high" }, "priority", "Enter a number"],
      [{ apiKey: "k", priority: "5000" }, "priority", "1000"],
    ];
    for (const [form, field, message] of cases) {
      const res = await send("POST", "/dashboard/partials/providers/deepseek/connections", form);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`id="connect-deepseek-${field}-error" class="field-error">[^<]*${message.replace(/[()]/g, "\\$&")}`));
      expect(html).toContain(`aria-invalid="true"`);
      expect(html).not.toContain('value="k"'); // the key typed is not echoed back
    }
    expect(rows().length).toBe(before);
  });

  test("an OAuth provider takes a pasted token; without one the field says what to do", async () => {
    const empty = await send("POST", "/dashboard/partials/providers/claude/connections", { apiKey: "" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Paste an access token");
    const ok = await send("POST", "/dashboard/partials/providers/cc/connections", { apiKey: "sk-ant-oat-token-123456" });
    expect(ok.status).toBe(200);
    expect(rows().some((r) => r.provider === "claude" && r.auth_type === "oauth")).toBe(true);
  });

  test("Test shows ok with the latency, or the upstream's error", async () => {
    const ok = await send("POST", `/dashboard/partials/connections/${id}/test`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/OK<\/span> answered in \d+ ms \(deepseek-chat\)/);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer sk-live-1234567890");

    upstream.setScenario({ kind: "error", status: 401, message: "Incorrect API key provided" });
    const bad = await (await send("POST", `/dashboard/partials/connections/${id}/test`)).text();
    expect(bad).toContain("failed");
    expect(bad).toContain("401");
    expect(bad).toContain("Incorrect API key provided");
    upstream.setScenario({ kind: "text", text: "ok" });
  });

  test("Edit: the form shows the current values; saving updates priority, limits, name, base URL and key", async () => {
    const form = await (await fetch(`${gw.url}/dashboard/partials/connections/${id}/edit`, { headers: { cookie } })).text();
    expect(form).toContain(`value="main"`);
    expect(form).toContain(`value="${upstream.url}/v1"`);
    expect(form).toContain('name="limits.rpm"');
    expect(form).toContain("keep sk-l…7890");

    const res = await send("PUT", `/dashboard/partials/connections/${id}`, {
      name: "primary",
      apiKey: "sk-new-0000000000",
      baseUrl: `${upstream.url}/v1`,
      priority: "7",
      "limits.rpm": "60",
      "limits.minIntervalMs": "",
      "limits.maxConcurrent": "2",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("primary");
    expect(html).toContain("60 req/min, 2 at once");
    expect(html).toContain("sk-n…0000");
    expect(html).toContain('id="count-deepseek" hx-swap-oob="true"');
    const row = rows().find((r) => r.id === id)!;
    expect(row.priority).toBe(7);
    expect(JSON.parse(String(row.limits))).toEqual({ rpm: 60, maxConcurrent: 2 });
    await send("POST", `/dashboard/partials/connections/${id}/test`);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer sk-new-0000000000");
  });

  test("Edit: a bad value is a 422 with the error next to that field, and nothing changes", async () => {
    for (const [field, value, message] of [
      ["limits.rpm", "-1", "&gt;=0"],
      ["limits.maxConcurrent", "two", "Enter a number"],
      ["baseUrl", "not a url", "http(s) URL"],
    ] as const) {
      const res = await send("PUT", `/dashboard/partials/connections/${id}`, { name: "primary", priority: "7", [field]: value });
      expect(res.status).toBe(422);
      const html = await res.text();
      const errorId = `edit-${id}-${field.replace(".", "_2e")}-error`;
      expect(html).toContain(`id="${errorId}"`);
      expect(html.slice(html.indexOf(`id="${errorId}"`), html.indexOf("</small>", html.indexOf(`id="${errorId}"`)))).toContain(message);
      expect(html).toContain(`value="${value}"`);
    }
    expect(rows().find((r) => r.id === id)!.priority).toBe(7);
  });

  test("Disable and Enable flip isActive, and the pool follows", async () => {
    const off = await (await send("POST", `/dashboard/partials/connections/${id}/active`, { isActive: "false" })).text();
    expect(off).toContain(">inactive<");
    expect(off).toContain("1 connected, 1 off");
    expect(gw.services.accounts.accountsOf("deepseek")).toHaveLength(0);
    const on = await (await send("POST", `/dashboard/partials/connections/${id}/active`, { isActive: "true" })).text();
    expect(on).toContain(">active<");
    expect(gw.services.accounts.accountsOf("deepseek")).toHaveLength(1);
  });

  test("Delete asks first and removes the account", async () => {
    expect(await page()).toContain(`hx-confirm="Delete the account &quot;primary&quot;?`);
    const res = await send("DELETE", `/dashboard/partials/connections/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("No account connected yet.");
    expect(html).toContain("not connected");
    expect(rows().some((r) => r.id === id)).toBe(false);
    expect((await send("DELETE", `/dashboard/partials/connections/${id}`)).status).toBe(404);
  });

  test("names are escaped, and a cross-site write is refused", async () => {
    await send("POST", "/dashboard/partials/providers/groq/connections", { name: "<script>alert(1)</script>", apiKey: "gsk-1234567890" });
    const html = await page();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const before = rows().length;
    const res = await send("POST", "/dashboard/partials/providers/groq/connections", { apiKey: "x" }, "https://evil.example");
    expect(res.status).toBe(403);
    expect(rows().length).toBe(before);
  });
});

describe("custom provider nodes and models", () => {
  test("create a node: it appears under Custom with its own connect form; a taken prefix is a 422 on that field", async () => {
    const taken = await send("POST", "/dashboard/partials/provider-nodes", {
      name: "Clash",
      prefix: "ds",
      apiType: "openai",
      baseUrl: "http://localhost:1/v1",
    });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toMatch(/id="node-prefix-error" class="field-error">The prefix &quot;ds&quot; is already used/);
    const badHeader = await send("POST", "/dashboard/partials/provider-nodes", {
      name: "x",
      prefix: "x1",
      apiType: "openai",
      baseUrl: "http://localhost:1/v1",
      headers: "no colon here",
    });
    expect(badHeader.status).toBe(422);
    expect(await badHeader.text()).toContain('id="node-headers-error"');

    const res = await send("POST", "/dashboard/partials/provider-nodes", {
      name: "My vLLM",
      prefix: "myllm",
      apiType: "openai",
      baseUrl: `${upstream.url}/v1/`,
      headers: "X-Team: research",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Added &quot;My vLLM&quot;");
    expect(html).toContain('id="custom-providers" hx-swap-oob="true"');
    expect(html).toContain('id="connect-myllm"');
    const node = (await (await gw.api("/api/provider-nodes")).json())[0];
    expect(node).toMatchObject({ prefix: "myllm", baseUrl: `${upstream.url}/v1`, headers: { "X-Team": "••••" } });
    expect(gw.services.providers.get("myllm")!.headers).toEqual({ "X-Team": "research" });
    const custom = (await page()).split('id="group-custom"')[1]!;
    expect(custom).toContain("<strong>My vLLM</strong>");
  });

  test("custom models: add (validated), listed with the prefix and counted, then removed", async () => {
    const missing = await send("POST", "/dashboard/partials/providers/myllm/models", { modelId: "", type: "chat" });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('id="model-myllm-modelId-error"');
    const badType = await send("POST", "/dashboard/partials/providers/myllm/models", { modelId: "m", type: "video" });
    expect(badType.status).toBe(422);
    expect(await badType.text()).toContain('id="model-myllm-type-error"');

    const added = await (
      await send("POST", "/dashboard/partials/providers/myllm/models", { modelId: "qwen2.5-coder", modelName: "Qwen Coder", type: "chat" })
    ).text();
    expect(added).toContain("<code>myllm/qwen2.5-coder</code>");
    expect(added).toContain('id="model-count-myllm" hx-swap-oob="true"');
    expect(added).toContain("1 model");
    expect((await (await gw.api("/api/provider-models?provider=myllm")).json())[0]).toMatchObject({
      modelId: "qwen2.5-coder",
      modelName: "Qwen Coder",
    });

    const slash = await send("POST", "/dashboard/partials/providers/ds/models", { modelId: "org/model-x", type: "chat" });
    expect(await slash.text()).toContain("ds/org/model-x");
    const removed = await send("DELETE", `/dashboard/partials/providers/deepseek/models?model=${encodeURIComponent("org/model-x")}`);
    expect(removed.status).toBe(200);
    expect(await removed.text()).not.toContain("ds/org/model-x</code>");
    expect((await send("DELETE", "/dashboard/partials/providers/myllm/models?model=qwen2.5-coder")).status).toBe(200);
    expect(await (await gw.api("/api/provider-models?provider=myllm")).json()).toEqual([]);
  });

  test("a node with accounts cannot be deleted until they are gone", async () => {
    await send("POST", "/dashboard/partials/providers/myllm/connections", { apiKey: "node-key" });
    const node = (await (await gw.api("/api/provider-nodes")).json())[0];
    const refused = await send("DELETE", `/dashboard/partials/provider-nodes/${node.id}`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("still has connections");
    for (const r of rows().filter((r) => r.provider === "myllm")) await send("DELETE", `/dashboard/partials/connections/${r.id}`);
    const ok = await send("DELETE", `/dashboard/partials/provider-nodes/${node.id}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("No custom provider yet.");
    expect(gw.services.providers.get("myllm")).toBeUndefined();
  });
});
