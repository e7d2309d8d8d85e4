// A fake iFlow login (iflow.cn), as iFlow CLI meets it: GET /oauth?loginMethod=phone&type=phone&redirect&state&client_id
// answers the sign-in with a 302 to redirect?code=&state=; POST /oauth/token (form, Basic client auth checked) takes the
// authorization_code grant (redirect_uri must match) and the refresh_token grant -> {access_token, refresh_token,
// expires_in, token_type, scope}, 400 {"error":"invalid_grant"} for a dead refresh token; GET
// /api/oauth/getUserInfo?accessToken= -> {success: true, data: {apiKey, email, phone}} (success false for a dead token).

export interface FakeIFlowAuth {
  url: string;
  requests: Array<{ method: string; path: string; form?: Record<string, string>; headers: Record<string, string> }>;
  accessTtlS: number;
  isLiveApiKey(key: string): boolean;
  /** The account's API key is replaced: the old one stops working, user info hands out the new one. */
  rotateApiKey(): void;
  revokeRefreshToken(token: string): void;
  addRefreshToken(token: string): void;
  refreshTokens(): string[];
  close(): Promise<void>;
}

export function startIFlowAuth(o: { clientId: string; clientSecret: string; email?: string }): FakeIFlowAuth {
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
  const codes = new Map<string, string>();
  const refresh = new Set<string>();
  const access = new Set<string>();
  let apiKey = rand("sk-");
  const requests: FakeIFlowAuth["requests"] = [];
  const basic = `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString("base64")}`;
  const issue = (refreshToken: string) => {
    const token = rand("iat_");
    access.add(token);
    return Response.json({
      access_token: token,
      refresh_token: refreshToken,
      expires_in: fake.accessTtlS,
      token_type: "bearer",
      scope: "read",
    });
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const form = request.method === "POST" ? Object.fromEntries(new URLSearchParams(await request.text())) : undefined;
      requests.push({ method: request.method, path: url.pathname + url.search, form, headers: Object.fromEntries(request.headers) });
      const q = url.searchParams;
      if (request.method === "GET" && url.pathname === "/oauth") {
        if (q.get("client_id") !== o.clientId || q.get("loginMethod") !== "phone" || !q.get("redirect"))
          return new Response("bad request", { status: 400 });
        const code = rand("code_");
        codes.set(code, q.get("redirect")!);
        const back = new URL(q.get("redirect")!);
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state") ?? "");
        return new Response(null, { status: 302, headers: { location: back.toString() } });
      }
      if (request.method === "POST" && url.pathname === "/oauth/token") {
        const f = form ?? {};
        if (request.headers.get("authorization") !== basic || f.client_id !== o.clientId || f.client_secret !== o.clientSecret) {
          return Response.json({ error: "invalid_client", error_description: "Bad client credentials" }, { status: 401 });
        }
        if (f.grant_type === "authorization_code") {
          const redirect = codes.get(f.code ?? "");
          if (!redirect || redirect !== f.redirect_uri)
            return Response.json({ error: "invalid_grant", error_description: "Invalid authorization code" }, { status: 400 });
          codes.delete(f.code!);
          const refreshToken = rand("irt_");
          refresh.add(refreshToken);
          return issue(refreshToken);
        }
        if (f.grant_type === "refresh_token") {
          if (!f.refresh_token || !refresh.has(f.refresh_token))
            return Response.json({ error: "invalid_grant", error_description: "Invalid refresh token" }, { status: 400 });
          return issue(f.refresh_token);
        }
        return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      if (request.method === "GET" && url.pathname === "/api/oauth/getUserInfo") {
        if (!access.has(q.get("accessToken") ?? ""))
          return Response.json({ success: false, code: "401", message: "token invalid", data: null });
        return Response.json({
          success: true,
          code: "200",
          message: "success",
          data: { apiKey, email: o.email ?? "", phone: "138****0000" },
        });
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const fake: FakeIFlowAuth = {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    accessTtlS: 86400,
    isLiveApiKey: (key) => key === apiKey,
    rotateApiKey() {
      apiKey = rand("sk-");
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

/** The endpoint overrides pointing the iflow flow and adapter at these fakes. */
export function iflowEndpoints(auth: FakeIFlowAuth, apiUrl: string): Record<string, string> {
  // Port 0: the login's loopback listener takes a free port, never iFlow CLI's real 11451.
  return {
    authorize: `${auth.url}/oauth`,
    token: `${auth.url}/oauth/token`,
    userInfo: `${auth.url}/api/oauth/getUserInfo`,
    api: apiUrl,
    callback: "http://localhost:0/oauth2callback",
  };
}
