// Gemini CLI (Google's Code Assist), as one module: catalog entry, adapter, login and quota reader (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { createGeminiCliAdapter } from "./adapter.ts";
import { GEMINI_CLI_ENTRY } from "./entry.ts";
import { geminiCliFlow } from "./login.ts";

export const geminiCliProvider = {
  entries: [GEMINI_CLI_ENTRY],
  createAdapter: createGeminiCliAdapter,
  flow: geminiCliFlow,
} satisfies ProviderModule;
