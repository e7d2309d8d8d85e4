// Every built-in provider, one line each, in the order the user guide shows them: subscription, cheap, free, API-key.
// The catalog (catalog.ts), the adapters (adapters/index.ts) and the login flows (login-flows.ts) are read from here.
// A provider with code is a folder (src/providers/<name>/index.ts); an OpenAI-compatible API is one entry in catalog/.
import { AUDIO_PROVIDERS } from "./catalog/audio.ts";
import { CHEAP_PROVIDERS } from "./catalog/cheap.ts";
import { FIRST_PARTY_PROVIDERS } from "./catalog/first-party.ts";
import { INFERENCE_HOST_PROVIDERS } from "./catalog/inference-hosts.ts";
import { MODEL_LAB_PROVIDERS } from "./catalog/model-labs.ts";
import { claudeCodeProvider } from "./claude-code/index.ts";
import { codexProvider } from "./codex/index.ts";
import { geminiCliProvider } from "./gemini-cli/index.ts";
import { githubCopilotProvider } from "./github-copilot/index.ts";
import { iflowProvider } from "./iflow/index.ts";
import { kiroProvider } from "./kiro/index.ts";
import { qwenProvider } from "./qwen/index.ts";
import type { ProviderModule } from "./provider-module.ts";

export const BUILTIN_PROVIDERS: readonly ProviderModule[] = [
  claudeCodeProvider,
  codexProvider,
  geminiCliProvider,
  githubCopilotProvider,
  { entries: CHEAP_PROVIDERS },
  qwenProvider,
  kiroProvider,
  iflowProvider,
  { entries: FIRST_PARTY_PROVIDERS },
  { entries: MODEL_LAB_PROVIDERS },
  { entries: INFERENCE_HOST_PROVIDERS },
  { entries: AUDIO_PROVIDERS },
];
