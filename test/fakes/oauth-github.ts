// A fake GitHub for Copilot, as github.com / api.github.com behave: the device flow (POST /login/device/code, then
// POST /login/oauth/access_token answering 200 with authorization_pending, slow_down + interval, expired_token,
// access_denied or the token), the Copilot token exchange (GET /copilot_internal/v2/token with `token <gh token>`:
// {token, expires_at, refresh_in, endpoints: {api}}, 401 for a revoked token, 403 without Copilot), GET /user and
// GET /copilot_internal/user (plan and quota_snapshots). Copilot tokens it issued can be checked with isLiveCopilotToken.

export interface FakeGithubOptions {
  clientId: string;
  /** Where issued Copilot tokens say the Copilot API is (endpoints.api). */
  copilotApi: string;
  login?: string;
  email?: string | null;
  /** Device-flow polling interval it asks for, seconds (GitHub's is 5). */
  interval?: number;
  /** Seconds added to the interval on slow_down (GitHub adds 5). */
  slowDownStep?: number;
  /** Copilot token lifetime, seconds (GitHub's is ~30 minutes). */
  copilotTtlS?: number;
}

export interface FakeGithubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Record<string, string>;
}

type DeviceState = "pending" | "approved" | "denied" | "expired";

export interface FakeGithub {
  url: string;
  requests: FakeGithubRequest[];
  copilotTtlS: number;
  /** The user enters the code and approves (or declines) on github.com/login/device. */
  approve(userCode: string): void;
  deny(userCode: string): void;
  expire(userCode: string): void;
  /** Answer the next access-token poll with slow_down. */
  slowDownNext(): void;
  /** The account has Copilot (default) or not. */
  hasCopilot: boolean;
  /** The copilot_internal/user report. */
  usage: Record<string, unknown>;
  addGithubToken(token: string): void;
  revokeGithubToken(token: string): void;
  githubTokens(): string[];
  isLiveCopilotToken(token: string | undefined): boolean;
  /** Invalidate every Copilot token issued so far. */
  expireCopilotTokens(): void;
  close(): Promise<void>;
}

export function monthlyUsage(o: {
  entitlement: number;
  remaining: number;
  plan?: string;
  resetDate?: string;
  unlimited?: boolean;
}): Record<string, unknown> {
  const premium = {
    entitlement: o.entitlement,
    remaining: o.remaining,
    quota_remaining: o.remaining,
    unlimited: o.unlimited ?? false,
    percent_remaining: o.entitlement ? (o.remaining / o.entitlement) * 100 : 100,
    overage_count: 0,
    overage_permitted: false,
    quota_id: "premium_interactions",
  };
  const unlimited = {
    entitlement: 0,
    remaining: 0,
    quota_remaining: 0,
    unlimited: true,
    percent_remaining: 100,
    overage_count: 0,
    overage_permitted: false,
  };
  return {
    login: "octocat",
    access_type_sku: "plus_monthly_subscriber_quota",
    copilot_plan: o.plan ?? "individual",
    chat_enabled: true,
    quota_reset_date: o.resetDate ?? "2099-01-01",
    quota_snapshots: {
      chat: { ...unlimited, quota_id: "chat" },
      completions: { ...unlimited, quota_id: "completions" },
      premium_interactions: premium,
    },
  };
}

export function startGithub(o: FakeGithubOptions): FakeGithub {
  const login = o.login ?? "octocat";
  const devices = new Map<string, { userCode: string; state: DeviceState }>();
  const ghTokens = new Set<string>();
  const copilotTokens = new Map<string, number>();
  const requests: FakeGithubRequest[] = [];
  let slowDown = false;
  const interval = o.interval ?? 5;
  const rand = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const byUserCode = (code: string) => [...devices.values()].find((d) => d.userCode === code);
  const ghAuth = (request: Request) => {
    const header = request.headers.get("authorization") ?? "";
    const token = /^token (.+)$/.exec(header)?.[1] ?? /^Bearer (.+)$/.exec(header)?.[1];
    return token && ghTokens.has(token) ? token : undefined;
  };
  const badCredentials = () =>
    Response.json({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }, { status: 401 });

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      let body: Record<string, string> | undefined;
      if (request.method === "POST") {
        const text = await request.text();
        try {
          body = JSON.parse(text);
        } catch {
          body = Object.fromEntries(new URLSearchParams(text));
        }
      }
      requests.push({
        method: request.method,
        path: url.pathname,
        headers: Object.fromEntries(request.headers),
        ...(body ? { body } : {}),
      });
      const wantsJson = request.headers.get("accept")?.includes("application/json");

      if (request.method === "POST" && url.pathname === "/login/device/code") {
        if (body?.client_id !== o.clientId) return Response.json({ error: "Not Found" }, { status: 404 });
        const deviceCode = rand("dc_");
        const userCode = `${rand("").slice(0, 4).toUpperCase()}-${rand("").slice(0, 4).toUpperCase()}`;
        devices.set(deviceCode, { userCode, state: "pending" });
        const answer = {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: "https://github.com/login/device",
          expires_in: 899,
          interval,
        };
        return wantsJson
          ? Response.json(answer)
          : new Response(new URLSearchParams(Object.entries(answer).map(([k, v]) => [k, String(v)])).toString());
      }

      if (request.method === "POST" && url.pathname === "/login/oauth/access_token") {
        if (!wantsJson) return new Response("error=unsupported_content_type");
        if (body?.client_id !== o.clientId)
          return Response.json({
            error: "incorrect_client_credentials",
            error_description: "The client_id and/or client_secret passed are incorrect.",
          });
        if (body.grant_type !== "urn:ietf:params:oauth:grant-type:device_code")
          return Response.json({ error: "unsupported_grant_type", error_description: "The grant type is not supported." });
        const device = devices.get(body.device_code ?? "");
        if (!device) return Response.json({ error: "incorrect_device_code", error_description: "The device_code provided is not valid." });
        if (slowDown) {
          slowDown = false;
          return Response.json({
            error: "slow_down",
            error_description: "Too many requests have been made in the same timeframe.",
            error_uri: "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow",
            interval: interval + (o.slowDownStep ?? 5),
          });
        }
        switch (device.state) {
          case "pending":
            return Response.json({ error: "authorization_pending", error_description: "The authorization request is still pending." });
          case "denied":
            return Response.json({ error: "access_denied", error_description: "The authorization request was denied." });
          case "expired":
            return Response.json({ error: "expired_token", error_description: "The device_code has expired." });
          case "approved": {
            devices.delete(body.device_code!);
            const token = rand("ghu_");
            ghTokens.add(token);
            return Response.json({ access_token: token, token_type: "bearer", scope: "" });
          }
        }
      }

      if (request.method === "GET" && url.pathname === "/copilot_internal/v2/token") {
        if (!ghAuth(request)) return badCredentials();
        if (!fake.hasCopilot)
          return Response.json(
            { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" },
            { status: 403 },
          );
        const token = `tid=${rand("")};exp=${Math.floor(Date.now() / 1000) + fake.copilotTtlS};sku=plus_monthly_subscriber_quota;proxy-ep=proxy.individual.githubcopilot.com:${rand("")}`;
        copilotTokens.set(token, Date.now() + fake.copilotTtlS * 1000);
        return Response.json({
          token,
          expires_at: Math.floor(Date.now() / 1000) + fake.copilotTtlS,
          refresh_in: Math.max(0, fake.copilotTtlS - 300),
          endpoints: {
            api: o.copilotApi,
            "origin-tracker": "https://origin-tracker.individual.githubcopilot.com",
            proxy: "https://proxy.individual.githubcopilot.com",
            telemetry: "https://telemetry.individual.githubcopilot.com",
          },
          chat_enabled: true,
          sku: "plus_monthly_subscriber_quota",
          tracking_id: "abc",
        });
      }
      if (request.method === "GET" && url.pathname === "/user") {
        if (!ghAuth(request)) return badCredentials();
        return Response.json({ login, id: 583231, name: "The Octocat", email: o.email === undefined ? null : o.email, type: "User" });
      }
      if (request.method === "GET" && url.pathname === "/copilot_internal/user") {
        if (!ghAuth(request)) return badCredentials();
        return Response.json(fake.usage);
      }
      return Response.json({ message: "Not Found" }, { status: 404 });
    },
  });

  const fake: FakeGithub = {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    copilotTtlS: o.copilotTtlS ?? 1800,
    approve(code) {
      const d = byUserCode(code);
      if (d) d.state = "approved";
    },
    deny(code) {
      const d = byUserCode(code);
      if (d) d.state = "denied";
    },
    expire(code) {
      const d = byUserCode(code);
      if (d) d.state = "expired";
    },
    slowDownNext() {
      slowDown = true;
    },
    hasCopilot: true,
    usage: monthlyUsage({ entitlement: 300, remaining: 280 }),
    addGithubToken(token) {
      ghTokens.add(token);
    },
    revokeGithubToken(token) {
      ghTokens.delete(token);
    },
    githubTokens: () => [...ghTokens],
    isLiveCopilotToken(token) {
      return !!token && (copilotTokens.get(token) ?? 0) > Date.now();
    },
    expireCopilotTokens() {
      copilotTokens.clear();
    },
    async close() {
      await server.stop(true);
    },
  };
  return fake;
}

/** The endpoint overrides pointing the github (Copilot) flow at this fake. */
export function githubEndpoints(github: FakeGithub): Record<string, string> {
  return {
    deviceCode: `${github.url}/login/device/code`,
    accessToken: `${github.url}/login/oauth/access_token`,
    copilotToken: `${github.url}/copilot_internal/v2/token`,
    user: `${github.url}/user`,
    copilotUser: `${github.url}/copilot_internal/user`,
  };
}
