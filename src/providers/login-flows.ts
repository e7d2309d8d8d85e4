// The OAuth login flows by provider id, read from the built-in provider modules (src/providers/builtin.ts).
import { BUILTIN_PROVIDERS } from "./builtin.ts";
import type { OAuthFlow } from "./oauth/types.ts";

const FLOWS = new Map<string, OAuthFlow>(
  BUILTIN_PROVIDERS.flatMap((module) => (module.flow ? [[module.flow.provider, module.flow] as const] : [])),
);

export function flowFor(providerId: string): OAuthFlow | undefined {
  return FLOWS.get(providerId);
}

/** Tests only: a flow of their own (a fake login), under its provider id. */
export function registerFlow(flow: OAuthFlow): void {
  FLOWS.set(flow.provider, flow);
}

export function listFlows(): OAuthFlow[] {
  return [...FLOWS.values()];
}
