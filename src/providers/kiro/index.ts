// Kiro (CodeWhisperer), as one module: catalog entry, adapter, login (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { kiroAdapter } from "./adapter.ts";
import { KIRO_ENTRY } from "./entry.ts";
import { kiroFlow } from "./login.ts";

export const kiroProvider = {
  entries: [KIRO_ENTRY],
  createAdapter: () => kiroAdapter,
  flow: kiroFlow,
} satisfies ProviderModule;
