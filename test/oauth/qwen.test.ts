// Qwen Code end to end: device login with PKCE, calls to the API host the token names (resource_url) with Qwen Code's
// headers, refresh ahead of expiry and after a 401, a revoked refresh token, and import of ~/.qwen/oauth_creds.json.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { getConnection } from "../../src/db/queries/connections.ts";
import { QWEN_CLIENT_ID } from "../../src/providers/qwen/login.ts";
import { qwenEndpoints, startQwenAuth, type FakeQwenAuth } from "../fakes/oauth-qwen.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream, ScenarioSource } from "../fakes/scenario.ts";
import { chat, connect } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { stored, tempHome, type TempHome } from "./subscription-support.ts";

let gw: TestGateway;
let auth: FakeQwenAuth;
let qwen: FakeUpstream;
let backup: FakeUpstream;
let home: TempHome;

/** Qwen's API answers only live tokens, with an OpenAI-shaped 401 otherwise. */
const answering =
  (text: string): ScenarioSource =>
  (req) =>
    auth.isLiveAccessToken(req.headers.authorization?.replace(/^Bearer /, ""))
      ? { kind: "text", text, usage: { input: 10, output: 3 } }
      : { kind: "error", status: 401, message: "Invalid access token or token expired." };

beforeEach(async () => {
  home = tempHome();
  qwen = startOpenAIUpstream({ kind: "text", text: "unused" });
  auth = startQwenAuth({ clientId: QWEN_CLIENT_ID, resourceUrl: qwen.url, email: "lin@example.com" });
  qwen.setScenario(answering("Hello from Qwen."));
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
  gw = await startGateway({}, { endpointOverrides: { qwen: qwenEndpoints(auth) }, homeDir: home.dir });
});
afterEach(async () => {
  await gw.close();
  await auth.close();
  await qwen.close();
  await backup.close();
  home.close();
});

async function connectQwen(): Promise<any> {
  const start = await (await gw.api("/api/oauth/qwen/start", { body: {} })).json();
  auth.approve(start.userCode);
  const done = await (await gw.api("/api/oauth/qwen/complete", { body: { state: start.state } })).json();
  expect(done.status).toBe("connected");
  return done.connection;
}

const content = async (res: Response) => (await res.json()).choices?.[0]?.message?.content;

describe("connect", () => {
  test("device authorization with PKCE: the code to enter, polling until approved, the account named by its email", async () => {
    const start = await (await gw.api("/api/oauth/qwen/start", { body: {} })).json();
    expect(start).toMatchObject({ flow: "device", interval: 2, expiresIn: 900 });
    expect(start.verificationUri).toBe(`https://chat.qwen.ai/authorize?user_code=${start.userCode}&client=qwen-code`);
    const asked = auth.requests.find((r) => r.path === "/api/v1/oauth2/device/code")!;
    expect(asked.form).toMatchObject({
      client_id: QWEN_CLIENT_ID,
      scope: "openid profile email model.completion",
      code_challenge_method: "S256",
    });

    expect((await (await gw.api("/api/oauth/qwen/complete", { body: { state: start.state } })).json()).status).toBe("pending");
    auth.approve(start.userCode);
    const done = await (await gw.api("/api/oauth/qwen/complete", { body: { state: start.state } })).json();
    expect(done.connection).toMatchObject({ provider: "qwen", name: "lin@example.com", metadata: { email: "lin@example.com" } });
    const polled = auth.requests.filter((r) => r.form.grant_type === "urn:ietf:params:oauth:grant-type:device_code").at(-1)!;
    expect(createHash("sha256").update(polled.form.code_verifier!).digest("base64url")).toBe(asked.form.code_challenge!);
    const { credentials } = stored(gw, done.connection.id);
    expect(credentials).toMatchObject({ resourceUrl: qwen.url, tokenType: "Bearer" });
    expect(credentials.expiresAt).toBeGreaterThan(Date.now() + 3600_000);
  });

  test("a denied login says so", async () => {
    const start = await (await gw.api("/api/oauth/qwen/start", { body: {} })).json();
    auth.deny(start.userCode);
    expect(await (await gw.api("/api/oauth/qwen/complete", { body: { state: start.state } })).json()).toEqual({
      status: "failed",
      error: "The login was denied in the browser.",
    });
  });
});

describe("calls", () => {
  test("go to https://{resource_url}/v1 with the OAuth token and Qwen Code's DashScope headers", async () => {
    await connectQwen();
    const res = await chat(gw, "qw/qwen3-coder-plus");
    expect(await content(res)).toBe("Hello from Qwen.");
    const sent = qwen.requests.at(-1)!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.body.model).toBe("qwen3-coder-plus");
    expect(auth.isLiveAccessToken(sent.headers.authorization!.replace(/^Bearer /, ""))).toBe(true);
    expect(sent.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
    expect(sent.headers["x-dashscope-cachecontrol"]).toBe("enable");
    expect(sent.headers["user-agent"]).toMatch(/^QwenCode\//);
  });

  test("a token close to expiry is refreshed before the call; a 401 refreshes once and retries", async () => {
    auth.accessTtlS = 60;
    const connection = await connectQwen();
    expect(await content(await chat(gw, "qw/qwen3-coder-plus"))).toBe("Hello from Qwen.");
    expect(auth.requests.filter((r) => r.form.grant_type === "refresh_token")).toHaveLength(1);
    expect(auth.requests.at(-1)!.form).toMatchObject({ client_id: QWEN_CLIENT_ID });

    auth.accessTtlS = 21600;
    auth.expireAccessTokens();
    expect(await content(await chat(gw, "qw/qwen3-coder-plus"))).toBe("Hello from Qwen.");
    expect(auth.requests.filter((r) => r.form.grant_type === "refresh_token")).toHaveLength(2);
    const last = qwen.requests.slice(-2);
    expect(last[0]!.headers.authorization).not.toBe(last[1]!.headers.authorization);
    expect(stored(gw, connection.id).credentials.accessToken).toBe(last[1]!.headers.authorization!.replace(/^Bearer /, ""));
  });

  test("a revoked refresh token marks the account 'needs login' and the combo moves on", async () => {
    const connection = await connectQwen();
    await connect(gw, "ds", backup, "sk-backup");
    await gw.api("/api/combos", { body: { name: "free", models: ["qw/qwen3-coder-plus", "ds/deepseek-chat"] } });
    for (const t of auth.refreshTokens()) auth.revokeRefreshToken(t);
    expect(await content(await chat(gw, "free"))).toBe("from the backup");
    const row = (await getConnection(gw.services.store, connection.id))!;
    expect(row.metadata).toMatchObject({ needsLogin: true });
    expect(String(row.metadata!.loginError)).toContain("Qwen refused the refresh token");
    expect(await content(await chat(gw, "free"))).toBe("from the backup");
  });
});

describe("import", () => {
  test("~/.qwen/oauth_creds.json from the Qwen Code CLI, refreshed on first use", async () => {
    auth.addRefreshToken("qrt_from_cli");
    home.write(".qwen/oauth_creds.json", {
      access_token: "qat_stale",
      refresh_token: "qrt_from_cli",
      token_type: "Bearer",
      resource_url: qwen.url,
      expiry_date: Date.now() - 1000,
    });
    const res = await gw.api("/api/oauth/qwen/import", { body: {} });
    expect(res.status).toBe(201);
    const { connection } = await res.json();
    expect(connection.metadata).toMatchObject({ importedFrom: "Qwen Code" });
    expect(await content(await chat(gw, "qw/qwen3-coder-plus"))).toBe("Hello from Qwen.");
    expect(auth.requests.at(-1)!.form).toMatchObject({ grant_type: "refresh_token", refresh_token: "qrt_from_cli" });
  });

  test("no file is a 404 that says what to do", async () => {
    const res = await gw.api("/api/oauth/qwen/import", { body: {} });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain("log in with the official CLI first");
  });
});
