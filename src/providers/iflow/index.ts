// iFlow, as one module: catalog entry, adapter, login (all in this folder).
import type { ProviderModule } from "../provider-module.ts";
import { iflowAdapter } from "./adapter.ts";
import { IFLOW_ENTRY } from "./entry.ts";
import { iflowFlow } from "./login.ts";

export const iflowProvider = {
  entries: [IFLOW_ENTRY],
  createAdapter: () => iflowAdapter,
  flow: iflowFlow,
} satisfies ProviderModule;
