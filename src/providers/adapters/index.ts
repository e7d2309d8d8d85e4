// The provider adapters of one gateway, by provider id, made from the built-in provider modules (src/providers/builtin.ts).
// Providers without one are pure catalog data.
import { BUILTIN_PROVIDERS } from "../builtin.ts";
import type { GeminiCliAdapter } from "../gemini-cli/adapter.ts";
import { geminiCliProvider } from "../gemini-cli/index.ts";
import type { GithubCopilotAdapter } from "../github-copilot/adapter.ts";
import { githubCopilotProvider } from "../github-copilot/index.ts";
import type { ProviderModule } from "../provider-module.ts";
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
  const geminiCli = geminiCliProvider.createAdapter();
  const githubCopilot = githubCopilotProvider.createAdapter();
  // The two whose state tests look at are made first, under their names; every other module's adapter here.
  const made = new Map<ProviderModule, ProviderAdapter>([
    [geminiCliProvider, geminiCli],
    [githubCopilotProvider, githubCopilot],
  ]);
  const byProvider = new Map<string, ProviderAdapter>();
  for (const module of BUILTIN_PROVIDERS) {
    const adapter = made.get(module) ?? module.createAdapter?.();
    if (adapter) for (const entry of module.entries) byProvider.set(entry.id, adapter);
  }
  return { get: (providerId) => byProvider.get(providerId), geminiCli, githubCopilot };
}
