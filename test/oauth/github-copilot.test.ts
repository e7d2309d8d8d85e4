// GitHub Copilot end to end: device flow (pending, slow_down, declined, expired), the Copilot token exchange and its
// refresh (ahead of expiry and after a 401), a revoked GitHub token, import from the editor plugins' files, editor
// headers on chat calls, and the monthly premium quota read from GitHub moving a combo on.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getConnection } from "../../src/db/queries/connections.ts";

import { COPILOT_CLIENT_ID } from "../../src/providers/github-copilot/github-api.ts";
import { githubEndpoints, monthlyUsage, startGithub, type FakeGithub } from "../fakes/oauth-github.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream, RecordedRequest } from "../fakes/scenario.ts";
import { chat, connect } from "../routing/support.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gw: TestGateway;
let github: FakeGithub;
let copilot: FakeUpstream;
let backup: FakeUpstream;
let home: string;

const bearer = (r: RecordedRequest) => r.headers.authorization?.replace(/^Bearer /, "");

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), "copilot-home-"));
  // The Copilot API answers only live Copilot tokens, as api.githubcopilot.com does.
  copilot = startOpenAIUpstream((req) =>
    github.isLiveCopilotToken(bearer(req))
      ? { kind: "text", text: "Hello from Copilot." }
      : { kind: "error", status: 401, message: "unauthorized: token expired" },
  );
  github = startGithub({ clientId: COPILOT_CLIENT_ID, copilotApi: copilot.url, login: "octocat", interval: 0, slowDownStep: 1 });
  backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
  gw = await startGateway({}, { endpointOverrides: { github: githubEndpoints(github) }, homeDir: home });
});
afterEach(async () => {
  await gw.services.adapters.githubCopilot.settleUsageReads();
  await gw.close();
  await github.close();
  await copilot.close();
  await backup.close();
  rmSync(home, { recursive: true, force: true });
});

const complete = async (state: string) => (await gw.api("/api/oauth/github/complete", { body: { state } })).json();

async function startLogin(): Promise<{ state: string; userCode: string }> {
  const start = await (await gw.api("/api/oauth/github/start", { body: {} })).json();
  return { state: start.state, userCode: start.userCode };
}

async function connectAccount(): Promise<any> {
  const { state, userCode } = await startLogin();
  github.approve(userCode);
  const done = await complete(state);
  expect(done.status).toBe("connected");
  return done.connection;
}

const answerText = async (res: Response) => (await res.json()).choices[0].message.content;

describe("device flow", () => {
  test("code shown, pending until approved, then connected with the login and plan; no token in any answer", async () => {
    const start = await (await gw.api("/api/oauth/github/start", { body: {} })).json();
    expect(start).toMatchObject({ flow: "device", verificationUri: "https://github.com/login/device", interval: 0 });
    expect(start.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(github.requests[0].body).toEqual({ client_id: "Iv1.b507a08c87ecfe98", scope: "read:user" });

    expect((await complete(start.state)).status).toBe("pending");
    github.approve(start.userCode);
    const done = await complete(start.state);
    expect(done.status).toBe("connected");
    expect(done.connection).toMatchObject({ provider: "github", name: "octocat", authType: "oauth" });
    expect(done.connection.metadata).toMatchObject({ login: "octocat", plan: "individual" });
    const poll = github.requests.find((r) => r.path === "/login/oauth/access_token")!;
    expect(poll.body).toMatchObject({ grant_type: "urn:ietf:params:oauth:grant-type:device_code" });
    expect(poll.headers.accept).toContain("application/json");
    const exchange = github.requests.find((r) => r.path === "/copilot_internal/v2/token")!;
    expect(exchange.headers.authorization).toMatch(/^token ghu_/);

    const everything = JSON.stringify([done, await (await gw.api("/api/providers")).json(), await (await gw.api("/api/health")).json()]);
    expect(everything).not.toMatch(/ghu_|tid=/);
  });

  test("slow_down lengthens the interval (early polls are answered without asking GitHub); declined and expired codes fail", async () => {
    const first = await startLogin();
    github.slowDownNext();
    expect((await complete(first.state)).status).toBe("pending");
    const polls = () => github.requests.filter((r) => r.path === "/login/oauth/access_token").length;
    const before = polls();
    github.approve(first.userCode);
    expect((await complete(first.state)).status).toBe("pending");
    expect(polls()).toBe(before);
    await Bun.sleep(1_050);
    expect((await complete(first.state)).status).toBe("connected");

    const declined = await startLogin();
    github.deny(declined.userCode);
    expect(await complete(declined.state)).toEqual({ status: "failed", error: "The GitHub authorization was declined." });

    const late = await startLogin();
    github.expire(late.userCode);
    const expired = await complete(late.state);
    expect(expired.status).toBe("failed");
    expect(expired.error).toContain("expired");
  });

  test("an account without Copilot fails to connect with the reason", async () => {
    github.hasCopilot = false;
    const { state, userCode } = await startLogin();
    github.approve(userCode);
    const done = await complete(state);
    expect(done.status).toBe("failed");
    expect(done.error).toContain("no Copilot access");
  });
});

describe("chat through Copilot", () => {
  test("the Copilot token as Bearer at endpoints.api, with the editor headers once each", async () => {
    await connectAccount();
    const res = await chat(gw, "gh/gpt-4.1");
    expect(res.status).toBe(200);
    expect(await answerText(res)).toBe("Hello from Copilot.");
    const sent = copilot.requests.at(-1)!;
    expect(sent.path).toBe("/chat/completions");
    expect(sent.body.model).toBe("gpt-4.1");
    expect(github.isLiveCopilotToken(bearer(sent))).toBe(true);
    expect(sent.headers).toMatchObject({
      "copilot-integration-id": "vscode-chat",
      "editor-version": "vscode/1.99.0",
      "editor-plugin-version": "copilot-chat/0.26.7",
      "user-agent": "GitHubCopilotChat/0.26.7",
      "openai-intent": "conversation-panel",
    });
    expect(sent.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.headers["copilot-vision-request"]).toBeUndefined();
  });

  test("the dashboard's Test button uses the Copilot token and headers too", async () => {
    const connection = await connectAccount();
    const res = await (await gw.api(`/api/providers/${connection.id}/test`, { body: { model: "gpt-4.1" } })).json();
    expect(res).toMatchObject({ ok: true, model: "gpt-4.1" });
    expect(copilot.requests.at(-1)!.headers["editor-plugin-version"]).toBe("copilot-chat/0.26.7");
  });

  test("an image in the request adds Copilot-Vision-Request", async () => {
    await connectAccount();
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await gw.adminKey()}` },
      body: JSON.stringify({
        model: "gh/gpt-4.1",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is it?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            ],
          },
        ],
      }),
    });
    expect(copilot.requests.at(-1)!.headers["copilot-vision-request"]).toBe("true");
  });

  test("a Copilot token that expires within minutes is exchanged again before the call", async () => {
    github.copilotTtlS = 120;
    await connectAccount();
    const exchanges = () => github.requests.filter((r) => r.path === "/copilot_internal/v2/token").length;
    expect(exchanges()).toBe(1);
    expect(await answerText(await chat(gw, "gh/gpt-4.1"))).toBe("Hello from Copilot.");
    expect(exchanges()).toBe(2);
  });

  test("a 401 from Copilot re-exchanges the token once and retries", async () => {
    await connectAccount();
    github.expireCopilotTokens();
    expect(await answerText(await chat(gw, "gh/gpt-4.1"))).toBe("Hello from Copilot.");
    expect(
      copilot.requests
        .filter((r) => r.path === "/chat/completions")
        .map((r) => r.headers.authorization === copilot.requests.at(-1)!.headers.authorization),
    ).toEqual([false, true]);
  });

  test("a revoked GitHub token marks the account 'needs login' and the combo moves on", async () => {
    github.copilotTtlS = 60;
    const connection = await connectAccount();
    await connect(gw, "ds", backup, "backup-key");
    await gw.api("/api/combos", { body: { name: "work", models: ["gh/gpt-4.1", "ds/deepseek-chat"] } });
    for (const token of github.githubTokens()) github.revokeGithubToken(token);
    expect(await answerText(await chat(gw, "work"))).toBe("from the backup");
    const row = (await getConnection(gw.services.store, connection.id))!;
    expect(row.metadata).toMatchObject({ needsLogin: true });
    expect(String(row.metadata!.loginError)).toContain("no longer accepts");
    expect(copilot.requests).toHaveLength(0);
  });
});

describe("import from the editor plugins", () => {
  test("~/.config/github-copilot/apps.json (copilot.vim / JetBrains) is imported", async () => {
    github.addGithubToken("ghu_from_apps_json");
    mkdirSync(join(home, ".config", "github-copilot"), { recursive: true });
    writeFileSync(
      join(home, ".config", "github-copilot", "apps.json"),
      JSON.stringify({
        "github.com:Iv1.b507a08c87ecfe98": { user: "octocat", oauth_token: "ghu_from_apps_json", githubAppId: "Iv1.b507a08c87ecfe98" },
      }),
    );
    const res = await gw.api("/api/oauth/github/import", { body: {} });
    expect(res.status).toBe(201);
    expect((await res.json()).connection).toMatchObject({ provider: "github", name: "octocat" });
    expect(await answerText(await chat(gw, "gh/gpt-4.1"))).toBe("Hello from Copilot.");
  });

  test("hosts.json (older copilot.lua) and pasted contents import too; nothing found is a 404; a dead token says so", async () => {
    expect((await gw.api("/api/oauth/github/import", { body: {} })).status).toBe(404);
    github.addGithubToken("gho_from_hosts");
    mkdirSync(join(home, ".config", "github-copilot"), { recursive: true });
    writeFileSync(
      join(home, ".config", "github-copilot", "hosts.json"),
      JSON.stringify({ "github.com": { user: "octocat", oauth_token: "gho_from_hosts" } }),
    );
    expect((await gw.api("/api/oauth/github/import", { body: {} })).status).toBe(201);
    // The same GitHub account again (another token): its connection is renewed, not duplicated.
    github.addGithubToken("ghu_pasted");
    const again = await gw.api("/api/oauth/github/import", { body: { credentials: { "github.com": { oauth_token: "ghu_pasted" } } } });
    expect(again.status).toBe(200);
    expect((await again.json()).renewed).toBe(true);
    expect((await (await gw.api("/api/providers")).json()).filter((c: any) => c.provider === "github")).toHaveLength(1);
    const dead = await gw.api("/api/oauth/github/import", { body: { credentials: { "github.com": { oauth_token: "ghu_revoked" } } } });
    expect(dead.status).toBe(401);
  });
});

test("a GitHub token added as the connection's API key is exchanged for a Copilot token on first use", async () => {
  github.addGithubToken("ghu_as_api_key");
  expect((await gw.api("/api/providers", { body: { provider: "gh", apiKey: "ghu_as_api_key" } })).status).toBe(201);
  expect(await answerText(await chat(gw, "gh/gpt-4.1"))).toBe("Hello from Copilot.");
  expect(github.isLiveCopilotToken(bearer(copilot.requests.at(-1)!))).toBe(true);
});

describe("monthly quota", () => {
  test("GitHub's premium-request report becomes the monthly window; a used-up month moves the combo on until the reset", async () => {
    const connection = await connectAccount();
    await connect(gw, "ds", backup, "backup-key");
    await gw.api("/api/combos", { body: { name: "work", models: ["gh/gpt-4.1", "ds/deepseek-chat"] } });
    github.usage = monthlyUsage({ entitlement: 300, remaining: 120, resetDate: "2099-02-01" });
    expect(await answerText(await chat(gw, "work"))).toBe("Hello from Copilot.");
    const waitForWindow = async () => {
      await gw.services.adapters.githubCopilot.settleUsageReads();
      return gw.services.quotas.windowsOf(connection.id);
    };
    expect(await waitForWindow()).toMatchObject([
      { name: "monthly", used: 180, limit: 300, usedPercent: 60, source: "provider", resetsAt: Date.UTC(2099, 1, 1) },
    ]);

    // The month runs out: the next read (forced here, as after a 429) cools the account until the reset date.
    github.usage = monthlyUsage({ entitlement: 300, remaining: 0, resetDate: "2099-02-01" });
    gw.services.quotas.reset();
    gw.services.adapters.githubCopilot.forgetUsageReads();
    expect(await answerText(await chat(gw, "work"))).toBe("Hello from Copilot.");
    expect(await waitForWindow()).toMatchObject([{ name: "monthly", exhausted: true, used: 300 }]);
    const calls = copilot.requests.length;
    expect(await answerText(await chat(gw, "work"))).toBe("from the backup");
    expect(copilot.requests.length).toBe(calls);
    expect(gw.services.health.cooldowns.until(connection.id, "gpt-4.1")).toBe(Date.UTC(2099, 1, 1));
    const health = await (await gw.api("/api/health")).json();
    expect(health.quotas.find((q: any) => q.connectionId === connection.id).windows[0]).toMatchObject({
      name: "monthly",
      exhausted: true,
      leftPercent: 0,
    });
  });
});
