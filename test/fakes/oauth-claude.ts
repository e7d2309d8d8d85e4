// A fake Anthropic OAuth server for Claude Code's public client, as claude.ai / platform.claude.com / api.anthropic.com behave:
// GET /oauth/authorize (code=true, client_id, response_type=code, redirect_uri, scope, S256 challenge, state) answers the
// approval with a 302 to redirect_uri?code=&state= (the hosted page then shows `code#state` to paste); POST
// /v1/oauth/token takes JSON authorization_code (client, redirect_uri, state and PKCE checked, codes single-use) and
// refresh_token grants (refresh tokens rotate: a used one is dead) and answers {token_type, access_token, expires_in,
// refresh_token, scope, organization{uuid,name}, account{uuid,email_address}} or {"error":"invalid_grant",...} (400);
// GET /api/oauth/profile answers {account{uuid,email,display_name,has_claude_max,has_claude_pro}, organization{...}}
// for a live Bearer token sent with `anthropic-beta: oauth-2025-04-20`.
import { createHash } from "node:crypto";

export const CLAUDE_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";

export interface FakeClaudeOAuth {
  url: string;
  /** Endpoint overrides for startGateway: { claude: {...} }. */
  endpoints: Record<string, string>;
  email: string;
  plan: "max" | "pro";
  /** Lifetime of issued access tokens in seconds (Anthropic's is 28800). */
  accessTtlS: number;
  tokenRequests: Array<Record<string, unknown>>;
  isLiveAccessToken(token: string | undefined): boolean;
  /** Kill every access token issued so far (refresh tokens keep working): the next upstream call gets a 401. */
  expireAccessTokens(): void;
  /** Revoke every refresh token: the next refresh answers invalid_grant. */
  revokeRefreshTokens(): void;
  /** Register tokens issued elsewhere (a CLI credential file). */
  addTokens(access: string, refresh: string): void;
  /** Play the browser: open the authorize URL, approve, and return what Anthropic's page shows (`code#state`). */
  approve(authorizeUrl: string): Promise<string>;
  close(): Promise<void>;
}

export function startClaudeOAuth(opts: { email?: string; plan?: "max" | "pro" } = {}): FakeClaudeOAuth {
  const codes = new Map<string, { redirectUri: string; challenge: string; state: string }>();
  const refresh = new Set<string>();
  const access = new Set<string>();
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
  const invalidGrant = (description: string) => Response.json({ error: "invalid_grant", error_description: description }, { status: 400 });

  const issue = () => {
    const a = rand("sk-ant-oat01-");
    const r = rand("sk-ant-ort01-");
    access.add(a);
    refresh.add(r);
    return Response.json({
      token_type: "Bearer",
      access_token: a,
      expires_in: fake.accessTtlS,
      refresh_token: r,
      scope: "user:inference user:profile",
      organization: { uuid: "org-1", name: "Fake Org" },
      account: { uuid: "acct-1", email_address: fake.email },
    });
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname === "/oauth/authorize") {
        const p = url.searchParams;
        const bad =
          p.get("client_id") !== CLAUDE_CLIENT_ID
            ? "unknown client_id"
            : p.get("response_type") !== "code"
              ? "response_type must be code"
              : p.get("code_challenge_method") !== "S256"
                ? "S256 required"
                : !p.get("code_challenge")
                  ? "missing code_challenge"
                  : !(p.get("scope") ?? "").split(" ").includes("user:inference")
                    ? "scope must include user:inference"
                    : !p.get("state")
                      ? "missing state"
                      : undefined;
        if (bad) return new Response(bad, { status: 400 });
        const code = rand("code-");
        codes.set(code, { redirectUri: p.get("redirect_uri")!, challenge: p.get("code_challenge")!, state: p.get("state")! });
        const to = new URL(p.get("redirect_uri")!);
        to.searchParams.set("code", code);
        to.searchParams.set("state", p.get("state")!);
        return Response.redirect(to.toString(), 302);
      }
      if (req.method === "POST" && url.pathname === "/v1/oauth/token") {
        const body = (await req.json().catch(() => ({}))) as Record<string, string>;
        fake.tokenRequests.push(body);
        if (body.client_id !== CLAUDE_CLIENT_ID) return Response.json({ error: "invalid_client" }, { status: 401 });
        if (body.grant_type === "authorization_code") {
          const c = codes.get(body.code ?? "");
          if (!c) return invalidGrant("Invalid 'code' in request.");
          codes.delete(body.code!);
          if (c.redirectUri !== body.redirect_uri) return invalidGrant("redirect_uri does not match");
          if (c.state !== body.state) return invalidGrant("state does not match");
          if (
            createHash("sha256")
              .update(body.code_verifier ?? "")
              .digest("base64url") !== c.challenge
          )
            return invalidGrant("code_verifier does not match");
          return issue();
        }
        if (body.grant_type === "refresh_token") {
          if (!refresh.has(body.refresh_token ?? "")) return invalidGrant("Refresh token not found or invalid");
          refresh.delete(body.refresh_token!);
          return issue();
        }
        return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      if (req.method === "GET" && url.pathname === "/api/oauth/profile") {
        const token = req.headers.get("authorization")?.replace(/^Bearer /, "");
        if (!access.has(token ?? "") || !(req.headers.get("anthropic-beta") ?? "").includes("oauth-2025-04-20")) {
          return Response.json(
            { type: "error", error: { type: "authentication_error", message: "Invalid bearer token" } },
            { status: 401 },
          );
        }
        return Response.json({
          account: {
            uuid: "acct-1",
            email: fake.email,
            display_name: "Fake User",
            has_claude_max: fake.plan === "max",
            has_claude_pro: fake.plan === "pro",
          },
          organization: { uuid: "org-1", name: "Fake Org", organization_type: `claude_${fake.plan}` },
        });
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const base = `http://127.0.0.1:${server.port}`;
  const fake: FakeClaudeOAuth = {
    url: base,
    endpoints: { authorize: `${base}/oauth/authorize`, token: `${base}/v1/oauth/token`, profile: `${base}/api/oauth/profile` },
    email: opts.email ?? "claude-user@example.com",
    plan: opts.plan ?? "max",
    accessTtlS: 28_800,
    tokenRequests: [],
    isLiveAccessToken: (token) => access.has(token ?? ""),
    expireAccessTokens: () => access.clear(),
    revokeRefreshTokens: () => refresh.clear(),
    addTokens(a, r) {
      access.add(a);
      refresh.add(r);
    },
    async approve(authorizeUrl) {
      const res = await fetch(authorizeUrl, { redirect: "manual" });
      if (res.status !== 302) throw new Error(`authorize refused: ${res.status} ${await res.text()}`);
      const to = new URL(res.headers.get("location")!);
      return `${to.searchParams.get("code")}#${to.searchParams.get("state")}`;
    },
    async close() {
      await server.stop(true);
    },
  };
  return fake;
}
