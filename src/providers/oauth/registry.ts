// The OAuth flows by provider id: adding one is a line here (each provider's module exports its flow).
import type { OAuthFlow } from "./types.ts";

const FLOWS = new Map<string, OAuthFlow>([
  // e.g. ["claude", claudeCodeFlow], added by each provider's module.
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
