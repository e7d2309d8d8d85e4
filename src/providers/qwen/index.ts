// Qwen Code, as one module: catalog entry, adapter, login (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { qwenAdapter } from "./adapter.ts";
import { QWEN_ENTRY } from "./entry.ts";
import { qwenFlow } from "./login.ts";

export const qwenProvider = {
  entries: [QWEN_ENTRY],
  createAdapter: () => qwenAdapter,
  flow: qwenFlow,
} satisfies ProviderModule;
