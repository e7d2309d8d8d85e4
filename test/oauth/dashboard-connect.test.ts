// Providers page, OAuth: Connect with Claude Code (link + paste form), Codex (polled until the callback lands), Import from
// CLI, "needs login — reconnect", quota windows per account; and no token in the dashboard HTML, the API or an export.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startClaudeOAuth, type FakeClaudeOAuth } from "../fakes/oauth-claude.ts";
import { startCodexOAuth, type FakeCodexOAuth } from "../fakes/oauth-codex.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

import { registerFlow } from "../../src/providers/login-flows.ts";
import { callGateway, pointAt, stored, tempHome, type TempHome } from "./subscription-support.ts";

let claude: FakeClaudeOAuth;
let codex: FakeCodexOAuth;
let upstream: FakeUpstream;
let home: TempHome;
let gw: TestGateway;
let cookie: string;
const secrets: string[] = [];

beforeAll(async () => {
  claude = startClaudeOAuth({ email: "ui@example.com", plan: "max" });
  codex = startCodexOAuth({ email: "ui-codex@example.com" });
  upstream = startAnthropicUpstream(
    { kind: "text", text: "hi" },
    {
      headers: () => ({
        "anthropic-ratelimit-unified-5h-utilization": "0.3",
        "anthropic-ratelimit-unified-5h-reset": String(Math.floor(Date.now() / 1000) + 7200),
      }),
    },
  );
  home = tempHome();
  gw = await startGateway({}, { endpointOverrides: { claude: claude.endpoints, codex: codex.endpoints }, homeDir: home.dir });
  cookie = await gw.login();
});
afterAll(async () => {
  await gw.close();
  await claude.close();
  await codex.close();
  await upstream.close();
  home.close();
});

function send(path: string, form: Record<string, string> = {}) {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { cookie, origin: gw.url, "hx-request": "true", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}
const page = async () => (await fetch(`${gw.url}/dashboard/providers`, { headers: { cookie } })).text();
const field = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]+)"`))?.[1];

describe("Connect with Claude Code", () => {
  let id = "";

  test("start shows the sign-in link and a paste form; pasting the code connects and lists the account", async () => {
    const startHtml = await (await send("/dashboard/partials/oauth/claude/start")).text();
    const link = startHtml.match(/href="([^"]+)"[^>]*role="button"/)?.[1]?.replaceAll("&amp;", "&");
    expect(link).toStartWith(claude.endpoints.authorize);
    expect(startHtml).toContain("Paste the code shown after you approve");
    expect(startHtml).not.toContain("every 2s"); // nothing to wait for: Anthropic shows the code
    const state = field(startHtml, "state")!;
    const res = await send("/dashboard/partials/oauth/claude/complete", { state, code: await claude.approve(link!) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Connected: <strong>ui@example.com</strong> (max plan)");
    expect(html).toContain('id="connections-claude" hx-swap-oob="true"');
    expect(html).toContain("ui@example.com (max)");
    id = gw.services.accounts.accountsOf("claude")[0]!.id;
    const { credentials } = stored(gw, id);
    secrets.push(String(credentials.accessToken), String(credentials.refreshToken));
    expect(html).not.toContain(String(credentials.accessToken));
  });

  test("the account row shows its quota windows after a call", async () => {
    await pointAt(gw, id, upstream.url);
    expect(
      (
        await callGateway(gw, "/v1/messages", {
          model: "cc/claude-haiku-4-5-20251001",
          max_tokens: 8,
          messages: [{ role: "user", content: "hi" }],
        })
      ).status,
    ).toBe(200);
    const html = await page();
    const row = html.slice(html.indexOf(`id="conn-${id}"`));
    expect(row).toContain("5-hour");
    expect(row).toContain("30% used, 70% left");
    expect(row).toMatch(/resets in 1 h 59 min|resets in 2 h 0 min/);
  });

  test("a dead login shows 'needs login — reconnect', and reconnecting renews the same account", async () => {
    await gw.services.credentials.markNeedsLogin(id, "Anthropic refused the refresh token: invalid_grant");
    let html = await page();
    const row = html.slice(html.indexOf(`id="conn-${id}"`), html.indexOf("</li>", html.indexOf(`id="conn-${id}"`)));
    expect(row).toContain("needs login");
    expect(row).toContain("Needs login — reconnect.");
    expect(row).toContain("invalid_grant");
    expect(row).toContain('hx-post="/dashboard/partials/oauth/claude/start"');
    expect(html).toContain("1 connected, 1 needs login");
    const startHtml = await (await send("/dashboard/partials/oauth/claude/start")).text();
    const link = startHtml.match(/href="([^"]+)"[^>]*role="button"/)![1]!.replaceAll("&amp;", "&");
    html = await (
      await send("/dashboard/partials/oauth/claude/complete", { state: field(startHtml, "state")!, code: await claude.approve(link) })
    ).text();
    expect(html).toContain("Logged in again: <strong>ui@example.com</strong>");
    expect(html).not.toContain("needs login");
    expect(gw.services.accounts.accountsOf("claude").map((a) => a.id)).toEqual([id]);
    const { credentials } = stored(gw, id);
    secrets.push(String(credentials.accessToken), String(credentials.refreshToken));
  });

  test("a wrong paste says so and offers to start again", async () => {
    const startHtml = await (await send("/dashboard/partials/oauth/claude/start")).text();
    const html = await (
      await send("/dashboard/partials/oauth/claude/complete", { state: field(startHtml, "state")!, code: "not-a-real-code" })
    ).text();
    expect(html).toContain("did not accept the code");
    expect(html).toContain("Start again: connect with Claude Code");
  });
});

describe("Connect with Codex", () => {
  test("the step polls while the browser signs in: 204 until the callback lands, then the account", async () => {
    const startHtml = await (await send("/dashboard/partials/oauth/codex/start")).text();
    expect(startHtml).toContain('hx-trigger="every 2s"');
    expect(startHtml).toContain("Or paste the address the browser ended on");
    const state = field(startHtml, "state")!;
    expect((await send("/dashboard/partials/oauth/codex/complete", { state })).status).toBe(204);
    const link = startHtml.match(/href="([^"]+)"[^>]*role="button"/)![1]!.replaceAll("&amp;", "&");
    await fetch(await codex.approve(link));
    const html = await (await send("/dashboard/partials/oauth/codex/complete", { state })).text();
    expect(html).toContain("Connected: <strong>ui-codex@example.com</strong> (pro plan)");
    const { credentials } = stored(gw, gw.services.accounts.accountsOf("codex")[0]!.id);
    secrets.push(String(credentials.accessToken), String(credentials.refreshToken), String(credentials.idToken));
  });

  test("Import from CLI reads ~/.codex/auth.json; without one it says what to do", async () => {
    let html = await (await send("/dashboard/partials/oauth/codex/import")).text();
    expect(html).toContain("log in with the official CLI first");
    const tokens = codex.cliTokens();
    secrets.push(tokens.access_token, tokens.refresh_token);
    home.write(".codex/auth.json", { OPENAI_API_KEY: null, tokens, last_refresh: new Date().toISOString() });
    html = await (await send("/dashboard/partials/oauth/codex/import")).text();
    expect(html).toContain("Logged in again: <strong>ui-codex@example.com</strong>"); // same ChatGPT account: renewed
    const pasted = await send("/dashboard/partials/oauth/codex/import", { credentials: "{not json" });
    expect(await pasted.text()).toContain("not valid JSON");
  });
});

describe("a device-code login", () => {
  test("shows the verification address and the user code, polls every `interval` seconds, then shows the account", async () => {
    // A device flow of its own, on a custom provider, so no real provider's flow is touched.
    let approved = false;
    registerFlow({
      provider: "devflow",
      kind: "device",
      start: async () => ({
        start: { flow: "device", verificationUri: "https://example.com/device", userCode: "WDJB-MJHT", interval: 3, expiresIn: 900 },
        pending: {},
      }),
      complete: async () =>
        approved
          ? { status: "connected", credentials: { accessToken: "device-token-secret" }, profile: { email: "dev@example.com" } }
          : { status: "pending" },
      refresh: async (_ctx, c) => c,
    });
    expect(
      (
        await gw.api("/api/provider-nodes", {
          body: { name: "Device Flow", prefix: "devflow", apiType: "openai", baseUrl: "http://127.0.0.1:9/v1" },
        })
      ).status,
    ).toBe(201);
    const startHtml = await (await send("/dashboard/partials/oauth/devflow/start")).text();
    expect(startHtml).toContain('href="https://example.com/device"');
    expect(startHtml).toContain("<code>WDJB-MJHT</code>");
    expect(startHtml).toContain('hx-trigger="every 3s"');
    const state = JSON.parse(startHtml.match(/hx-vals="([^"]+)"/)![1]!.replaceAll("&quot;", '"')).state;
    expect((await send("/dashboard/partials/oauth/devflow/complete", { state })).status).toBe(204);
    approved = true;
    const html = await (await send("/dashboard/partials/oauth/devflow/complete", { state })).text();
    expect(html).toContain("Connected: <strong>dev@example.com</strong>");
    expect(html).not.toContain("device-token-secret");
  });
});

describe("tokens never leave the gateway", () => {
  test("not in the dashboard HTML, /api/providers, /api/health, or the export", async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const database = await gw.api("/api/db-backups/export");
    const archive = await gw.api("/api/db-backups/exportAll");
    expect([database.status, archive.status]).toEqual([200, 200]);
    const latin1 = (bytes: ArrayBuffer | Uint8Array) => new TextDecoder("latin1").decode(bytes);
    const bodies = [
      await page(),
      await (await gw.api("/api/providers")).text(),
      await (await gw.api("/api/health")).text(),
      latin1(await database.arrayBuffer()), // credentials sealed in the database copy
      latin1(Bun.gunzipSync(new Uint8Array(await archive.arrayBuffer()))), // the tar: database + providers.json
    ];
    expect(bodies[4]).toContain("ui@example.com"); // the archive does hold the accounts, only not their tokens
    for (const body of bodies) for (const secret of secrets) expect(body.includes(secret)).toBe(false);
  });
});

describe("Connect with Kiro: one button per sign-in method", () => {
  test("AWS Builder ID, Google and GitHub; Google opens Kiro's sign-in and asks for the kiro:// address", async () => {
    const html = await page();
    for (const label of ["Connect with Kiro (AWS Builder ID)", "Connect with Kiro (Google)", "Connect with Kiro (GitHub)"])
      expect(html).toContain(label);
    expect(html).toContain("&quot;method&quot;:&quot;google&quot;");
    const step = await (await send("/dashboard/partials/oauth/kiro/start", { method: "google" })).text();
    expect(step).toContain("idp=Google");
    expect(step).toContain('placeholder="kiro://kiro.kiroAgent/authenticate-success?code=…"');
    const bad = await send("/dashboard/partials/oauth/kiro/start", { method: "myspace" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("no login method");
  });
});
