// Claude Code (cc/): Anthropic Messages with a Pro/Max OAuth token, sent as Claude Code itself sends it; quota from the unified headers.
//
// What Claude Code sends with an OAuth token (badlogic/pi-mono packages/ai/src/providers/anthropic.ts, and
// request captures of claude-cli 2.x): `Authorization: Bearer sk-ant-oat01-…` (no x-api-key),
// `anthropic-beta: claude-code-20250219,oauth-2025-04-20,…`, `user-agent: claude-cli/<version> (external, cli)`,
// `x-app: cli`, `anthropic-dangerous-direct-browser-access: true`, to `POST /v1/messages?beta=true`; and the
// first system block must be exactly "You are Claude Code, Anthropic's official CLI for Claude." or the API
// answers that the credential is only authorized for Claude Code.
import { claudeCodeFlow } from "./login.ts";
import type { AdapterContext, PreparedCall, ProviderAdapter } from "../adapters/types.ts";
import { bearerOf, currentCredentials, refreshOnce } from "../adapters/oauth-credentials.ts";
import { claudeQuotaWindows } from "./quota.ts";

export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const CLAUDE_CODE_VERSION = "2.1.2";
const REQUIRED_BETAS = [
  "claude-code-20250219",
  "oauth-2025-04-20",
  "interleaved-thinking-2025-05-14",
  "fine-grained-tool-streaming-2025-05-14",
];

type SystemBlock = { type: string; text?: string; [k: string]: unknown };

/** The system prompt with Claude Code's identity as its first block (added once). */
export function withClaudeCodeIdentity(system: unknown): SystemBlock[] {
  const identity: SystemBlock = { type: "text", text: CLAUDE_CODE_IDENTITY };
  if (typeof system === "string") return system.trim() ? [identity, { type: "text", text: system }] : [identity];
  if (Array.isArray(system)) {
    const blocks = system.filter(
      (b): b is SystemBlock => typeof b === "object" && b !== null && typeof (b as SystemBlock).type === "string",
    );
    return blocks[0]?.type === "text" && blocks[0].text === CLAUDE_CODE_IDENTITY ? blocks : [identity, ...blocks];
  }
  return [identity];
}

/** The betas the call already asks for, plus the ones an OAuth token needs, each once. */
function mergedBetas(existing: string | undefined): string {
  const all = [
    ...REQUIRED_BETAS,
    ...(existing ?? "")
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
  ];
  return [...new Set(all)].join(",");
}

function withBetaQuery(url: string): string {
  const u = new URL(url);
  u.searchParams.set("beta", "true");
  return u.toString();
}

export const claudeCodeAdapter: ProviderAdapter = {
  async prepare(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall> {
    const token = bearerOf(await currentCredentials(ctx, claudeCodeFlow));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(call.headers))
      if (k.toLowerCase() !== "x-api-key" && k.toLowerCase() !== "authorization") headers[k.toLowerCase()] = v;
    Object.assign(headers, {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      "anthropic-version": headers["anthropic-version"] ?? "2023-06-01",
      "anthropic-beta": mergedBetas(headers["anthropic-beta"]),
      "anthropic-dangerous-direct-browser-access": "true",
      "user-agent": `claude-cli/${CLAUDE_CODE_VERSION} (external, cli)`,
      "x-app": "cli",
    });
    return { url: withBetaQuery(call.url), headers, body: { ...call.body, system: withClaudeCodeIdentity(call.body.system) } };
  },

  wrapResponse(response, ctx) {
    const windows = claudeQuotaWindows(response.headers);
    if (windows.length) ctx.reportQuota(windows);
    return response;
  },

  countTokens: true,

  refreshAfterUnauthorized: (ctx) => refreshOnce(ctx, claudeCodeFlow),
};
