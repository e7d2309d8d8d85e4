// A fake Qwen OAuth server (chat.qwen.ai), as qwen-code meets it: form-encoded POST /api/v1/oauth2/device/code
// {client_id, scope, code_challenge, code_challenge_method=S256} -> {device_code, user_code, verification_uri,
// verification_uri_complete, expires_in}; POST /api/v1/oauth2/token with the device_code grant (PKCE verifier checked;
// 400 {"error":"authorization_pending"} until approved, 400 access_denied when denied) -> {access_token, refresh_token,
// token_type, expires_in, scope, resource_url}; the refresh_token grant (400 {"error":"invalid_grant"} for a dead one).
import { createHash } from "node:crypto";

export interface FakeQwenAuth {
  url: string;
  requests: Array<{ path: string; form: Record<string, string>; headers: Record<string, string> }>;
  accessTtlS: number;
  /** What the token answers name as the API host (the fake upstream's URL in tests). */
  resourceUrl: string;
  approve(userCode: string): void;
  deny(userCode: string): void;
  isLiveAccessToken(token: string | undefined): boolean;
  expireAccessTokens(): void;
  revokeRefreshToken(token: string): void;
  addRefreshToken(token: string): void;
  refreshTokens(): string[];
  close(): Promise<void>;
}

export function startQwenAuth(o: { clientId: string; resourceUrl: string; email?: string }): FakeQwenAuth {
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
  const devices = new Map<string, { userCode: string; challenge: string; state: "pending" | "approved" | "denied" }>();
  const refresh = new Set<string>();
  const access = new Map<string, { refresh: string; expiresAt: number }>();
  const requests: FakeQwenAuth["requests"] = [];
  const oauthError = (error: string, description: string, status = 400) =>
    Response.json({ error, error_description: description }, { status });
  const idToken = () =>
    o.email
      ? `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify({ email: o.email, sub: "42" })).toString("base64url")}.sig`
      : undefined;
  const issue = (refreshToken: string) => {
    const token = rand("qat_");
    access.set(token, { refresh: refreshToken, expiresAt: Date.now() + fake.accessTtlS * 1000 });
    return Response.json({
      access_token: token,
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: fake.accessTtlS,
      scope: "openid profile email model.completion",
      resource_url: fake.resourceUrl,
      ...(idToken() ? { id_token: idToken() } : {}),
    });
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      requests.push({ path: url.pathname, form, headers: Object.fromEntries(request.headers) });
      if (request.method !== "POST") return new Response("Not found", { status: 404 });
      if (request.headers.get("content-type") !== "application/x-www-form-urlencoded")
        return oauthError("invalid_request", "form body expected");
      if (form.client_id !== o.clientId) return oauthError("invalid_client", "unknown client", 401);

      if (url.pathname === "/api/v1/oauth2/device/code") {
        if (form.code_challenge_method !== "S256" || !form.code_challenge) return oauthError("invalid_request", "PKCE required");
        const deviceCode = rand("dc_");
        const userCode = Math.random().toString(36).slice(2, 10).toUpperCase();
        devices.set(deviceCode, { userCode, challenge: form.code_challenge, state: "pending" });
        return Response.json({
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: "https://chat.qwen.ai/authorize",
          verification_uri_complete: `https://chat.qwen.ai/authorize?user_code=${userCode}&client=qwen-code`,
          expires_in: 900,
        });
      }
      if (url.pathname === "/api/v1/oauth2/token") {
        if (form.grant_type === "urn:ietf:params:oauth:grant-type:device_code") {
          const device = devices.get(form.device_code ?? "");
          if (!device) return oauthError("invalid_grant", "unknown device code");
          if (
            createHash("sha256")
              .update(form.code_verifier ?? "")
              .digest("base64url") !== device.challenge
          )
            return oauthError("invalid_grant", "code_verifier mismatch");
          if (device.state === "pending") return oauthError("authorization_pending", "The authorization request is still pending");
          if (device.state === "denied") return oauthError("access_denied", "The user denied the request");
          devices.delete(form.device_code!);
          const refreshToken = rand("qrt_");
          refresh.add(refreshToken);
          return issue(refreshToken);
        }
        if (form.grant_type === "refresh_token") {
          if (!form.refresh_token || !refresh.has(form.refresh_token)) return oauthError("invalid_grant", "Invalid refresh token");
          return issue(form.refresh_token);
        }
        return oauthError("unsupported_grant_type", String(form.grant_type));
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const find = (userCode: string) => [...devices.values()].find((d) => d.userCode === userCode);
  const fake: FakeQwenAuth = {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    accessTtlS: 21600,
    resourceUrl: o.resourceUrl,
    approve(userCode) {
      const d = find(userCode);
      if (d) d.state = "approved";
    },
    deny(userCode) {
      const d = find(userCode);
      if (d) d.state = "denied";
    },
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

/** The endpoint overrides pointing the qwen flow at this fake. */
export function qwenEndpoints(auth: FakeQwenAuth): Record<string, string> {
  return { deviceCode: `${auth.url}/api/v1/oauth2/device/code`, token: `${auth.url}/api/v1/oauth2/token` };
}
