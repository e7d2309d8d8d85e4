// The Kiro tests' rig: a fresh gateway per test with Kiro's auth service and API faked, an OpenAI-compatible backup,
// a temporary home (the Kiro IDE's token files), and the Anthropic SDK as Claude Code.
import { afterEach, beforeEach, expect } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { kiroEndpoints, startKiroAuth, type FakeKiroAuth } from "../fakes/oauth-kiro.ts";
import { startKiroUpstream } from "../fakes/kiro-upstream.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { tempHome, type TempHome } from "./subscription-support.ts";

export interface KiroRig {
  gw: TestGateway;
  auth: FakeKiroAuth;
  kiro: FakeUpstream;
  backup: FakeUpstream;
  home: TempHome;
  claude: Anthropic;
  /** The device login as a person does it: start, open the link, approve the code, the page polls until connected. */
  connectBuilderId(): Promise<any>;
  /** Kiro's Google/GitHub sign-in: the browser ends on a kiro:// address it cannot open; the user pastes it. */
  connectSocial(method: "google" | "github"): Promise<{ start: any; done: any }>;
  /** The body of the last request Kiro's API got. */
  kiroBody(): any;
}

/** Made before each of the file's tests and closed after it; read its fields inside tests. */
export function useKiroRig(): KiroRig {
  const rig = {} as KiroRig;
  beforeEach(async () => {
    rig.home = tempHome();
    rig.auth = startKiroAuth();
    const auth = rig.auth;
    rig.kiro = startKiroUpstream(
      { kind: "text", text: "Hello from Kiro.", usage: { input: 3000, output: 4 } },
      { isLiveToken: (t) => auth.isLiveAccessToken(t) },
    );
    rig.backup = startOpenAIUpstream({ kind: "text", text: "from the backup" });
    rig.gw = await startGateway({}, { endpointOverrides: { kiro: kiroEndpoints(rig.auth, rig.kiro.url) }, homeDir: rig.home.dir });
    rig.claude = new Anthropic({
      baseURL: rig.gw.url,
      authToken: (await rig.gw.services.apiKeys.create("claude-code", [])).key,
      maxRetries: 0,
    });
  });
  afterEach(async () => {
    await rig.gw.close();
    await rig.auth.close();
    await rig.kiro.close();
    await rig.backup.close();
    rig.home.close();
  });
  rig.connectBuilderId = async () => {
    const start = await (await rig.gw.api("/api/oauth/kiro/start", { body: {} })).json();
    expect(start.flow).toBe("device");
    expect((await (await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state } })).json()).status).toBe("pending");
    rig.auth.approve(start.userCode);
    const done = await (await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state } })).json();
    expect(done.status).toBe("connected");
    return done.connection;
  };
  rig.connectSocial = async (method) => {
    const start = await (await rig.gw.api("/api/oauth/kiro/start", { body: { method } })).json();
    const signedIn = await fetch(start.authorizeUrl, { redirect: "manual" });
    expect(signedIn.status).toBe(302);
    const done = await (
      await rig.gw.api("/api/oauth/kiro/complete", { body: { state: start.state, code: signedIn.headers.get("location")! } })
    ).json();
    return { start, done };
  };
  rig.kiroBody = () => rig.kiro.requests.at(-1)!.body;
  return rig;
}
