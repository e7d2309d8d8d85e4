// The provider adapters by provider id. Providers without one are pure catalog data; adding one is a line here.
import type { ProviderAdapter } from "./types.ts";

const ADAPTERS = new Map<string, ProviderAdapter>([
  // e.g. ["claude", claudeCodeAdapter], added by each provider's module.
]);

export function adapterFor(providerId: string): ProviderAdapter | undefined {
  return ADAPTERS.get(providerId);
}

/** For tests and for provider modules that register themselves. */
export function registerAdapter(providerId: string, adapter: ProviderAdapter): void {
  ADAPTERS.set(providerId, adapter);
}
