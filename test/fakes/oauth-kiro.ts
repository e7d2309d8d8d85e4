// A fake AWS SSO OIDC (Builder ID) and Kiro social-auth service, as oidc.us-east-1.amazonaws.com and
// prod.us-east-1.auth.desktop.kiro.dev behave: JSON bodies with camelCase fields; POST /client/register
// {clientName, clientType: "public", scopes} -> {clientId, clientSecret, clientIdIssuedAt, clientSecretExpiresAt};
// POST /device_authorization {clientId, clientSecret, startUrl} -> {deviceCode, userCode, verificationUri,
// verificationUriComplete, expiresIn, interval}; POST /token (device_code grant until approved: 400
// {"error":"authorization_pending"}, then {accessToken, tokenType, expiresIn, refreshToken}; refresh_token grant, 400
// {"error":"invalid_grant"} for a dead refresh token); POST /refreshToken {refreshToken} -> {accessToken, refreshToken,
// expiresIn, profileArn} or 401 for Kiro's Google/GitHub logins. AWS errors also carry x-amzn-errortype.
// Kiro's social sign-in: GET /login?idp=Google|Github&redirect_uri=kiro://kiro.kiroAgent/authenticate-success
// &code_challenge&code_challenge_method=S256&state answers the signed-in browser with a 302 to the kiro:// address
// (?code&state); POST /oauth/token {code, code_verifier, redirect_uri} checks the PKCE pair ->
// {accessToken, refreshToken, profileArn, expiresIn}.

export interface FakeKiroAuthRequest {
  path: string;
  body: any;
}

export interface FakeKiroAuth {
  url: string;
  requests: FakeKiroAuthRequest[];
  /** Lifetime of issued access tokens, seconds. */
  accessTtlS: number;
  /** The user enters this code on the verification page and approves (or denies). */
  approve(userCode: string): void;
  deny(userCode: string): void;
  isLiveAccessToken(token: string): boolean;
  expireAccessTokens(): void;
  revokeRefreshToken(token: string): void;
  /** A refresh token from elsewhere (an imported CLI file); social ones refresh at /refreshToken. */
  addRefreshToken(token: string, kind: "builder-id" | "social", clientId?: string): void;
  refreshTokens(): string[];
  close(): Promise<void>;
}

const ERROR_TYPES: Record<string, string> = {
  authorization_pending: "AuthorizationPendingException",
  slow_down: "SlowDownException",
  expired_token: "ExpiredTokenException",
  access_denied: "AccessDeniedException",
  invalid_grant: "InvalidGrantException",
  invalid_client: "InvalidClientException",
  invalid_request: "InvalidRequestException",
};

export const FAKE_PROFILE_ARN = "arn:aws:codewhisperer:us-east-1:699475941385:profile/FAKEPROFILE";

export function startKiroAuth(): FakeKiroAuth {
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
  const clients = new Map<string, string>();
  const devices = new Map<string, { clientId: string; userCode: string; state: "pending" | "approved" | "denied" }>();
  const refresh = new Map<string, { kind: "builder-id" | "social"; clientId?: string }>();
  const access = new Map<string, { refresh: string; expiresAt: number }>();
  const requests: FakeKiroAuthRequest[] = [];
  /** Social codes handed out: the challenge and redirect they were issued for. */
  const socialCodes = new Map<string, { challenge: string; redirect: string; idp: string }>();
  const awsError = (error: string, description: string, status = 400) =>
    Response.json(
      { error, error_description: description },
      {
        status,
        headers: {
          "x-amzn-errortype": `${ERROR_TYPES[error] ?? "Exception"}:http://internal.amazon.com/coral/com.amazonaws.awsssooidc.v20190610/`,
        },
      },
    );
  const issue = (refreshToken: string) => {
    const token = rand("aoa");
    access.set(token, { refresh: refreshToken, expiresAt: Date.now() + fake.accessTtlS * 1000 });
    return token;
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      let body: any = {};
      try {
        body = await request.json();
      } catch {
        /* empty */
      }
      requests.push({ path: url.pathname, body: request.method === "GET" ? Object.fromEntries(url.searchParams) : body });
      if (request.method === "GET" && url.pathname === "/login") {
        const q = url.searchParams;
        const idp = q.get("idp") ?? "";
        if (
          !["Google", "Github"].includes(idp) ||
          q.get("code_challenge_method") !== "S256" ||
          !q.get("code_challenge") ||
          !q.get("state")
        ) {
          return new Response("bad request", { status: 400 });
        }
        if (q.get("redirect_uri") !== "kiro://kiro.kiroAgent/authenticate-success")
          return new Response("redirect_uri not allowed", { status: 400 });
        const code = rand("code-");
        socialCodes.set(code, { challenge: q.get("code_challenge")!, redirect: q.get("redirect_uri")!, idp });
        const back = new URL(q.get("redirect_uri")!);
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state")!);
        return new Response(null, { status: 302, headers: { location: back.toString() } });
      }
      if (request.method !== "POST") return new Response("Not found", { status: 404 });
      if (url.pathname === "/oauth/token") {
        const issued = socialCodes.get(body.code);
        const challenge =
          typeof body.code_verifier === "string" ? new Bun.CryptoHasher("sha256").update(body.code_verifier).digest("base64url") : "";
        if (!issued || issued.challenge !== challenge || issued.redirect !== body.redirect_uri)
          return Response.json({ message: "Invalid authorization code" }, { status: 400 });
        socialCodes.delete(body.code);
        const refreshToken = rand("aor");
        refresh.set(refreshToken, { kind: "social" });
        return Response.json({ accessToken: issue(refreshToken), refreshToken, profileArn: FAKE_PROFILE_ARN, expiresIn: fake.accessTtlS });
      }

      if (url.pathname === "/client/register") {
        if (body.clientType !== "public" || !Array.isArray(body.scopes) || !body.clientName)
          return awsError("invalid_request", "Invalid client metadata");
        const clientId = rand("client-");
        const clientSecret = rand("secret-");
        clients.set(clientId, clientSecret);
        const now = Math.floor(Date.now() / 1000);
        return Response.json({ clientId, clientSecret, clientIdIssuedAt: now, clientSecretExpiresAt: now + 90 * 86400 });
      }
      if (url.pathname === "/device_authorization") {
        if (clients.get(body.clientId) !== body.clientSecret) return awsError("invalid_client", "Invalid client", 401);
        if (body.startUrl !== "https://view.awsapps.com/start") return awsError("invalid_request", "Invalid start URL");
        const deviceCode = rand("dev-");
        const userCode = `${Math.random().toString(36).slice(2, 6)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
        devices.set(deviceCode, { clientId: body.clientId, userCode, state: "pending" });
        return Response.json({
          deviceCode,
          userCode,
          verificationUri: "https://view.awsapps.com/start/#/device",
          verificationUriComplete: `https://view.awsapps.com/start/#/device?user_code=${userCode}`,
          expiresIn: 600,
          interval: 1,
        });
      }
      if (url.pathname === "/token") {
        if (clients.get(body.clientId) !== body.clientSecret) return awsError("invalid_client", "Invalid client", 401);
        if (body.grantType === "urn:ietf:params:oauth:grant-type:device_code") {
          const device = devices.get(body.deviceCode);
          if (!device || device.clientId !== body.clientId) return awsError("invalid_grant", "Invalid device code provided");
          if (device.state === "pending") return awsError("authorization_pending", "Authorization pending");
          if (device.state === "denied") return awsError("access_denied", "Access denied");
          devices.delete(body.deviceCode);
          const refreshToken = rand("aor");
          refresh.set(refreshToken, { kind: "builder-id", clientId: body.clientId });
          return Response.json({ accessToken: issue(refreshToken), tokenType: "Bearer", expiresIn: fake.accessTtlS, refreshToken });
        }
        if (body.grantType === "refresh_token") {
          const known = refresh.get(body.refreshToken);
          if (!known || known.kind !== "builder-id" || (known.clientId && known.clientId !== body.clientId))
            return awsError("invalid_grant", "Invalid refresh token provided");
          return Response.json({
            accessToken: issue(body.refreshToken),
            tokenType: "Bearer",
            expiresIn: fake.accessTtlS,
            refreshToken: body.refreshToken,
          });
        }
        return awsError("unsupported_grant_type", `Unsupported grant type ${body.grantType}`);
      }
      if (url.pathname === "/refreshToken") {
        const known = refresh.get(body.refreshToken);
        if (!known || known.kind !== "social") return Response.json({ message: "Invalid refresh token" }, { status: 401 });
        return Response.json({
          accessToken: issue(body.refreshToken),
          refreshToken: body.refreshToken,
          expiresIn: fake.accessTtlS,
          profileArn: FAKE_PROFILE_ARN,
        });
      }
      return new Response("Not found", { status: 404 });
    },
  });

  const find = (userCode: string) => [...devices.values()].find((d) => d.userCode === userCode);
  const fake: FakeKiroAuth = {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    accessTtlS: 3600,
    approve(userCode) {
      const d = find(userCode);
      if (d) d.state = "approved";
    },
    deny(userCode) {
      const d = find(userCode);
      if (d) d.state = "denied";
    },
    isLiveAccessToken(token) {
      const t = access.get(token);
      return !!t && t.expiresAt > Date.now() && refresh.has(t.refresh);
    },
    expireAccessTokens() {
      access.clear();
    },
    revokeRefreshToken(token) {
      refresh.delete(token);
    },
    addRefreshToken(token, kind, clientId) {
      refresh.set(token, { kind, clientId });
    },
    refreshTokens: () => [...refresh.keys()],
    async close() {
      await server.stop(true);
    },
  };
  return fake;
}

/** The endpoint overrides pointing the kiro flow and adapter at these fakes. */
export function kiroEndpoints(auth: FakeKiroAuth, runtimeUrl: string): Record<string, string> {
  return { oidc: auth.url, social: auth.url, api: runtimeUrl };
}
