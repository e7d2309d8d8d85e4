// iFlow end to end: the iflow.cn login with the address pasted back, the API key from user info as the bearer (with
// iFlow CLI's signed headers), refresh ahead of expiry and after a 401, a revoked refresh token, and CLI import.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { getConnection } from "../../src/db/queries/connections.ts";
import { iflowSignature } from "../../src/providers/iflow/adapter.ts";
import { IFLOW_CLIENT_ID, IFLOW_CLIENT_SECRET } from "../../src/providers/iflow/login.ts";
import { iflowEndpoints, startIFlowAuth, type FakeIFlowAuth } from "../fakes/oauth-iflow.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { chat, connect } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { stored, tempHome, type TempHome } from "./subscription-support.ts";

let gw: TestGateway;
let auth: FakeIFlowAuth;
let iflow: FakeUpstream;
let backup: FakeUpstream;
let home: TempHome;

beforeEach(async () => {
  home = tempHome();
  auth = startIFlowAuth({ clientId: IFLOW_CLIENT_ID, clientSecret: IFLOW_CLIENT_SECRET, email: "wei@example.com" });
  iflow = startOpenAIUpstream((req) =>
    auth.isLiveApiKey(req.headers.authorization?.replace(/^Bearer /, "") ?? "")
      ? { kind: "text", text: "Hello from iFlow.", usage: { input: 8, output: 3 } }
      : { kind: "error", status: 401, message: "Invalid API key" },
  );
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
  gw = await startGateway({}, { endpointOverrides: { iflow: iflowEndpoints(auth, `${iflow.url}/v1`) }, homeDir: home.dir });
});
afterEach(async () => {
  await gw.close();
  await auth.close();
  await iflow.close();
  await backup.close();
  home.close();
});

/** Sign in at the fake iflow.cn and come back with the address the browser lands on. */
async function signIn(): Promise<{ state: string; landed: string }> {
  const start = await (await gw.api("/api/oauth/iflow/start", { body: {} })).json();
  const signedIn = await fetch(start.authorizeUrl, { redirect: "manual" });
  expect(signedIn.status).toBe(302);
  return { state: start.state, landed: signedIn.headers.get("location")! };
}

async function connectIFlow(): Promise<any> {
  const { state, landed } = await signIn();
  const done = await (await gw.api("/api/oauth/iflow/complete", { body: { state, code: landed } })).json();
  expect(done.status).toBe("connected");
  return done.connection;
}

const content = async (res: Response) => (await res.json()).choices?.[0]?.message?.content;

describe("connect", () => {
  test("the browser coming back to the loopback callback finishes the login by itself, as Codex's does", async () => {
    const start = await (await gw.api("/api/oauth/iflow/start", { body: {} })).json();
    expect(start.instructions).toContain("finishes by itself");
    const redirect = new URL(new URL(start.authorizeUrl).searchParams.get("redirect")!);
    expect(redirect.hostname).toBe("localhost");
    expect(redirect.pathname).toBe("/oauth2callback");
    expect((await (await gw.api("/api/oauth/iflow/complete", { body: { state: start.state } })).json()).status).toBe("pending");
    const signedIn = await fetch(start.authorizeUrl, { redirect: "manual" });
    const landing = await fetch(signedIn.headers.get("location")!);
    expect(await landing.text()).toContain("iFlow is connected");
    const done = await (await gw.api("/api/oauth/iflow/complete", { body: { state: start.state } })).json();
    expect(done).toMatchObject({ status: "connected", connection: { provider: "iflow", name: "wei@example.com" } });
    expect(
      auth.requests.find((r) => r.form?.grant_type === "authorization_code" && r.form?.redirect_uri === redirect.toString()),
    ).toBeDefined();
    // The listener is gone once the code was used.
    expect(
      await fetch(signedIn.headers.get("location")!).then(
        () => "answered",
        () => "closed",
      ),
    ).toBe("closed");
  });

  test("authorize at iflow.cn, paste the address back, code exchanged with Basic client auth, API key from user info", async () => {
    const start = await (await gw.api("/api/oauth/iflow/start", { body: {} })).json();
    expect(start.flow).toBe("pkce");
    const url = new URL(start.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ loginMethod: "phone", type: "phone", client_id: IFLOW_CLIENT_ID });
    expect(url.searchParams.get("redirect")).toMatch(/^http:\/\/localhost:\d+\/oauth2callback$/);
    expect((await (await gw.api("/api/oauth/iflow/complete", { body: { state: start.state } })).json()).status).toBe("pending");

    const signedIn = await fetch(start.authorizeUrl, { redirect: "manual" });
    const done = await (
      await gw.api("/api/oauth/iflow/complete", { body: { state: start.state, code: signedIn.headers.get("location")! } })
    ).json();
    expect(done.connection).toMatchObject({ provider: "iflow", name: "wei@example.com" });
    const exchange = auth.requests.findLast((r) => r.form?.grant_type === "authorization_code")!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${IFLOW_CLIENT_ID}:${IFLOW_CLIENT_SECRET}`).toString("base64")}`);
    expect(exchange.form).toMatchObject({ redirect_uri: url.searchParams.get("redirect"), client_id: IFLOW_CLIENT_ID });
    const { credentials } = stored(gw, done.connection.id);
    expect(auth.isLiveApiKey(String(credentials.apiKey))).toBe(true);
    expect(await (await gw.api("/api/providers")).text()).not.toContain(String(credentials.apiKey));
  });

  test("an address from another login attempt is refused (state mismatch); a bare code is accepted", async () => {
    const first = await signIn();
    const second = await signIn();
    const mismatch = await (await gw.api("/api/oauth/iflow/complete", { body: { state: second.state, code: first.landed } })).json();
    expect(mismatch.status).toBe("failed");
    expect(mismatch.error).toContain("state mismatch");
    const third = await signIn();
    const code = new URL(third.landed).searchParams.get("code")!;
    expect((await (await gw.api("/api/oauth/iflow/complete", { body: { state: third.state, code } })).json()).status).toBe("connected");
  });
});

describe("calls", () => {
  test("the API key is the bearer, with iFlow CLI's user agent, session id and HMAC signature", async () => {
    await connectIFlow();
    expect(await content(await chat(gw, "if/kimi-k2-0905"))).toBe("Hello from iFlow.");
    const sent = iflow.requests.at(-1)!;
    expect(sent.path).toBe("/v1/chat/completions");
    const key = sent.headers.authorization!.replace(/^Bearer /, "");
    expect(auth.isLiveApiKey(key)).toBe(true);
    expect(sent.headers["user-agent"]).toBe("iFlow-Cli");
    expect(sent.headers["session-id"]).toMatch(/^session-[0-9a-f-]{36}$/);
    const expected = new Bun.CryptoHasher("sha256", key)
      .update(`iFlow-Cli:${sent.headers["session-id"]}:${sent.headers["x-iflow-timestamp"]}`)
      .digest("hex");
    expect(sent.headers["x-iflow-signature"]).toBe(expected);
    expect(iflowSignature(key, "s", 1)).toHaveLength(64);
  });

  test("refreshed ahead of expiry (the key fetched again); a 401 for a rotated key refreshes once and retries", async () => {
    auth.accessTtlS = 100;
    await connectIFlow();
    expect(await content(await chat(gw, "if/kimi-k2-0905"))).toBe("Hello from iFlow.");
    expect(auth.requests.filter((r) => r.form?.grant_type === "refresh_token")).toHaveLength(1);
    expect(auth.requests.at(-1)!.path).toStartWith("/api/oauth/getUserInfo");

    auth.accessTtlS = 86400;
    auth.rotateApiKey();
    expect(await content(await chat(gw, "if/kimi-k2-0905"))).toBe("Hello from iFlow.");
    expect(auth.requests.filter((r) => r.form?.grant_type === "refresh_token")).toHaveLength(2);
    expect(iflow.requests.at(-2)!.headers.authorization).not.toBe(iflow.requests.at(-1)!.headers.authorization);
  });

  test("a revoked refresh token marks the account 'needs login' and the combo moves on", async () => {
    const connection = await connectIFlow();
    await connect(gw, "ds", backup, "sk-backup");
    await gw.api("/api/combos", { body: { name: "free", models: ["if/kimi-k2-0905", "ds/deepseek-chat"] } });
    for (const t of auth.refreshTokens()) auth.revokeRefreshToken(t);
    auth.rotateApiKey();
    expect(await content(await chat(gw, "free"))).toBe("from the backup");
    expect((await getConnection(gw.services.store, connection.id))!.metadata).toMatchObject({ needsLogin: true });
  });
});

describe("import", () => {
  test("~/.iflow/oauth_creds.json with its API key, usable at once", async () => {
    auth.addRefreshToken("irt_cli");
    const seed = await connectIFlow(); // to learn the live key the fake hands out
    const key = String(stored(gw, seed.id).credentials.apiKey);
    await gw.api(`/api/providers/${seed.id}`, { method: "DELETE" });
    home.write(".iflow/oauth_creds.json", {
      access_token: "iat_cli",
      refresh_token: "irt_cli",
      expiry_date: Date.now() + 86_400_000,
      token_type: "bearer",
      scope: "read",
      apiKey: key,
    });
    const res = await gw.api("/api/oauth/iflow/import", { body: {} });
    expect(res.status).toBe(201);
    expect(await content(await chat(gw, "if/kimi-k2-0905"))).toBe("Hello from iFlow.");
    expect(iflow.requests.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);
  });

  test("a file without an API key is refreshed on first use to get one", async () => {
    auth.addRefreshToken("irt_nokey");
    home.write(".iflow/oauth_creds.json", { access_token: "iat_old", refresh_token: "irt_nokey", expiry_date: Date.now() + 86_400_000 });
    expect((await gw.api("/api/oauth/iflow/import", { body: {} })).status).toBe(201);
    expect(await content(await chat(gw, "if/kimi-k2-0905"))).toBe("Hello from iFlow.");
    expect(auth.requests.some((r) => r.form?.refresh_token === "irt_nokey")).toBe(true);
  });
});
