// Claude Code (Claude Pro/Max), as one module: catalog entry, adapter, login and quota reader (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { claudeCodeAdapter } from "./adapter.ts";
import { CLAUDE_CODE_ENTRY } from "./entry.ts";
import { claudeCodeFlow } from "./login.ts";

export const claudeCodeProvider = {
  entries: [CLAUDE_CODE_ENTRY],
  createAdapter: () => claudeCodeAdapter,
  flow: claudeCodeFlow,
} satisfies ProviderModule;
