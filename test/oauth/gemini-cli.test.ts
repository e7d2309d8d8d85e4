// Gemini CLI end to end: Google OAuth with the loopback callback (or a pasted address), Code Assist onboarding and
// envelope, token refresh ahead of expiry and after a 401, a revoked refresh token, CLI import, and quota windows.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { getConnection } from "../../src/db/queries/connections.ts";

import { GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET } from "../../src/providers/gemini-cli/google-oauth.ts";
import { startCodeAssistUpstream, type FakeCodeAssist } from "../fakes/code-assist-upstream.ts";
import { googleEndpoints, startGoogleOAuth, type FakeGoogle } from "../fakes/oauth-google.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { chat, connect } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let google: FakeGoogle;
let codeAssist: FakeCodeAssist;
let backup: FakeUpstream;
let home: string;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), "gemini-home-"));
  google = startGoogleOAuth({ clientId: GOOGLE_CLIENT_ID, clientSecret: GOOGLE_CLIENT_SECRET, email: "ana@example.com", name: "Ana" });
  codeAssist = startCodeAssistUpstream({
    isAuthorized: (t) => google.isLiveAccessToken(t),
    scenario: { kind: "text", text: "Hello from Code Assist.", usage: { input: 9, output: 4 } },
  });
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
  // Onboarding polls its operation: here the waits between polls take no time.
  gw = await startGateway(
    {},
    { endpointOverrides: { "gemini-cli": googleEndpoints(google, codeAssist.url) }, homeDir: home, sleep: () => Promise.resolve() },
  );
});
afterEach(async () => {
  await gw.close();
  await google.close();
  await codeAssist.close();
  await backup.close();
  rmSync(home, { recursive: true, force: true });
});

/** Start a login and let the "browser" approve it: Google redirects to the gateway's loopback listener. */
async function browserLogin(): Promise<{ state: string; callback: string }> {
  const start = await (await gw.api("/api/oauth/gemini-cli/start", { body: {} })).json();
  expect(start.flow).toBe("pkce");
  const consent = await fetch(start.authorizeUrl, { redirect: "manual" });
  expect(consent.status).toBe(302);
  return { state: start.state, callback: consent.headers.get("location")! };
}

async function connectAccount(): Promise<any> {
  const { state, callback } = await browserLogin();
  const landed = await fetch(callback, { redirect: "manual" });
  expect(landed.status).toBe(200);
  expect(await landed.text()).toContain("Signed in");
  const done = await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state } })).json();
  expect(done.status).toBe("connected");
  return done.connection;
}

const answerText = async (res: Response) => (await res.json()).choices[0].message.content;

describe("connect", () => {
  test("Google login caught on the loopback: account named by email, onboarded into the free tier, project kept", async () => {
    const start = await (await gw.api("/api/oauth/gemini-cli/start", { body: {} })).json();
    const authorize = new URL(start.authorizeUrl);
    expect(authorize.searchParams.get("client_id")).toBe(GOOGLE_CLIENT_ID);
    expect(authorize.searchParams.get("scope")!.split(" ")).toEqual([
      "https://www.googleapis.com/auth/cloud-platform",
      "https://www.googleapis.com/auth/userinfo.email",
      "https://www.googleapis.com/auth/userinfo.profile",
    ]);
    expect(authorize.searchParams.get("access_type")).toBe("offline");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2callback$/);

    // Before the browser comes back, completing is still pending.
    expect((await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state: start.state } })).json()).status).toBe("pending");
    const consent = await fetch(start.authorizeUrl, { redirect: "manual" });
    await fetch(consent.headers.get("location")!, { redirect: "manual" });
    const done = await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state: start.state } })).json();
    expect(done.status).toBe("connected");
    expect(done.connection.name).toBe("ana@example.com");
    expect(done.connection.metadata).toMatchObject({
      email: "ana@example.com",
      projectId: "brave-sun-4f2k1",
      tierId: "free-tier",
      plan: "Gemini Code Assist for individuals",
    });
    expect(JSON.stringify(done)).not.toMatch(/ya29\.|1\/\/0g/);

    // Onboarding went loadCodeAssist -> onboardUser (no project for the free tier) -> operation polled until done.
    const calls = codeAssist.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(["POST /v1internal:loadCodeAssist", "POST /v1internal:onboardUser", "GET /v1internal/operations/onboard-1"]);
    expect(codeAssist.requests[1].body).toEqual({
      tierId: "free-tier",
      metadata: { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" },
    });
    // The state is single-use.
    expect((await gw.api("/api/oauth/gemini-cli/complete", { body: { state: start.state } })).status).toBe(400);
  });

  test("the final address pasted by hand works when the loopback cannot be reached", async () => {
    const { state, callback } = await browserLogin();
    const done = await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state, code: callback } })).json();
    expect(done.status).toBe("connected");
    expect(done.connection.name).toBe("ana@example.com");
  });

  test("an address from another login attempt, or a declined consent, fails with a reason", async () => {
    const first = await browserLogin();
    const second = await browserLogin();
    const wrong = await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state: second.state, code: first.callback } })).json();
    expect(wrong).toMatchObject({ status: "failed" });
    expect(wrong.error).toContain("state mismatch");

    google.approve = false;
    const { state, callback } = await browserLogin();
    await fetch(callback, { redirect: "manual" });
    const declined = await (await gw.api("/api/oauth/gemini-cli/complete", { body: { state } })).json();
    expect(declined.status).toBe("failed");
    expect(declined.error).toContain("access_denied");
  });
});

describe("calls through Code Assist", () => {
  test("OpenAI clients: the Gemini body goes out in the v1internal envelope and comes back unwrapped (JSON and SSE)", async () => {
    await connectAccount();
    const res = await chat(gw, "gc/gemini-2.5-flash");
    expect(res.status).toBe(200);
    expect(await answerText(res)).toBe("Hello from Code Assist.");
    const sent = codeAssist.generations().at(-1)!;
    expect(sent.path).toBe("/v1internal:generateContent");
    expect(sent.body).toMatchObject({
      model: "gemini-2.5-flash",
      project: "brave-sun-4f2k1",
      request: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
    });
    expect(typeof sent.body.user_prompt_id).toBe("string");
    expect(google.isLiveAccessToken(sent.headers.authorization.replace("Bearer ", ""))).toBe(true);

    const streamed = await (await chat(gw, "gc/gemini-2.5-flash", { stream: true })).text();
    expect(codeAssist.generations().at(-1)!.path).toBe("/v1internal:streamGenerateContent?alt=sse");
    const text = streamed
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe("Hello from Code Assist.");
    expect(streamed).toContain("data: [DONE]");
    // The project is set up once and then read from the connection.
    expect(codeAssist.requests.filter((r) => r.path.includes("loadCodeAssist"))).toHaveLength(1);
  });

  test("the dashboard's Test button goes through the same envelope", async () => {
    const connection = await connectAccount();
    const res = await (await gw.api(`/api/providers/${connection.id}/test`, { body: { model: "gemini-2.5-flash" } })).json();
    expect(res).toMatchObject({ ok: true, model: "gemini-2.5-flash" });
    expect(codeAssist.generations().at(-1)!.body).toMatchObject({ model: "gemini-2.5-flash", project: "brave-sun-4f2k1" });
  });

  test("Gemini clients (fast path): @google/genai reads plain Gemini answers, streamed and not", async () => {
    await connectAccount();
    const ai = new GoogleGenAI({ apiKey: (await gw.services.apiKeys.create("genai", [])).key, httpOptions: { baseUrl: gw.url } });
    const res = await ai.models.generateContent({ model: "gc/gemini-2.5-flash", contents: "hi" });
    expect(res.text).toBe("Hello from Code Assist.");
    expect(res.usageMetadata?.promptTokenCount).toBe(9);
    let text = "";
    for await (const chunk of await ai.models.generateContentStream({ model: "gc/gemini-2.5-flash", contents: "hi" }))
      text += chunk.text ?? "";
    expect(text).toBe("Hello from Code Assist.");
    expect(codeAssist.generations().at(-1)!.body.request.contents[0].parts[0].text).toBe("hi");
  });

  test("a token that expires within minutes is refreshed before the call", async () => {
    google.accessTtlS = 120;
    await connectAccount();
    const before = google.requests.filter((r) => r.form?.grant_type === "refresh_token").length;
    expect(await answerText(await chat(gw, "gc/gemini-2.5-flash"))).toBe("Hello from Code Assist.");
    expect(google.requests.filter((r) => r.form?.grant_type === "refresh_token").length).toBe(before + 1);
    const [row] = (await (await gw.api("/api/providers")).json()).filter((c: any) => c.provider === "gemini-cli");
    expect(JSON.stringify(row)).not.toMatch(/ya29\.|1\/\/0g/);
  });

  test("a 401 from Code Assist refreshes the token once and retries", async () => {
    await connectAccount();
    google.expireAccessTokens();
    expect(await answerText(await chat(gw, "gc/gemini-2.5-flash"))).toBe("Hello from Code Assist.");
    const generations = codeAssist.requests.filter((r) => r.path.includes("generateContent"));
    expect(generations.length).toBe(2);
    expect(google.requests.filter((r) => r.form?.grant_type === "refresh_token")).toHaveLength(1);
  });

  test("a revoked refresh token marks the account 'needs login' and the combo moves on", async () => {
    const connection = await connectAccount();
    await connect(gw, "ds", backup, "backup-key");
    expect((await gw.api("/api/combos", { body: { name: "free", models: ["gc/gemini-2.5-flash", "ds/deepseek-chat"] } })).status).toBe(201);
    for (const token of google.refreshTokens()) google.revokeRefreshToken(token);
    const res = await chat(gw, "free");
    expect(await answerText(res)).toBe("from the backup");
    const row = (await getConnection(gw.services.store, connection.id))!;
    expect(row.metadata).toMatchObject({ needsLogin: true });
    expect(String(row.metadata!.loginError)).toContain("expired or revoked");
    // Routed around from now on: the Code Assist fake is not called again.
    const calls = codeAssist.requests.length;
    expect(await answerText(await chat(gw, "free"))).toBe("from the backup");
    expect(codeAssist.requests.length).toBe(calls);
  });
});

describe("CLI import", () => {
  test("~/.gemini/oauth_creds.json is imported, refreshed when stale, and named by the CLI's account", async () => {
    mkdirSync(join(home, ".gemini"));
    google.addRefreshToken("1//0g-from-cli");
    writeFileSync(
      join(home, ".gemini", "oauth_creds.json"),
      JSON.stringify({
        access_token: "ya29.stale",
        refresh_token: "1//0g-from-cli",
        scope: "https://www.googleapis.com/auth/cloud-platform",
        token_type: "Bearer",
        expiry_date: Date.now() - 1000,
      }),
    );
    codeAssist.onboarded = true;
    const res = await gw.api("/api/oauth/gemini-cli/import", { body: {} });
    expect(res.status).toBe(201);
    const { connection } = await res.json();
    expect(connection).toMatchObject({ provider: "gemini-cli", name: "ana@example.com", authType: "oauth" });
    expect(connection.metadata.projectId).toBe("brave-sun-4f2k1");
    expect(google.requests.some((r) => r.form?.refresh_token === "1//0g-from-cli")).toBe(true);
    expect(await answerText(await chat(gw, "gc/gemini-2.5-flash"))).toBe("Hello from Code Assist.");
  });

  test("pasted file contents import too; no file on this machine is a 404; a dead CLI login says so", async () => {
    google.addRefreshToken("1//0g-pasted");
    const pasted = await gw.api("/api/oauth/gemini-cli/import", {
      body: { credentials: { refresh_token: "1//0g-pasted", expiry_date: 0 } },
    });
    expect(pasted.status).toBe(201);
    expect((await gw.api("/api/oauth/gemini-cli/import", { body: {} })).status).toBe(404);
    const dead = await gw.api("/api/oauth/gemini-cli/import", { body: { credentials: { refresh_token: "1//0g-unknown" } } });
    expect(dead.status).toBe(401);
    expect((await dead.json()).error.message).toContain("log in again");
  });
});

describe("quota windows", () => {
  async function freeCombo() {
    const connection = await connectAccount();
    await connect(gw, "ds", backup, "backup-key");
    await gw.api("/api/combos", { body: { name: "free", models: ["gc/gemini-2.5-flash", "ds/deepseek-chat"] } });
    return connection;
  }

  test("requests count against the daily (1,000) and monthly windows; the last one of the day moves the combo on", async () => {
    const connection = await freeCombo();
    expect(await answerText(await chat(gw, "free"))).toBe("Hello from Code Assist.");
    let windows = gw.services.quotas.windowsOf(connection.id);
    expect(windows.map((w) => [w.name, w.used, w.limit])).toEqual([
      ["daily", 1, 1000],
      ["monthly", 1, 180000],
    ]);
    // 998 more served today (counted as the usage hook counts them), then the 1,000th through the gateway.
    gw.services.quotas.countLocal({ id: connection.id, provider: "gemini-cli" }, { requests: 998, tokens: 0 });
    expect(await answerText(await chat(gw, "free"))).toBe("Hello from Code Assist.");
    windows = gw.services.quotas.windowsOf(connection.id);
    expect(windows[0]).toMatchObject({ name: "daily", used: 1000, source: "local" });
    const calls = codeAssist.generations().length;
    expect(await answerText(await chat(gw, "free"))).toBe("from the backup");
    expect(codeAssist.generations().length).toBe(calls);
    const health = await (await gw.api("/api/health")).json();
    const mine = health.quotas.find((q: any) => q.connectionId === connection.id);
    expect(mine.windows[0]).toMatchObject({ name: "daily", exhausted: true, used: 1000, limit: 1000 });
  });

  test("a 429 QUOTA_EXHAUSTED from Code Assist marks the day used up until its reset and the combo moves on", async () => {
    const connection = await freeCombo();
    codeAssist.failWith(429, {
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "You have exhausted your capacity on this model. Your quota will reset after 7h12m3s.",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "QUOTA_EXHAUSTED",
            domain: "cloudcode-pa.googleapis.com",
            metadata: { model: "gemini-2.5-flash" },
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "25923.5s" },
        ],
      },
    });
    expect(await answerText(await chat(gw, "free"))).toBe("from the backup");
    const [daily] = gw.services.quotas.windowsOf(connection.id);
    expect(daily).toMatchObject({ name: "daily", exhausted: true, source: "provider" });
    expect(daily.resetsAt! - Date.now()).toBeGreaterThan(25_900_000);
    const cooling = gw.services.health.cooldowns.until(connection.id, "gemini-2.5-flash");
    expect(cooling - Date.now()).toBeGreaterThan(25_900_000);
    codeAssist.failWith();
    const calls = codeAssist.generations().length;
    expect(await answerText(await chat(gw, "free"))).toBe("from the backup");
    expect(codeAssist.generations().length).toBe(calls);
  });
});
