// The provider adapters of one gateway, by provider id. Providers without one are pure catalog data; adding one is a line here.
import { createGeminiCliAdapter, type GeminiCliAdapter } from "../gemini-cli/adapter.ts";
import { createGithubCopilotAdapter, type GithubCopilotAdapter } from "../github-copilot/adapter.ts";
import { claudeCodeAdapter } from "../claude-code/adapter.ts";
import { codexAdapter } from "../codex/adapter.ts";
import { kiroAdapter } from "../kiro/adapter.ts";
import { qwenAdapter } from "../qwen/adapter.ts";
import { iflowAdapter } from "../iflow/adapter.ts";
import type { ProviderAdapter } from "./types.ts";

export interface Adapters {
  /** The adapter for a provider, if it needs one. */
  get(providerId: string): ProviderAdapter | undefined;
  /** The adapters that keep state of their own, for tests. */
  geminiCli: GeminiCliAdapter;
  githubCopilot: GithubCopilotAdapter;
}

/** Adapters that keep state (caches, reads under way) are made per gateway, so two gateways never share it. */
export function createAdapters(): Adapters {
  const geminiCli = createGeminiCliAdapter();
  const githubCopilot = createGithubCopilotAdapter();
  const byProvider = new Map<string, ProviderAdapter>([
    ["gemini-cli", geminiCli],
    ["github", githubCopilot],
    ["claude", claudeCodeAdapter],
    ["codex", codexAdapter],
    ["kiro", kiroAdapter],
    ["qwen", qwenAdapter],
    ["iflow", iflowAdapter],
  ]);
  return { get: (providerId) => byProvider.get(providerId), geminiCli, githubCopilot };
}
