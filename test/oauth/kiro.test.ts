// Kiro end to end: AWS Builder ID device login, a Kiro event stream decoded into an Anthropic stream for Claude Code
// (the Anthropic SDK as client, text and tool calls), refresh ahead of expiry and after Kiro's 403, and a revoked
// refresh token (kiro-import.test.ts: imports from the Kiro IDE's token file, and the monthly limit).
import { describe, expect, test } from "bun:test";
import { getConnection } from "../../src/db/queries/connections.ts";
import { FAKE_PROFILE_ARN } from "../fakes/oauth-kiro.ts";
import { connect } from "../routing/support.ts";
import { useKiroRig } from "./kiro-support.ts";
import { stored } from "./subscription-support.ts";

const rig = useKiroRig();

const BASH_TOOL = {
  name: "Bash",
  description: "Run a shell command",
  input_schema: { type: "object" as const, properties: { command: { type: "string" } }, required: ["command"] },
};

describe("connect", () => {
  test("Google and GitHub sign-in at Kiro's auth service: PKCE, the kiro:// address pasted back, tokens from /oauth/token", async () => {
    const listed = await (await rig.gw.api("/api/oauth")).json();
    expect(listed.data.find((f: any) => f.provider === "kiro").methods.map((m: any) => m.id)).toEqual(["builder-id", "google", "github"]);
    const { start, done } = await rig.connectSocial("google");
    expect(start.flow).toBe("pkce");
    const url = new URL(start.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      idp: "Google",
      redirect_uri: "kiro://kiro.kiroAgent/authenticate-success",
      code_challenge_method: "S256",
      prompt: "select_account",
    });
    expect(start.instructions).toContain("kiro://");
    expect(done).toMatchObject({
      status: "connected",
      connection: { provider: "kiro", authType: "oauth", metadata: { plan: "Kiro (Google)", authMethod: "social" } },
    });
    const { credentials } = stored(rig.gw, done.connection.id);
    expect(credentials).toMatchObject({ authMethod: "social", socialProvider: "Google", profileArn: FAKE_PROFILE_ARN });
    expect(rig.auth.isLiveAccessToken(String(credentials.accessToken))).toBe(true);
    // The account serves calls, and refreshes at Kiro's /refreshToken like an imported social login.
    const message = await rig.claude.messages.create({
      model: "kr/claude-sonnet-4.5",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello from Kiro." });
    rig.auth.expireAccessTokens();
    await rig.claude.messages.create({ model: "kr/claude-sonnet-4.5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    expect(rig.auth.requests.some((r) => r.path === "/refreshToken")).toBe(true);

    const github = await rig.connectSocial("github");
    expect(new URL(github.start.authorizeUrl).searchParams.get("idp")).toBe("Github");
    expect(github.done.connection.metadata.plan).toBe("Kiro (GitHub)");
  });

  test("a social login refuses an address from another attempt, and an unknown method is a 400 naming the choices", async () => {
    const first = await (await rig.gw.api("/api/oauth/kiro/start", { body: { method: "github" } })).json();
    const second = await (await rig.gw.api("/api/oauth/kiro/start", { body: { method: "github" } })).json();
    const landed = (await fetch(first.authorizeUrl, { redirect: "manual" })).headers.get("location")!;
    const mismatch = await (await rig.gw.api("/api/oauth/kiro/complete", { body: { state: second.state, code: landed } })).json();
    expect(mismatch).toMatchObject({ status: "failed", error: expect.stringContaining("state mismatch") });
    const bad = await rig.gw.api("/api/oauth/kiro/start", { body: { method: "facebook" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('"builder-id", "google", "github"');
  });

  test("AWS Builder ID device authorization: register, device code, approval, tokens sealed, account listed", async () => {
    const start = await (await rig.gw.api("/api/oauth/kiro/start", { body: {} })).json();
    expect(start.verificationUri).toBe(`https://view.awsapps.com/start/#/device?user_code=${start.userCode}`);
    expect(start.interval).toBe(1);
    const register = rig.auth.requests.find((r) => r.path === "/client/register")!;
    expect(register.body).toMatchObject({
      clientType: "public",
      scopes: ["codewhisperer:completions", "codewhisperer:analysis", "codewhisperer:conversations"],
    });
    expect(rig.auth.requests.find((r) => r.path === "/device_authorization")!.body.startUrl).toBe("https://view.awsapps.com/start");

    rig.auth.approve(start.userCode);
    const done = await (await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state } })).json();
    expect(done.connection).toMatchObject({ provider: "kiro", authType: "oauth", name: "Kiro" });
    const { credentials, row } = stored(rig.gw, done.connection.id);
    expect(credentials).toMatchObject({ authMethod: "builder-id", region: "us-east-1" });
    expect(rig.auth.isLiveAccessToken(String(credentials.accessToken))).toBe(true);
    expect(String(row.credentials)).not.toContain(String(credentials.refreshToken));
    const listed = await (await rig.gw.api("/api/providers")).text();
    expect(listed).not.toContain(String(credentials.accessToken));
    expect(listed).not.toContain(String(credentials.clientSecret));
    // The same login cannot be completed twice.
    expect((await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state } })).status).toBe(400);
  });

  test("a denied login says so", async () => {
    const start = await (await rig.gw.api("/api/oauth/kiro/start", { body: {} })).json();
    rig.auth.deny(start.userCode);
    const done = await (await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state } })).json();
    expect(done).toEqual({ status: "failed", error: "The login was denied in the browser." });
  });
});

describe("a Kiro event stream decoded into an Anthropic stream for Claude Code", () => {
  test("text: the SDK's strict stream helper accepts the re-emitted stream; usage from Kiro's context report", async () => {
    await rig.connectBuilderId();
    const stream = rig.claude.messages.stream({
      model: "kr/claude-sonnet-4.5",
      max_tokens: 1000,
      system: "You are Claude Code.",
      messages: [{ role: "user", content: "hi" }],
    });
    const kinds: string[] = [];
    stream.on("streamEvent", (e) => kinds.push(e.type));
    const message = await stream.finalMessage();
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello from Kiro." });
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBe(3000);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(kinds[0]).toBe("message_start");
    expect(kinds.at(-1)).toBe("message_stop");
    expect(kinds.filter((k) => k === "content_block_delta").length).toBe(3);

    const sent = rig.kiro.requests.at(-1)!;
    expect(sent.headers.authorization).toMatch(/^Bearer aoa/);
    expect(sent.headers["x-amzn-kiro-agent-mode"]).toBe("vibe");
    expect(sent.headers["x-amzn-codewhisperer-optout"]).toBe("true");
    const state = sent.body.conversationState;
    expect(state.chatTriggerType).toBe("MANUAL");
    expect(state.currentMessage.userInputMessage).toMatchObject({
      content: "You are Claude Code.\n\nhi",
      modelId: "claude-sonnet-4.5",
      origin: "AI_EDITOR",
    });
    expect(state.history).toEqual([]);
    expect(sent.body.profileArn).toBeUndefined();
  });

  test("a tool call streams as tool_use with input_json_delta, and its result goes back as toolResults", async () => {
    await rig.connectBuilderId();
    rig.kiro.setScenario({
      kind: "tool-calls",
      text: "Listing files.",
      calls: [{ id: "tooluse_A1", name: "Bash", arguments: '{"command":"ls -la"}' }],
    });
    const stream = rig.claude.messages.stream({
      model: "kr/claude-sonnet-4.5",
      max_tokens: 1000,
      tools: [BASH_TOOL],
      messages: [{ role: "user", content: "list files" }],
    });
    const deltas: string[] = [];
    stream.on("streamEvent", (e) => {
      if (e.type === "content_block_delta") deltas.push(e.delta.type);
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use"]);
    expect(message.content[1]).toMatchObject({ type: "tool_use", id: "tooluse_A1", name: "Bash", input: { command: "ls -la" } });
    expect(deltas.filter((d) => d === "input_json_delta").length).toBe(3);
    expect(rig.kiroBody().conversationState.currentMessage.userInputMessage.userInputMessageContext.tools[0]).toEqual({
      toolSpecification: { name: "Bash", description: "Run a shell command", inputSchema: { json: BASH_TOOL.input_schema } },
    });

    rig.kiro.setScenario({ kind: "text", text: "Two files." });
    const next = await rig.claude.messages
      .stream({
        model: "kr/claude-sonnet-4.5",
        max_tokens: 1000,
        tools: [BASH_TOOL],
        messages: [
          { role: "user", content: "list files" },
          { role: "assistant", content: message.content as any },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "tooluse_A1", content: "a.txt\nb.txt" }] },
        ],
      })
      .finalMessage();
    expect(next.content[0]).toMatchObject({ type: "text", text: "Two files." });
    const state = rig.kiroBody().conversationState;
    expect(state.history[1].assistantResponseMessage).toEqual({
      content: "Listing files.",
      toolUses: [{ toolUseId: "tooluse_A1", name: "Bash", input: { command: "ls -la" } }],
    });
    expect(state.currentMessage.userInputMessage.userInputMessageContext.toolResults).toEqual([
      { toolUseId: "tooluse_A1", content: [{ text: "a.txt\nb.txt" }], status: "success" },
    ]);
    expect(state.currentMessage.userInputMessage.content).toBe("Tool results provided.");
  });

  test("not streamed: one Anthropic Message; an OpenAI client gets Kiro's answer translated too", async () => {
    await rig.connectBuilderId();
    const message = await rig.claude.messages.create({
      model: "kr/claude-haiku-4-5-20251001",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      stop_reason: "end_turn",
      content: [{ type: "text", text: "Hello from Kiro." }],
    });
    expect(rig.kiroBody().conversationState.currentMessage.userInputMessage.modelId).toBe("claude-haiku-4.5");
    const res = await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await rig.gw.adminKey()}` },
      body: JSON.stringify({ model: "kr/claude-sonnet-4.5", temperature: 0.3, messages: [{ role: "user", content: "hi" }] }),
    });
    expect((await res.json()).choices[0].message.content).toBe("Hello from Kiro.");
    // What CodeWhisperer cannot take is reported, not dropped in silence.
    expect(res.headers.get("x-omniroute-dropped")).toContain("temperature");
  });

  test("count_tokens is estimated locally, never sent to Kiro as a billed chat turn; the Test button works", async () => {
    const connection = await rig.connectBuilderId();
    const counted = await rig.claude.messages.countTokens({
      model: "kr/claude-sonnet-4.5",
      messages: [{ role: "user", content: "hello there, how are you today?" }],
    });
    expect(counted.input_tokens).toBeGreaterThan(5);
    expect(rig.kiro.requests).toHaveLength(0);
    const tested = await (await rig.gw.api(`/api/providers/${connection.id}/test`, { body: {} })).json();
    expect(tested).toMatchObject({ ok: true, model: "claude-sonnet-4.5" });
    expect(rig.kiro.requests).toHaveLength(1);
  });

  test("a stream that breaks off mid-frame reaches the SDK as an error, never a silent cut", async () => {
    await rig.connectBuilderId();
    rig.kiro.setScenario({ kind: "cut", text: "one two three four", afterChunks: 2 });
    const err = await rig.claude.messages
      .stream({ model: "kr/claude-sonnet-4.5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toMatch(/Kiro/);
  });
});

describe("tokens", () => {
  test("refreshed a few minutes ahead of expiry, before the call", async () => {
    rig.auth.accessTtlS = 120; // inside the five minutes ahead
    const connection = await rig.connectBuilderId();
    const first = String(stored(rig.gw, connection.id).credentials.accessToken);
    await rig.claude.messages.create({ model: "kr/claude-sonnet-4.5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    const refreshes = rig.auth.requests.filter((r) => r.path === "/token" && r.body.grantType === "refresh_token");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.body).toMatchObject({
      clientId: expect.stringMatching(/^client-/),
      clientSecret: expect.stringMatching(/^secret-/),
    });
    const now = String(stored(rig.gw, connection.id).credentials.accessToken);
    expect(now).not.toBe(first);
    expect(rig.kiro.requests.at(-1)!.headers.authorization).toBe(`Bearer ${now}`);
  });

  test("Kiro's 403 'bearer token invalid' refreshes once and the call is retried", async () => {
    await rig.connectBuilderId();
    rig.auth.expireAccessTokens();
    const message = await rig.claude.messages.create({
      model: "kr/claude-sonnet-4.5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content[0]).toMatchObject({ text: "Hello from Kiro." });
    expect(rig.kiro.requests).toHaveLength(2);
    expect(rig.auth.requests.filter((r) => r.body.grantType === "refresh_token")).toHaveLength(1);
  });

  test("a revoked refresh token marks the account 'needs login' and the combo moves on", async () => {
    const connection = await rig.connectBuilderId();
    await connect(rig.gw, "ds", rig.backup, "sk-backup");
    expect((await rig.gw.api("/api/combos", { body: { name: "free", models: ["kr/claude-sonnet-4.5", "ds/deepseek-chat"] } })).status).toBe(
      201,
    );
    for (const token of rig.auth.refreshTokens()) rig.auth.revokeRefreshToken(token);
    const message = await rig.claude.messages.create({ model: "free", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0]).toMatchObject({ text: "from the backup" });
    const row = (await getConnection(rig.gw.services.store, connection.id))!;
    expect(row.metadata).toMatchObject({ needsLogin: true });
    expect(String(row.metadata!.loginError)).toContain("AWS Builder ID refused the refresh token");
    expect(rig.gw.services.accounts.accountsOf("kiro")).toHaveLength(0);
  });
});
