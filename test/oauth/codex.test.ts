// Codex (cx/): the ChatGPT login against a fake auth.openai.com, caught on the local callback or pasted; the Codex backend
// call (always streamed upstream, folded back into JSON for non-stream clients); refresh; revocation; CLI import; quota.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startCodexOAuth, type FakeCodexOAuth } from "../fakes/oauth-codex.ts";
import { startResponsesUpstream } from "../fakes/responses-upstream.ts";
import type { FakeUpstream, RecordedRequest, Scenario } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { callGateway, pointAt, stored, tempHome, type TempHome } from "./subscription-support.ts";

let oauth: FakeCodexOAuth;
let upstream: FakeUpstream;
let backup: FakeUpstream;
let home: TempHome;
let gw: TestGateway;
let quotaHeaders: Record<string, string> | undefined;

const bearer = (r: RecordedRequest) => r.headers.authorization?.replace(/^Bearer /, "");
const refreshes = () => oauth.tokenRequests.filter((r) => r.body.grant_type === "refresh_token").length;
const MODEL = "cx/gpt-5.1-codex";
const liveOr401 = (req: RecordedRequest): Scenario =>
  oauth.isLiveAccessToken(bearer(req))
    ? { kind: "text", text: "Hello from Codex." }
    : { kind: "error", status: 401, message: "Provided authentication token is expired. Please try signing in again." };

beforeAll(() => {
  oauth = startCodexOAuth({ email: "grace@example.com", plan: "pro", accountId: "acct-grace" });
  upstream = startResponsesUpstream(liveOr401, { headers: () => quotaHeaders });
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
});
afterAll(async () => {
  await oauth.close();
  await upstream.close();
  await backup.close();
});

beforeEach(async () => {
  oauth.accessTtlS = 864_000;
  quotaHeaders = undefined;
  upstream.setScenario(liveOr401);
  home = tempHome();
  gw = await startGateway({}, { endpointOverrides: { codex: oauth.endpoints }, homeDir: home.dir });
});
afterEach(async () => {
  await gw.close();
  home.close();
});

const start = async () => (await gw.api("/api/oauth/codex/start", { body: {} })).json();
const complete = async (state: string, code?: string) =>
  (await gw.api("/api/oauth/cx/complete", { body: { state, ...(code ? { code } : {}) } })).json();

/** Start, approve in the "browser", land on the local callback, and poll complete as the dashboard does. */
async function connect(): Promise<string> {
  const s = await start();
  const landing = await fetch(await oauth.approve(s.authorizeUrl));
  expect(landing.status).toBe(200);
  const done = await complete(s.state);
  expect(done.status).toBe("connected");
  await pointAt(gw, done.connection.id, `${upstream.url}/backend-api/codex`);
  return done.connection.id;
}

describe("connect", () => {
  test("start gives OpenAI's authorize URL with PKCE and a callback on this machine", async () => {
    const s = await start();
    const url = new URL(s.authorizeUrl);
    expect(url.origin + url.pathname).toBe(oauth.endpoints.authorize);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      code_challenge_method: "S256",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
      originator: "codex_cli_rs",
    });
    expect(url.searchParams.get("scope")).toBe("openid profile email offline_access");
    expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+\/auth\/callback$/);
    expect(s.instructions).toContain("finishes by itself");
  });

  test("the browser landing on the local callback completes the login: email, plan and account id from the id_token", async () => {
    const s = await start();
    expect(await complete(s.state)).toEqual({ status: "pending" }); // nothing caught yet
    const landing = await fetch(await oauth.approve(s.authorizeUrl));
    expect(await landing.text()).toContain("Codex is connected");
    const done = await complete(s.state);
    expect(done).toMatchObject({ status: "connected", connection: { provider: "codex", name: "grace@example.com", authType: "oauth" } });
    expect(done.connection.metadata).toMatchObject({ email: "grace@example.com", plan: "pro", accountId: "acct-grace" });
    const exchange = oauth.tokenRequests.at(-1)!;
    expect(exchange.contentType).toContain("application/x-www-form-urlencoded");
    expect(exchange.body).toMatchObject({
      grant_type: "authorization_code",
      redirect_uri: new URL(s.authorizeUrl).searchParams.get("redirect_uri"),
    });
    const { credentials } = stored(gw, done.connection.id);
    expect(credentials).toMatchObject({
      accountId: "acct-grace",
      idToken: expect.any(String),
      refreshToken: expect.stringMatching(/^rt_/),
    });
    expect(JSON.stringify(done)).not.toContain(String(credentials.accessToken));
  });

  test("the callback address pasted by hand also works (browser on another machine), and the listener stops", async () => {
    const s = await start();
    const callbackUrl = await oauth.approve(s.authorizeUrl);
    const done = await complete(s.state, callbackUrl);
    expect(done.status).toBe("connected");
    expect(
      await fetch(callbackUrl).then(
        () => "answered",
        () => "closed",
      ),
    ).toBe("closed");
  });

  test("a refusal in the browser fails the login with OpenAI's reason", async () => {
    const s = await start();
    const landing = await fetch(await oauth.approve(s.authorizeUrl, { deny: true }));
    expect(landing.status).toBe(400);
    expect(await complete(s.state)).toMatchObject({ status: "failed", error: expect.stringContaining("access_denied") });
  });
});

describe("the Codex backend call", () => {
  test("a non-stream Responses request is sent streamed, with the backend's body rules and headers, and answered as JSON", async () => {
    await connect();
    const res = await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi", max_output_tokens: 100, stream: false });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ object: "response", status: "completed" });
    expect(body.output[0].content[0].text).toBe("Hello from Codex.");
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe("/backend-api/codex/responses");
    expect(sent.body).toMatchObject({
      model: "gpt-5.1-codex",
      stream: true,
      store: false,
      instructions: expect.any(String),
      include: ["reasoning.encrypted_content"],
    });
    expect(sent.body.max_output_tokens).toBeUndefined();
    expect(sent.headers).toMatchObject({
      "chatgpt-account-id": "acct-grace",
      "openai-beta": "responses=experimental",
      originator: "codex_cli_rs",
      accept: "text/event-stream",
    });
    expect(sent.headers.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.headers["user-agent"]).toStartWith("codex_cli_rs/");
    expect(oauth.isLiveAccessToken(bearer(sent))).toBe(true);
  });

  test("a Chat Completions client gets its JSON (translated from the folded stream), and streaming passes through", async () => {
    await connect();
    const chat = await callGateway(gw, "/v1/chat/completions", { model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect((await chat.json()).choices[0].message.content).toBe("Hello from Codex.");
    const streamed = await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi", stream: true });
    const text = await streamed.text();
    expect(text).toContain("event: response.output_text.delta");
    expect(text).toContain("event: response.completed");
  });

  test("the connection Test sends a streamed call and reads the folded answer", async () => {
    const id = await connect();
    expect(await (await gw.api(`/api/providers/${id}/test`, { body: {} })).json()).toMatchObject({ ok: true, model: "gpt-5.2-codex" });
    expect(upstream.requests.at(-1)!.body.stream).toBe(true);
  });
});

describe("tokens", () => {
  test("refreshed before the access token expires (JSON refresh grant), rotated tokens saved", async () => {
    oauth.accessTtlS = 60;
    const id = await connect();
    const before = stored(gw, id).credentials;
    const count = refreshes();
    expect((await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi" })).status).toBe(200);
    expect(refreshes() - count).toBe(1);
    const request = oauth.tokenRequests.at(-1)!;
    expect(request.contentType).toContain("application/json");
    expect(request.body).toEqual({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: String(before.refreshToken),
    });
    const after = stored(gw, id).credentials;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(bearer(upstream.requests.at(-1)!)).toBe(String(after.accessToken));
  });

  test("a 401 refreshes once and retries", async () => {
    await connect();
    oauth.expireAccessTokens();
    const count = refreshes();
    const res = await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi" });
    expect(res.status).toBe(200);
    expect(refreshes() - count).toBe(1);
  });

  test("a revoked refresh token: needs login, skipped, the combo answers from the next model", async () => {
    const id = await connect();
    expect(
      (await gw.api("/api/providers", { body: { provider: "deepseek", apiKey: "sk-backup", baseUrl: `${backup.url}/v1` } })).status,
    ).toBe(201);
    expect((await gw.api("/api/combos", { body: { name: "main", models: [MODEL, "ds/deepseek-chat"] } })).status).toBe(201);
    oauth.expireAccessTokens();
    oauth.revokeRefreshTokens();
    const res = await callGateway(gw, "/v1/chat/completions", { model: "main", messages: [{ role: "user", content: "hi" }] });
    expect((await res.json()).choices[0].message.content).toBe("from the backup");
    expect(stored(gw, id).metadata).toMatchObject({ needsLogin: true, loginError: expect.stringContaining("revoked") });
    expect(gw.services.accounts.accountsOf("codex")).toHaveLength(0);
  });
});

describe("import from the Codex CLI", () => {
  test("reads ~/.codex/auth.json in the home folder", async () => {
    const tokens = oauth.cliTokens();
    home.write(".codex/auth.json", { OPENAI_API_KEY: null, tokens, last_refresh: new Date().toISOString() });
    const res = await gw.api("/api/oauth/codex/import", { body: {} });
    expect(res.status).toBe(201);
    const { connection } = await res.json();
    expect(connection).toMatchObject({ name: "grace@example.com", metadata: { plan: "pro", accountId: "acct-grace" } });
    expect(stored(gw, connection.id).credentials).toMatchObject({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accountId: "acct-grace",
    });
    expect(JSON.stringify(connection)).not.toContain(tokens.refresh_token);
    // And it works upstream.
    await pointAt(gw, connection.id, `${upstream.url}/backend-api/codex`);
    expect((await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi" })).status).toBe(200);
  });

  test("an API-key login is refused with what to do instead", async () => {
    const res = await gw.api("/api/oauth/codex/import", { body: { credentials: { OPENAI_API_KEY: "sk-proj-123", tokens: null } } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("OpenAI API key");
  });
});

describe("quota windows", () => {
  const inSeconds = (s: number) => String(Math.floor(Date.now() / 1000) + s);

  test("x-codex-primary/secondary headers become the 5-hour and weekly windows", async () => {
    const id = await connect();
    quotaHeaders = {
      "x-codex-primary-used-percent": "25",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": inSeconds(3600),
      "x-codex-secondary-used-percent": "60.5",
      "x-codex-secondary-window-minutes": "10080",
      "x-codex-secondary-reset-after-seconds": "86400",
    };
    expect((await callGateway(gw, "/v1/responses", { model: MODEL, input: "hi" })).status).toBe(200);
    const health = await (await gw.api("/api/health")).json();
    expect(health.quotas.find((q: any) => q.connectionId === id).windows).toEqual([
      expect.objectContaining({ name: "5h", usedPercent: 25, leftPercent: 75, exhausted: false }),
      expect.objectContaining({ name: "weekly", usedPercent: 60.5, exhausted: false }),
    ]);
  });

  test("usage_limit_reached skips the account until resets_at; the combo moves to the next model", async () => {
    const id = await connect();
    expect(
      (await gw.api("/api/providers", { body: { provider: "deepseek", apiKey: "sk-backup", baseUrl: `${backup.url}/v1` } })).status,
    ).toBe(201);
    expect((await gw.api("/api/combos", { body: { name: "main", models: [MODEL, "ds/deepseek-chat"] } })).status).toBe(201);
    const resetsAt = Math.floor(Date.now() / 1000) + 3 * 3600;
    quotaHeaders = {
      "x-codex-primary-used-percent": "100",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": String(resetsAt),
    };
    upstream.setScenario({ kind: "error", status: 429, message: "The usage limit has been reached" });
    const chat = () => callGateway(gw, "/v1/chat/completions", { model: "main", messages: [{ role: "user", content: "hi" }] });
    expect((await (await chat()).json()).choices[0].message.content).toBe("from the backup");
    expect(gw.services.health.cooldowns.until(id, "gpt-5.1-codex")).toBe(resetsAt * 1000);
    const calls = upstream.requests.length;
    expect((await (await chat()).json()).choices[0].message.content).toBe("from the backup");
    expect(upstream.requests.length).toBe(calls);
  });
});
