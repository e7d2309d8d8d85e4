// Claude Code (cc/): the paste-the-code login against a fake Anthropic OAuth server, the upstream call as Claude Code
// makes it, refresh ahead of expiry and after a 401, a revoked refresh token, the CLI import, and the quota windows.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { startAnthropicUpstream } from "../fakes/anthropic-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { startClaudeOAuth, type FakeClaudeOAuth } from "../fakes/oauth-claude.ts";
import type { FakeUpstream, RecordedRequest } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { callGateway, pointAt, stored, tempHome, type TempHome } from "./subscription-support.ts";

let oauth: FakeClaudeOAuth;
let upstream: FakeUpstream;
let backup: FakeUpstream;
let home: TempHome;
let gw: TestGateway;
/** Extra headers the fake Anthropic upstream adds to its next answers (quota headers). */
let quotaHeaders: Record<string, string> | undefined;

const bearer = (r: RecordedRequest) => r.headers.authorization?.replace(/^Bearer /, "");
const refreshes = () => oauth.tokenRequests.filter((r) => r.grant_type === "refresh_token").length;
const MODEL = "cc/claude-sonnet-4-5-20250929";

beforeAll(() => {
  oauth = startClaudeOAuth({ email: "ada@example.com", plan: "max" });
  // Like api.anthropic.com: a token that is not (or no longer) live is a 401.
  upstream = startAnthropicUpstream(
    (req) =>
      oauth.isLiveAccessToken(bearer(req))
        ? { kind: "text", text: "Hello from Claude." }
        : { kind: "error", status: 401, message: "OAuth token has expired." },
    { headers: () => quotaHeaders },
  );
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
});
afterAll(async () => {
  await oauth.close();
  await upstream.close();
  await backup.close();
});

beforeEach(async () => {
  oauth.accessTtlS = 28_800;
  quotaHeaders = undefined;
  home = tempHome();
  gw = await startGateway({}, { endpointOverrides: { claude: oauth.endpoints }, homeDir: home.dir });
});
afterEach(async () => {
  await gw.close();
  home.close();
});

/** The whole login as a user does it through the API: start, approve in the browser, paste `code#state`. */
async function connect(): Promise<{ id: string; connection: Record<string, any> }> {
  const start = await (await gw.api("/api/oauth/claude/start", { body: {} })).json();
  const pasted = await oauth.approve(start.authorizeUrl);
  const done = await (await gw.api("/api/oauth/cc/complete", { body: { state: start.state, code: pasted } })).json();
  expect(done.status).toBe("connected");
  await pointAt(gw, done.connection.id, upstream.url);
  return { id: done.connection.id, connection: done.connection };
}

const ask = (model = MODEL, stream = false) =>
  callGateway(gw, "/v1/messages", { model, max_tokens: 64, stream, system: "Be brief.", messages: [{ role: "user", content: "hi" }] });

describe("connect", () => {
  test("start gives Anthropic's authorize URL (PKCE S256, code=true, the paste-code redirect)", async () => {
    const start = await (await gw.api("/api/oauth/claude/start", { body: {} })).json();
    expect(start).toMatchObject({ flow: "pkce", state: expect.any(String), expiresIn: 600 });
    const url = new URL(start.authorizeUrl);
    expect(url.origin + url.pathname).toBe(oauth.endpoints.authorize);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      code: "true",
      client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
      response_type: "code",
      redirect_uri: "https://platform.claude.com/oauth/code/callback",
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("scope")).toContain("user:inference");
    expect(start.instructions).toContain("code#state");
  });

  test("pasting code#state connects the account, named by its email, with its plan; no token is ever shown", async () => {
    const { id, connection } = await connect();
    expect(connection).toMatchObject({ provider: "claude", name: "ada@example.com", authType: "oauth", apiKey: null });
    expect(connection.metadata).toMatchObject({ email: "ada@example.com", plan: "max" });
    const { credentials, row } = stored(gw, id);
    expect(oauth.isLiveAccessToken(String(credentials.accessToken))).toBe(true);
    expect(String(credentials.refreshToken)).toStartWith("sk-ant-ort01-");
    expect(Number(credentials.expiresAt)).toBeGreaterThan(Date.now() + 7 * 3_600_000);
    expect(String(row.credentials)).not.toContain("sk-ant"); // sealed at rest
    const exchange = oauth.tokenRequests.at(-1)!;
    expect(exchange).toMatchObject({ grant_type: "authorization_code", redirect_uri: "https://platform.claude.com/oauth/code/callback" });
    for (const text of [await (await gw.api("/api/providers")).text(), await (await gw.api(`/api/providers/${id}`)).text()]) {
      expect(text).not.toContain(String(credentials.accessToken));
      expect(text).not.toContain(String(credentials.refreshToken));
    }
  });

  test("a code from another login attempt, or a used one, fails with a clear message", async () => {
    const first = await (await gw.api("/api/oauth/claude/start", { body: {} })).json();
    const second = await (await gw.api("/api/oauth/claude/start", { body: {} })).json();
    const pasted = await oauth.approve(first.authorizeUrl);
    const wrong = await (await gw.api("/api/oauth/claude/complete", { body: { state: second.state, code: pasted } })).json();
    expect(wrong).toMatchObject({ status: "failed", error: expect.stringContaining("another login attempt") });
    const again = await gw.api("/api/oauth/claude/complete", { body: { state: second.state, code: pasted } });
    expect(again.status).toBe(400); // that login attempt is over
    const used = await (await gw.api("/api/oauth/claude/complete", { body: { state: first.state, code: "code-unknown" } })).json();
    expect(used).toMatchObject({ status: "failed", error: expect.stringContaining("did not accept the code") });
  });

  test("logging in again to the same account renews that connection instead of adding one", async () => {
    const { id } = await connect();
    const again = await connect();
    expect(again.id).toBe(id);
    const list = await (await gw.api("/api/providers?provider=claude")).json();
    expect((list.data ?? list).length).toBe(1);
  });
});

describe("the upstream call", () => {
  test("is sent as Claude Code sends it: bearer token, OAuth betas, CLI headers, ?beta=true, identity system block first", async () => {
    await connect();
    const res = await ask();
    expect(res.status).toBe(200);
    expect((await res.json()).content[0].text).toBe("Hello from Claude.");
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages?beta=true");
    expect(oauth.isLiveAccessToken(bearer(sent))).toBe(true);
    expect(sent.headers["x-api-key"]).toBeUndefined();
    expect(sent.headers["anthropic-beta"]!.split(",")).toEqual(expect.arrayContaining(["oauth-2025-04-20", "claude-code-20250219"]));
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers["x-app"]).toBe("cli");
    expect(sent.headers["user-agent"]).toMatch(/^claude-cli\/[\d.]+ \(external, cli\)$/);
    expect(sent.body.system[0]).toEqual({ type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." });
    expect(sent.body.system[1]).toMatchObject({ type: "text", text: "Be brief." });
  });

  test("the connection Test and count_tokens go through the same adapter", async () => {
    const { id } = await connect();
    const tested = await (await gw.api(`/api/providers/${id}/test`, { body: {} })).json();
    expect(tested).toMatchObject({ ok: true });
    expect(upstream.requests.at(-1)!.headers["x-app"]).toBe("cli");
    const counted = await callGateway(gw, "/v1/messages/count_tokens", { model: MODEL, messages: [{ role: "user", content: "count me" }] });
    expect(counted.status).toBe(200);
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe("/v1/messages/count_tokens?beta=true");
    expect(oauth.isLiveAccessToken(bearer(sent))).toBe(true);
    expect((await counted.json()).input_tokens).toBe(Math.ceil(JSON.stringify([sent.body.system, sent.body.messages]).length / 4));
  });
});

describe("tokens", () => {
  test("an access token expiring within minutes is refreshed before the call, and the rotated tokens are saved", async () => {
    oauth.accessTtlS = 120;
    const { id } = await connect();
    const before = stored(gw, id).credentials;
    const count = refreshes();
    expect((await ask()).status).toBe(200);
    expect(refreshes() - count).toBe(1);
    const after = stored(gw, id).credentials;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(bearer(upstream.requests.at(-1)!)).toBe(String(after.accessToken));
  });

  test("concurrent calls due for a refresh share one refresh", async () => {
    oauth.accessTtlS = 120;
    await connect();
    const count = refreshes();
    const results = await Promise.all([ask(), ask(), ask()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshes() - count).toBe(1);
  });

  test("a 401 from the API refreshes once and retries", async () => {
    await connect();
    oauth.expireAccessTokens();
    const calls = upstream.requests.length;
    const count = refreshes();
    const res = await ask();
    expect(res.status).toBe(200);
    expect(upstream.requests.length - calls).toBe(2);
    expect(refreshes() - count).toBe(1);
  });

  test("a revoked refresh token marks the account 'needs login', routing skips it and the combo moves on", async () => {
    const { id } = await connect();
    expect(
      (await gw.api("/api/providers", { body: { provider: "deepseek", apiKey: "sk-backup", baseUrl: `${backup.url}/v1` } })).status,
    ).toBe(201);
    expect((await gw.api("/api/combos", { body: { name: "main", models: [MODEL, "ds/deepseek-chat"] } })).status).toBe(201);
    oauth.expireAccessTokens();
    oauth.revokeRefreshTokens();
    const res = await callGateway(gw, "/v1/chat/completions", { model: "main", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe("from the backup");
    const { metadata } = stored(gw, id);
    expect(metadata).toMatchObject({ needsLogin: true, loginError: expect.stringContaining("refresh token") });
    expect(gw.services.accounts.accountsOf("claude")).toHaveLength(0);
    const calls = upstream.requests.length;
    await callGateway(gw, "/v1/chat/completions", { model: "main", messages: [{ role: "user", content: "again" }] });
    expect(upstream.requests.length).toBe(calls); // not tried any more
    // Logging in again brings the same connection back.
    expect((await connect()).id).toBe(id);
    expect(stored(gw, id).metadata.needsLogin).toBeUndefined();
    expect(gw.services.accounts.accountsOf("claude")).toHaveLength(1);
  });
});

describe("import from the Claude Code CLI", () => {
  const file = (access: string, refresh: string) => ({
    claudeAiOauth: {
      accessToken: access,
      refreshToken: refresh,
      expiresAt: Date.now() + 3_600_000,
      scopes: ["user:inference", "user:profile"],
      subscriptionType: "pro",
    },
  });

  test("reads ~/.claude/.credentials.json (and who is logged in from ~/.claude.json) in the home folder", async () => {
    oauth.addTokens("sk-ant-oat01-cli", "sk-ant-ort01-cli");
    home.write(".claude/.credentials.json", file("sk-ant-oat01-cli", "sk-ant-ort01-cli"));
    home.write(".claude.json", { oauthAccount: { emailAddress: "cli@example.com", accountUuid: "acct-9" } });
    const res = await gw.api("/api/oauth/claude/import", { body: {} });
    expect(res.status).toBe(201);
    const { connection } = await res.json();
    expect(connection).toMatchObject({ name: "cli@example.com", metadata: { plan: "pro", email: "cli@example.com" } });
    expect(stored(gw, connection.id).credentials).toMatchObject({ accessToken: "sk-ant-oat01-cli", refreshToken: "sk-ant-ort01-cli" });
    expect(JSON.stringify(connection)).not.toContain("sk-ant-o");
    // The same login imported again renews the connection.
    const again = await gw.api("/api/oauth/claude/import", { body: {} });
    expect(again.status).toBe(200);
    expect((await again.json()).connection.id).toBe(connection.id);
  });

  test("takes the file's JSON pasted instead (the email then comes from the profile endpoint)", async () => {
    oauth.addTokens("sk-ant-oat01-pasted", "sk-ant-ort01-pasted");
    const res = await gw.api("/api/oauth/claude/import", { body: { credentials: file("sk-ant-oat01-pasted", "sk-ant-ort01-pasted") } });
    expect(res.status).toBe(201);
    expect((await res.json()).connection).toMatchObject({ name: "ada@example.com", metadata: { plan: "pro" } });
  });

  test("no file is a 404 that says what to do; a file of another shape is a 400", async () => {
    const missing = await gw.api("/api/oauth/claude/import", { body: {} });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain("log in with the official CLI first");
    const wrong = await gw.api("/api/oauth/claude/import", { body: { credentials: { tokens: {} } } });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.message).toContain("claudeAiOauth");
  });
});

describe("quota windows", () => {
  const reset5h = () => String(Math.floor(Date.now() / 1000) + 2 * 3600);
  const resetWeek = () => String(Math.floor(Date.now() / 1000) + 4 * 86_400);

  test("the unified rate-limit headers become 5-hour and weekly windows in /api/health", async () => {
    const { id } = await connect();
    quotaHeaders = {
      "anthropic-ratelimit-unified-status": "allowed",
      "anthropic-ratelimit-unified-representative-claim": "five_hour",
      "anthropic-ratelimit-unified-5h-utilization": "0.42",
      "anthropic-ratelimit-unified-5h-reset": reset5h(),
      "anthropic-ratelimit-unified-5h-status": "allowed",
      "anthropic-ratelimit-unified-7d-utilization": "0.1",
      "anthropic-ratelimit-unified-7d-reset": resetWeek(),
      "anthropic-ratelimit-unified-7d-status": "allowed",
    };
    expect((await ask()).status).toBe(200);
    const health = await (await gw.api("/api/health")).json();
    const mine = health.quotas.find((q: any) => q.connectionId === id);
    expect(mine.windows).toEqual([
      expect.objectContaining({
        name: "5h",
        usedPercent: 42,
        leftPercent: 58,
        exhausted: false,
        resetsAt: new Date(Number(reset5h()) * 1000).toISOString(),
      }),
      expect.objectContaining({ name: "weekly", usedPercent: 10, exhausted: false }),
    ]);
    expect(health.rateLimits).toHaveLength(0);
  });

  test("an exhausted 5-hour window (429 rejected) skips the account until it resets: the combo moves to the next model", async () => {
    const { id } = await connect();
    expect(
      (await gw.api("/api/providers", { body: { provider: "deepseek", apiKey: "sk-backup", baseUrl: `${backup.url}/v1` } })).status,
    ).toBe(201);
    expect((await gw.api("/api/combos", { body: { name: "main", models: [MODEL, "ds/deepseek-chat"] } })).status).toBe(201);
    const resetAt = reset5h();
    quotaHeaders = {
      "anthropic-ratelimit-unified-status": "rejected",
      "anthropic-ratelimit-unified-representative-claim": "five_hour",
      "anthropic-ratelimit-unified-reset": resetAt,
      "anthropic-ratelimit-unified-5h-utilization": "1.0",
      "anthropic-ratelimit-unified-5h-reset": resetAt,
      "anthropic-ratelimit-unified-5h-status": "rejected",
    };
    upstream.setScenario({
      kind: "error",
      status: 429,
      message: "This request would exceed your account's rate limit. Please try again later.",
    });
    try {
      const chat = () => callGateway(gw, "/v1/chat/completions", { model: "main", messages: [{ role: "user", content: "hi" }] });
      const res = await chat();
      expect((await res.json()).choices[0].message.content).toBe("from the backup");
      const health = await (await gw.api("/api/health")).json();
      const cooling = health.rateLimits.find((r: any) => r.connectionId === id && r.model === null);
      expect(cooling.reason).toContain("5-hour quota");
      expect(Date.parse(cooling.until)).toBe(Number(resetAt) * 1000);
      expect(health.quotas.find((q: any) => q.connectionId === id).windows[0]).toMatchObject({ name: "5h", exhausted: true });
      const calls = upstream.requests.length;
      expect((await (await chat()).json()).choices[0].message.content).toBe("from the backup");
      expect(upstream.requests.length).toBe(calls); // skipped, not tried
    } finally {
      upstream.setScenario((req) =>
        oauth.isLiveAccessToken(bearer(req))
          ? { kind: "text", text: "Hello from Claude." }
          : { kind: "error", status: 401, message: "OAuth token has expired." },
      );
    }
  });

  test("a success that reports the window used up also skips the account until its reset", async () => {
    const { id } = await connect();
    quotaHeaders = {
      "anthropic-ratelimit-unified-5h-utilization": "1",
      "anthropic-ratelimit-unified-5h-reset": reset5h(),
      "anthropic-ratelimit-unified-5h-status": "allowed_warning",
    };
    expect((await ask()).status).toBe(200);
    const until = gw.services.health.cooldowns.until(id, "claude-sonnet-4-5-20250929");
    expect(until).toBe(Number(reset5h()) * 1000);
  });
});
