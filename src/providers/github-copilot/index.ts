// GitHub Copilot, as one module: catalog entry, adapter, login and quota reader (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { createGithubCopilotAdapter } from "./adapter.ts";
import { GITHUB_COPILOT_ENTRY } from "./entry.ts";
import { githubCopilotFlow } from "./login.ts";

export const githubCopilotProvider = {
  entries: [GITHUB_COPILOT_ENTRY],
  createAdapter: createGithubCopilotAdapter,
  flow: githubCopilotFlow,
} satisfies ProviderModule;
