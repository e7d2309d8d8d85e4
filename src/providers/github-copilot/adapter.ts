// GitHub Copilot adapter: a fresh Copilot token, the account's API base and the editor headers; the monthly quota read.
//
// Chat goes to `${endpoints.api}/chat/completions` (the base the token exchange named) with the Copilot token as
// Bearer and the headers VS Code Copilot Chat sends (ericc-ch/copilot-api src/lib/api-config.ts copilotHeaders):
// Copilot-Integration-Id: vscode-chat, Editor-Version, Editor-Plugin-Version, User-Agent, Openai-Intent:
// conversation-panel, X-Request-Id, and Copilot-Vision-Request: true when a message carries an image.
import type { Credentials } from "../../accounts/pool.ts";
import { GatewayError } from "../../canonical/errors.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { githubCopilotFlow } from "./login.ts";
import { COPILOT_USER_AGENT, EDITOR_PLUGIN_VERSION, EDITOR_VERSION, fetchCopilotUsage } from "./github-api.ts";
import { readCopilotUsage } from "./quota.ts";

/** How often an account's monthly quota is read again from GitHub while it is in use. */
export const USAGE_REFRESH_MS = 5 * 60_000;

async function credentialsFor(ctx: AdapterContext, force = false): Promise<Credentials> {
  try {
    // No Copilot token yet (a GitHub token added as an API key): exchange it now.
    return await ctx.credentials.fresh(githubCopilotFlow, { force: force || !ctx.account.credentials.accessToken });
  } catch (err) {
    if (err instanceof GatewayError && err.kind === "authentication") throw err;
    // No Copilot any more, or GitHub out of reach: this account cannot be called now; the combo moves on.
    throw new GatewayError(
      "authentication",
      `Could not get a Copilot token for "${ctx.account.name}": ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** Whether an OpenAI Chat body carries an image (Copilot wants Copilot-Vision-Request then). */
function hasImage(body: Record<string, unknown>): boolean {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.some((m) => {
    const content = (m as { content?: unknown } | null)?.content;
    return Array.isArray(content) && content.some((p) => (p as { type?: unknown } | null)?.type === "image_url");
  });
}

/** When each account's quota was last read, and the reads under way; per gateway. */
interface UsageReads {
  readAt: Map<string, number>;
  running: Set<Promise<void>>;
}

/** Read the account's monthly quota from GitHub in the background, at most every USAGE_REFRESH_MS. */
function readUsageSoon(reads: UsageReads, ctx: AdapterContext, force = false): void {
  const { readAt: usageReadAt, running: usageReads } = reads;
  const now = Date.now();
  if (!force && now - (usageReadAt.get(ctx.account.id) ?? 0) < USAGE_REFRESH_MS) return;
  usageReadAt.set(ctx.account.id, now);
  const githubToken = ctx.account.credentials.githubToken ?? ctx.account.credentials.apiKey;
  if (typeof githubToken !== "string") return;
  const read = fetchCopilotUsage(ctx.flow, githubToken).then((report) => {
    const { monthly } = readCopilotUsage(report);
    if (monthly) ctx.reportQuota([monthly]);
  });
  usageReads.add(read);
  void read.finally(() => usageReads.delete(read));
}

export interface GithubCopilotAdapter extends ProviderAdapter {
  /** Tests: read every account's quota again on its next call. */
  forgetUsageReads(): void;
  /** Tests and shutdown: wait for the quota reads still under way. */
  settleUsageReads(): Promise<void>;
}

export function createGithubCopilotAdapter(): GithubCopilotAdapter {
  const reads: UsageReads = { readAt: new Map(), running: new Set() };
  return {
    async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
      const credentials = await credentialsFor(ctx);
      const base = (ctx.account.baseUrl ?? (typeof credentials.apiBase === "string" ? credentials.apiBase : ctx.spec.baseUrl)).replace(
        /\/+$/,
        "",
      );
      // Lower-cased, so the catalog's `Editor-Version` and the ones set here do not both go out.
      const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return {
        url: `${base}/chat/completions`,
        headers: {
          ...headers,
          authorization: `Bearer ${String(credentials.accessToken ?? "")}`,
          "copilot-integration-id": "vscode-chat",
          "editor-version": headers["editor-version"] ?? EDITOR_VERSION,
          "editor-plugin-version": EDITOR_PLUGIN_VERSION,
          "user-agent": COPILOT_USER_AGENT,
          "openai-intent": "conversation-panel",
          "x-request-id": crypto.randomUUID(),
          ...(hasImage(call.body) ? { "copilot-vision-request": "true" } : {}),
        },
        body: call.body,
      };
    },

    wrapResponse(response, ctx) {
      // A quota answer (402 / 429) is worth a fresh look at the monthly numbers at once.
      readUsageSoon(reads, ctx, response.status === 402 || response.status === 429);
      return response;
    },

    async refreshAfterUnauthorized(ctx) {
      await credentialsFor(ctx, true);
      return true;
    },

    forgetUsageReads() {
      reads.readAt.clear();
    },

    async settleUsageReads() {
      await Promise.all([...reads.running]);
    },
  };
}
