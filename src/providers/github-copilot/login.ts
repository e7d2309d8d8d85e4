// GitHub Copilot login: GitHub device code, then the Copilot token exchange; refresh = exchange again.
//
// Credentials keep both tokens: `githubToken` (the long-lived OAuth token, which does not expire) and
// `accessToken` (the Copilot token, ~30 minutes, with `expiresAt`), plus `apiBase` from the token's
// `endpoints.api`. Import reads the editor plugins' files: ~/.config/github-copilot/apps.json
// ({"github.com:<client id>": {user, oauth_token, githubAppId}}, written by copilot.vim / copilot.lua /
// JetBrains) and the older hosts.json ({"github.com": {user, oauth_token}}).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import {
  exchangeCopilotToken,
  fetchCopilotUsage,
  fetchGithubUser,
  GITHUB_COPILOT_PROVIDER,
  NoCopilotAccessError,
  pollDeviceToken,
  requestDeviceCode,
} from "./github-api.ts";
import { readCopilotUsage } from "./quota.ts";
import { RefreshRevokedError, type AccountProfile, type FlowContext, type FlowResult, type OAuthFlow } from "../oauth/types.ts";

async function copilotCredentials(ctx: FlowContext, githubToken: string): Promise<Credentials> {
  const copilot = await exchangeCopilotToken(ctx, githubToken);
  return {
    accessToken: copilot.token,
    expiresAt: copilot.expiresAt,
    githubToken,
    ...(copilot.apiBase ? { apiBase: copilot.apiBase } : {}),
  };
}

/** Who the account is (login, and email when public) and its Copilot plan. */
async function profileOf(ctx: FlowContext, githubToken: string, knownLogin?: string): Promise<AccountProfile> {
  const [user, usage] = await Promise.all([fetchGithubUser(ctx, githubToken), fetchCopilotUsage(ctx, githubToken)]);
  const login = user.login ?? knownLogin;
  const { plan } = readCopilotUsage(usage);
  return {
    // The same GitHub account logging in again renews its connection (emails are often private on GitHub).
    ...(user.id ? { accountId: `github:${user.id}` } : {}),
    ...(user.email ? { email: user.email } : {}),
    ...(login ? { name: login, login } : {}),
    ...(user.name ? { displayName: user.name } : {}),
    ...(plan ? { plan } : {}),
  };
}

/** Connected, or why not, for a GitHub token just obtained. */
async function connect(ctx: FlowContext, githubToken: string, knownLogin?: string): Promise<FlowResult> {
  try {
    const credentials = await copilotCredentials(ctx, githubToken);
    return { status: "connected", credentials, profile: await profileOf(ctx, githubToken, knownLogin) };
  } catch (err) {
    if (err instanceof NoCopilotAccessError || err instanceof RefreshRevokedError) return { status: "failed", error: err.message };
    throw err;
  }
}

/** The first GitHub entry of apps.json or hosts.json (or an object pasted in their shape, or {oauth_token}). */
function tokenFromPluginFile(json: unknown): { token: string; user?: string } | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const direct = json as { oauth_token?: unknown; user?: unknown };
  if (typeof direct.oauth_token === "string" && direct.oauth_token)
    return { token: direct.oauth_token, ...(typeof direct.user === "string" ? { user: direct.user } : {}) };
  for (const [key, value] of Object.entries(json)) {
    if (!key.startsWith("github.com")) continue;
    const entry = value as { oauth_token?: unknown; user?: unknown } | null;
    if (entry && typeof entry.oauth_token === "string" && entry.oauth_token) {
      return { token: entry.oauth_token, ...(typeof entry.user === "string" ? { user: entry.user } : {}) };
    }
  }
  return undefined;
}

export const githubCopilotFlow: OAuthFlow = {
  provider: GITHUB_COPILOT_PROVIDER,
  kind: "device",

  async start(ctx) {
    const device = await requestDeviceCode(ctx);
    return {
      pending: { deviceCode: device.deviceCode, interval: device.interval, nextPollAt: Date.now() + device.interval * 1000 },
      start: {
        flow: "device",
        verificationUri: device.verificationUri,
        userCode: device.userCode,
        expiresIn: device.expiresIn,
        interval: device.interval,
        instructions: `Open ${device.verificationUri}, sign in to GitHub and enter the code ${device.userCode}.`,
      },
    };
  },

  async complete(ctx, pending) {
    // GitHub answers slow_down to polls closer than `interval`: earlier calls are answered here without asking.
    const now = Date.now();
    if (now < Number(pending.nextPollAt ?? 0)) return { status: "pending" };
    const interval = Number(pending.interval ?? 5);
    const poll = await pollDeviceToken(ctx, String(pending.deviceCode), interval);
    if (poll.status === "pending") {
      pending.interval = poll.interval ?? interval;
      pending.nextPollAt = Date.now() + Number(pending.interval) * 1000;
      return { status: "pending" };
    }
    if (poll.status === "failed") return poll;
    return connect(ctx, poll.githubToken);
  },

  async refresh(ctx, credentials) {
    // A GitHub token pasted as the connection's API key works as well as one from the device flow.
    const githubToken = credentials.githubToken ?? credentials.apiKey;
    if (typeof githubToken !== "string" || !githubToken) throw new RefreshRevokedError("no GitHub token is stored for this account");
    return copilotCredentials(ctx, githubToken);
  },

  async importCli(ctx, json) {
    let found: { token: string; user?: string } | undefined;
    if (json !== undefined) {
      found = tokenFromPluginFile(json);
      if (!found)
        throw new GatewayError(
          "invalid_request",
          "Not a Copilot editor login: the contents of ~/.config/github-copilot/apps.json (or hosts.json) are expected.",
          { param: "credentials" },
        );
    } else {
      for (const file of ["apps.json", "hosts.json"]) {
        const path = join(ctx.homeDir, ".config", "github-copilot", file);
        if (!existsSync(path)) continue;
        try {
          found = tokenFromPluginFile(JSON.parse(readFileSync(path, "utf8")));
        } catch {
          /* unreadable: try the next file */
        }
        if (found) break;
      }
      if (!found) return undefined;
    }
    const result = await connect(ctx, found.token, found.user);
    if (result.status === "failed")
      throw new GatewayError("authentication", `The Copilot login found on this machine does not work: ${result.error}`, {
        code: "cli_login_expired",
      });
    if (result.status !== "connected") return undefined;
    return { credentials: result.credentials, profile: result.profile };
  },
};
