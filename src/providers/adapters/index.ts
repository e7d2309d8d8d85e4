// The provider adapters by provider id. Providers without one are pure catalog data; adding one is a line here.
import type { ProviderAdapter } from "./types.ts";
import { geminiCliAdapter } from "../gemini-cli/adapter.ts";
import { githubCopilotAdapter } from "../github-copilot/adapter.ts";
import { claudeCodeAdapter } from "../claude-code/adapter.ts";
import { codexAdapter } from "../codex/adapter.ts";
import { kiroAdapter } from "../kiro/adapter.ts";
import { qwenAdapter } from "../qwen/adapter.ts";
import { iflowAdapter } from "../iflow/adapter.ts";

const ADAPTERS = new Map<string, ProviderAdapter>([
  ["gemini-cli", geminiCliAdapter],
  ["github", githubCopilotAdapter],
  // e.g. ["claude", claudeCodeAdapter], added by each provider's module.
  ["claude", claudeCodeAdapter],
  ["codex", codexAdapter],
  ["kiro", kiroAdapter],
  ["qwen", qwenAdapter],
  ["iflow", iflowAdapter],
]);

export function adapterFor(providerId: string): ProviderAdapter | undefined {
  return ADAPTERS.get(providerId);
}

/** For tests and for provider modules that register themselves. */
export function registerAdapter(providerId: string, adapter: ProviderAdapter): void {
  ADAPTERS.set(providerId, adapter);
}
