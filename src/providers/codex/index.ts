// OpenAI Codex (ChatGPT Plus/Pro), as one module: catalog entry, adapter, login and quota reader (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { codexAdapter } from "./adapter.ts";
import { CODEX_ENTRY } from "./entry.ts";
import { codexFlow } from "./login.ts";

export const codexProvider = {
  entries: [CODEX_ENTRY],
  createAdapter: () => codexAdapter,
  flow: codexFlow,
} satisfies ProviderModule;
