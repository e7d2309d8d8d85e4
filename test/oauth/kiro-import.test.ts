// Kiro accounts from the Kiro IDE's own token file (a social login, an IdC login, a missing or pasted file), and
// Kiro's monthly limit moving a combo on to its next model.
import { describe, expect, test } from "bun:test";
import { FAKE_PROFILE_ARN } from "../fakes/oauth-kiro.ts";
import { connect } from "../routing/support.ts";
import { useKiroRig } from "./kiro-support.ts";
import { stored } from "./subscription-support.ts";

const rig = useKiroRig();

describe("import from the Kiro IDE", () => {
  test("a Google login in ~/.aws/sso/cache/kiro-auth-token.json: refreshed at Kiro's auth service, profileArn sent", async () => {
    rig.auth.addRefreshToken("aorSOCIAL", "social");
    rig.home.write(".aws/sso/cache/kiro-auth-token.json", {
      accessToken: "aoaEXPIRED",
      refreshToken: "aorSOCIAL",
      expiresAt: "2025-01-01T00:00:00.000Z",
      profileArn: FAKE_PROFILE_ARN,
      authMethod: "social",
      provider: "Google",
    });
    const res = await rig.gw.api("/api/oauth/kiro/import", { body: {} });
    expect(res.status).toBe(201);
    const { connection } = await res.json();
    expect(connection.metadata).toMatchObject({ plan: "Kiro (Google)", authMethod: "social" });
    const message = await rig.claude.messages.create({
      model: "kr/claude-sonnet-4.5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content[0]).toMatchObject({ text: "Hello from Kiro." });
    expect(rig.auth.requests.find((r) => r.path === "/refreshToken")!.body).toEqual({ refreshToken: "aorSOCIAL" });
    expect(rig.kiroBody().profileArn).toBe(FAKE_PROFILE_ARN);
  });

  test("an IdC login finds its client registration by clientIdHash and refreshes through AWS SSO OIDC", async () => {
    const reg = await (
      await fetch(`${rig.auth.url}/client/register`, {
        method: "POST",
        body: JSON.stringify({ clientName: "Kiro IDE", clientType: "public", scopes: ["codewhisperer:completions"] }),
      })
    ).json();
    rig.auth.addRefreshToken("aorIDC", "builder-id", reg.clientId);
    rig.home.write(".aws/sso/cache/kiro-auth-token.json", {
      accessToken: "aoaOLD",
      refreshToken: "aorIDC",
      expiresAt: "2025-01-01T00:00:00Z",
      authMethod: "IdC",
      provider: "BuilderId",
      clientIdHash: "abc123",
      region: "us-east-1",
    });
    rig.home.write(".aws/sso/cache/abc123.json", {
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      expiresAt: "2030-01-01T00:00:00Z",
    });
    const { connection } = await (await rig.gw.api("/api/oauth/kiro/import", { body: {} })).json();
    expect(stored(rig.gw, connection.id).credentials).toMatchObject({ clientId: reg.clientId, authMethod: "IdC" });
    await rig.claude.messages.create({ model: "kr/claude-sonnet-4.5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(rig.auth.requests.at(-1)!.body).toMatchObject({ grantType: "refresh_token", refreshToken: "aorIDC", clientId: reg.clientId });
  });

  test("no file: a clear 404; a pasted file without a refresh token: a 400", async () => {
    const missing = await rig.gw.api("/api/oauth/kiro/import", { body: {} });
    expect(missing.status).toBe(404);
    const bad = await rig.gw.api("/api/oauth/kiro/import", { body: { credentials: { accessToken: "x" } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("no refreshToken");
  });
});

describe("monthly limit", () => {
  test("MONTHLY_REQUEST_COUNT marks the month used up and the combo moves to the next model", async () => {
    const connection = await rig.connectBuilderId();
    await connect(rig.gw, "ds", rig.backup, "sk-backup");
    await rig.gw.api("/api/combos", { body: { name: "free", models: ["kr/claude-sonnet-4.5", "ds/deepseek-chat"] } });
    rig.kiro.setScenario({ kind: "error", status: 402, message: "You have reached the limit." });
    const message = await rig.claude.messages.create({ model: "free", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0]).toMatchObject({ text: "from the backup" });
    const [monthly] = rig.gw.services.quotas.windowsOf(connection.id);
    expect(monthly).toMatchObject({ name: "monthly", exhausted: true, source: "provider" });
    expect(monthly!.resetsAt).toBeGreaterThan(Date.now());
    // Skipped until the reset: the next request goes straight to the backup.
    const before = rig.kiro.requests.length;
    await rig.claude.messages.create({ model: "free", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(rig.kiro.requests.length).toBe(before);
  });
});
