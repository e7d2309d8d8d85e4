// A fake Google OAuth server for the Gemini CLI's installed-app client, as accounts.google.com / oauth2.googleapis.com behave:
// GET /o/oauth2/v2/auth answers the consent (approved, or denied) with a 302 to redirect_uri?code=&state= (or ?error=),
// POST /token (form-encoded) takes authorization_code (client, redirect_uri and PKCE checked, codes single-use) and
// refresh_token grants and answers {access_token, expires_in, scope, token_type, id_token[, refresh_token]} or RFC 6749
// errors ({"error":"invalid_grant","error_description":"Token has been expired or revoked."} for a dead refresh
// token), and GET /oauth2/v2/userinfo answers {id, email, verified_email, name, picture} for a live Bearer token.
import { createHash } from "node:crypto";

export interface FakeGoogleOptions {
  clientId: string;
  clientSecret: string;
  email?: string;
  name?: string;
  /** Lifetime of issued access tokens, seconds (Google's is 3599). */
  accessTtlS?: number;
}

export interface FakeGoogleRequest {
  method: string;
  path: string;
  form?: Record<string, string>;
  headers: Record<string, string>;
}

export interface FakeGoogle {
  url: string;
  requests: FakeGoogleRequest[];
  /** Whether the user approves the next consent screens (default true). */
  approve: boolean;
  accessTtlS: number;
  isLiveAccessToken(token: string | undefined): boolean;
  /** Invalidate every access token issued so far (refresh tokens keep working). */
  expireAccessTokens(): void;
  /** Revoke a refresh token (and the access tokens issued from it). */
  revokeRefreshToken(token: string): void;
  /** Register a refresh token issued elsewhere (e.g. in a CLI's credential file). */
  addRefreshToken(token: string): void;
  refreshTokens(): string[];
  close(): Promise<void>;
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");

export function startGoogleOAuth(o: FakeGoogleOptions): FakeGoogle {
  const email = o.email ?? "dev@example.com";
  const codes = new Map<string, { redirectUri: string; challenge?: string }>();
  const refresh = new Set<string>();
  const access = new Map<string, { refresh: string; expiresAt: number }>();
  const requests: FakeGoogleRequest[] = [];
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
  const idToken = () => `${b64url(JSON.stringify({ alg: "RS256" }))}.${b64url(JSON.stringify({ email, sub: "1234" }))}.sig`;
  const oauthError = (error: string, description: string, status = 400) =>
    Response.json({ error, error_description: description }, { status });

  const issue = (refreshToken: string, withRefresh: boolean) => {
    const token = rand("ya29.");
    access.set(token, { refresh: refreshToken, expiresAt: Date.now() + fake.accessTtlS * 1000 });
    return Response.json({
      access_token: token,
      expires_in: fake.accessTtlS,
      scope:
        "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile openid",
      token_type: "Bearer",
      id_token: idToken(),
      ...(withRefresh ? { refresh_token: refreshToken } : {}),
    });
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const form = request.method === "POST" ? Object.fromEntries(new URLSearchParams(await request.text())) : undefined;
      requests.push({ method: request.method, path: url.pathname + url.search, form, headers: Object.fromEntries(request.headers) });

      if (request.method === "GET" && url.pathname === "/o/oauth2/v2/auth") {
        const q = url.searchParams;
        const redirect = q.get("redirect_uri") ?? "";
        if (q.get("client_id") !== o.clientId) return new Response("Error 401: invalid_client", { status: 401 });
        if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+\//.test(redirect))
          return new Response("Error 400: redirect_uri_mismatch", { status: 400 });
        const back = new URL(redirect);
        back.searchParams.set("state", q.get("state") ?? "");
        if (!fake.approve) {
          back.searchParams.set("error", "access_denied");
        } else {
          const code = rand("4/0A");
          codes.set(code, { redirectUri: redirect, ...(q.get("code_challenge") ? { challenge: q.get("code_challenge")! } : {}) });
          back.searchParams.set("code", code);
          back.searchParams.set("scope", q.get("scope") ?? "");
        }
        return new Response(null, { status: 302, headers: { location: back.toString() } });
      }

      if (request.method === "POST" && url.pathname === "/token") {
        const f = form ?? {};
        if (f.client_id !== o.clientId || f.client_secret !== o.clientSecret)
          return oauthError("invalid_client", "The OAuth client was not found.", 401);
        if (f.grant_type === "authorization_code") {
          const pending = f.code ? codes.get(f.code) : undefined;
          if (!pending) return oauthError("invalid_grant", "Malformed auth code.");
          codes.delete(f.code!);
          if (pending.redirectUri !== f.redirect_uri) return oauthError("redirect_uri_mismatch", "Bad Request");
          if (pending.challenge) {
            const computed = createHash("sha256")
              .update(f.code_verifier ?? "")
              .digest("base64url");
            if (computed !== pending.challenge) return oauthError("invalid_grant", "Invalid code verifier.");
          }
          const refreshToken = rand("1//0g");
          refresh.add(refreshToken);
          return issue(refreshToken, true);
        }
        if (f.grant_type === "refresh_token") {
          if (!f.refresh_token || !refresh.has(f.refresh_token)) return oauthError("invalid_grant", "Token has been expired or revoked.");
          return issue(f.refresh_token, false);
        }
        return oauthError("unsupported_grant_type", "Invalid grant_type: " + f.grant_type);
      }

      if (request.method === "GET" && url.pathname === "/oauth2/v2/userinfo") {
        const token = request.headers.get("authorization")?.replace(/^Bearer /, "");
        if (!fake.isLiveAccessToken(token)) {
          return Response.json(
            { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } },
            { status: 401 },
          );
        }
        return Response.json({
          id: "1234",
          email,
          verified_email: true,
          name: o.name ?? "Dev Example",
          picture: "https://example.com/p.png",
        });
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const fake: FakeGoogle = {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    approve: true,
    accessTtlS: o.accessTtlS ?? 3599,
    isLiveAccessToken(token) {
      const t = token ? access.get(token) : undefined;
      return !!t && t.expiresAt > Date.now() && refresh.has(t.refresh);
    },
    expireAccessTokens() {
      access.clear();
    },
    revokeRefreshToken(token) {
      refresh.delete(token);
    },
    addRefreshToken(token) {
      refresh.add(token);
    },
    refreshTokens: () => [...refresh],
    async close() {
      await server.stop(true);
    },
  };
  return fake;
}

/** The endpoint overrides pointing the gemini-cli flow at this fake. */
export function googleEndpoints(google: FakeGoogle, codeAssistUrl: string): Record<string, string> {
  return {
    authorize: `${google.url}/o/oauth2/v2/auth`,
    token: `${google.url}/token`,
    userinfo: `${google.url}/oauth2/v2/userinfo`,
    codeAssist: codeAssistUrl,
  };
}
