// OAuth and account endpoints per provider: the real ones, overridable by tests only (through Services).
import type { Services } from "../../services.ts";

/** provider id -> endpoint name -> URL. Each flow declares its defaults here. */
const DEFAULTS: Record<string, Record<string, string>> = {};

export function declareEndpoints(provider: string, endpoints: Record<string, string>): void {
  DEFAULTS[provider] = { ...DEFAULTS[provider], ...endpoints };
}

/** The URL of a provider's endpoint: the test override if one was given to createServices, else the real one. */
export function endpointOf(services: Services, provider: string, name: string): string {
  const url = services.endpointOverrides?.[provider]?.[name] ?? DEFAULTS[provider]?.[name];
  if (!url) throw new Error(`No endpoint "${name}" declared for provider "${provider}"`);
  return url;
}
