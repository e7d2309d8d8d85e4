// A fake OpenAI auth server (auth.openai.com) for the Codex CLI's public client: GET /oauth/authorize (S256 PKCE, state,
// codex_cli_simplified_flow) answers the approval with a 302 to redirect_uri?code=&state= (the browser then lands on the
// local callback listener); POST /oauth/token takes form-encoded authorization_code (client, redirect_uri, PKCE checked,
// codes single-use) answering {id_token, access_token, refresh_token, expires_in}, and JSON refresh_token grants
// (rotating: a used refresh token answers 401 {"error":{"code":"refresh_token_reused"}}; a revoked one
// "refresh_token_invalidated"). Tokens are JWTs whose claims carry email and, under "https://api.openai.com/auth",
// chatgpt_account_id and chatgpt_plan_type, as the Codex CLI reads them.
import { createHash } from "node:crypto";

export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

export interface FakeCodexOAuth {
  url: string;
  endpoints: Record<string, string>;
  email: string;
  plan: string;
  accountId: string;
  accessTtlS: number;
  tokenRequests: Array<{ contentType: string; body: Record<string, string> }>;
  isLiveAccessToken(token: string | undefined): boolean;
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
  /** Tokens as a Codex CLI login would have them in ~/.codex/auth.json (registered as live). */
  cliTokens(): { id_token: string; access_token: string; refresh_token: string; account_id: string };
  /** Play the browser up to the redirect: approve and return where the browser is sent (the local callback URL). */
  approve(authorizeUrl: string, opts?: { deny?: boolean }): Promise<string>;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
export const fakeJwt = (claims: Record<string, unknown>) => `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.fake-signature`;

export function startCodexOAuth(opts: { email?: string; plan?: string; accountId?: string } = {}): FakeCodexOAuth {
  const codes = new Map<string, { redirectUri: string; challenge: string }>();
  const refresh = new Set<string>();
  const used = new Set<string>();
  const access = new Set<string>();
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;

  const tokens = () => {
    const auth = { chatgpt_account_id: fake.accountId, chatgpt_plan_type: fake.plan, chatgpt_user_id: "user-1" };
    const now = Math.floor(Date.now() / 1000);
    const accessToken = fakeJwt({ sub: "user-1", exp: now + fake.accessTtlS, jti: rand(""), "https://api.openai.com/auth": auth });
    const idToken = fakeJwt({ email: fake.email, exp: now + 3600, "https://api.openai.com/auth": auth });
    const refreshToken = rand("rt_");
    access.add(accessToken);
    refresh.add(refreshToken);
    return { id_token: idToken, access_token: accessToken, refresh_token: refreshToken };
  };
  const refusal = (code: string, message: string) =>
    Response.json({ error: { message, type: "invalid_request_error", param: null, code } }, { status: 401 });

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname === "/oauth/authorize") {
        const p = url.searchParams;
        const bad =
          p.get("client_id") !== CODEX_CLIENT_ID
            ? "unknown client_id"
            : p.get("code_challenge_method") !== "S256"
              ? "S256 required"
              : !(p.get("scope") ?? "").includes("offline_access")
                ? "offline_access required"
                : !p.get("state")
                  ? "missing state"
                  : !/^http:\/\/localhost:\d+\/auth\/callback$/.test(p.get("redirect_uri") ?? "")
                    ? "redirect_uri not allowed"
                    : undefined;
        if (bad) return new Response(bad, { status: 400 });
        const to = new URL(p.get("redirect_uri")!);
        to.searchParams.set("state", p.get("state")!);
        if (url.searchParams.get("deny") === "1") {
          to.searchParams.set("error", "access_denied");
          to.searchParams.set("error_description", "The user denied the request");
        } else {
          const code = rand("ac_");
          codes.set(code, { redirectUri: p.get("redirect_uri")!, challenge: p.get("code_challenge")! });
          to.searchParams.set("code", code);
        }
        return Response.redirect(to.toString(), 302);
      }
      if (req.method === "POST" && url.pathname === "/oauth/token") {
        const contentType = req.headers.get("content-type") ?? "";
        const text = await req.text();
        const body: Record<string, string> = contentType.includes("json")
          ? JSON.parse(text || "{}")
          : Object.fromEntries(new URLSearchParams(text));
        fake.tokenRequests.push({ contentType, body });
        if (body.client_id !== CODEX_CLIENT_ID) return Response.json({ error: "invalid_client" }, { status: 401 });
        if (body.grant_type === "authorization_code") {
          if (!contentType.includes("x-www-form-urlencoded")) return Response.json({ error: "invalid_request" }, { status: 400 });
          const c = codes.get(body.code ?? "");
          if (!c) return Response.json({ error: "invalid_grant", error_description: "code not found" }, { status: 400 });
          codes.delete(body.code!);
          if (c.redirectUri !== body.redirect_uri)
            return Response.json({ error: "invalid_grant", error_description: "redirect_uri mismatch" }, { status: 400 });
          if (
            createHash("sha256")
              .update(body.code_verifier ?? "")
              .digest("base64url") !== c.challenge
          )
            return Response.json({ error: "invalid_grant", error_description: "PKCE failed" }, { status: 400 });
          return Response.json({ ...tokens(), expires_in: fake.accessTtlS });
        }
        if (body.grant_type === "refresh_token") {
          const token = body.refresh_token ?? "";
          if (used.has(token))
            return refusal("refresh_token_reused", "Your refresh token has already been used to generate a new access token.");
          if (!refresh.has(token)) return refusal("refresh_token_invalidated", "Your refresh token has been invalidated.");
          refresh.delete(token);
          used.add(token);
          return Response.json(tokens());
        }
        return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const base = `http://127.0.0.1:${server.port}`;
  const fake: FakeCodexOAuth = {
    url: base,
    // Port 0: the gateway's callback listener takes a free port instead of 1455.
    endpoints: { authorize: `${base}/oauth/authorize`, token: `${base}/oauth/token`, callback: "http://localhost:0/auth/callback" },
    email: opts.email ?? "codex-user@example.com",
    plan: opts.plan ?? "pro",
    accountId: opts.accountId ?? "acct-codex-1",
    accessTtlS: 864_000,
    tokenRequests: [],
    isLiveAccessToken: (token) => access.has(token ?? ""),
    expireAccessTokens: () => access.clear(),
    revokeRefreshTokens: () => refresh.clear(),
    cliTokens: () => ({ ...tokens(), account_id: fake.accountId }),
    async approve(authorizeUrl, o = {}) {
      const res = await fetch(o.deny ? `${authorizeUrl}&deny=1` : authorizeUrl, { redirect: "manual" });
      if (res.status !== 302) throw new Error(`authorize refused: ${res.status} ${await res.text()}`);
      return res.headers.get("location")!;
    },
    async close() {
      await server.stop(true);
    },
  };
  return fake;
}
