// The OAuth flows by provider id: adding one is a line here (each provider's module exports its flow).
import type { OAuthFlow } from "./types.ts";
import { geminiCliFlow } from "./gemini-cli.ts";
import { githubCopilotFlow } from "./github-copilot.ts";
import { claudeCodeFlow } from "./claude-code.ts";
import { codexFlow } from "./codex.ts";
import { kiroFlow } from "./kiro.ts";
import { qwenFlow } from "./qwen.ts";
import { iflowFlow } from "./iflow.ts";

const FLOWS = new Map<string, OAuthFlow>([
  [geminiCliFlow.provider, geminiCliFlow],
  [githubCopilotFlow.provider, githubCopilotFlow],
  // e.g. ["claude", claudeCodeFlow], added by each provider's module.
  ["claude", claudeCodeFlow],
  ["codex", codexFlow],
  ["kiro", kiroFlow],
  ["qwen", qwenFlow],
  ["iflow", iflowFlow],
]);

export function flowFor(providerId: string): OAuthFlow | undefined {
  return FLOWS.get(providerId);
}

export function registerFlow(flow: OAuthFlow): void {
  FLOWS.set(flow.provider, flow);
}

export function listFlows(): OAuthFlow[] {
  return [...FLOWS.values()];
}
