// OAuth and account endpoints per provider: the real ones, overridable by tests only (ServiceOptions.endpointOverrides).

/** Tests only: provider id -> endpoint name -> URL, replacing the real ones. */
export type EndpointOverrides = Record<string, Record<string, string>>;

/** provider id -> endpoint name -> URL. Each flow declares its defaults here. */
const DEFAULTS: Record<string, Record<string, string>> = {};

export function declareEndpoints(provider: string, endpoints: Record<string, string>): void {
  DEFAULTS[provider] = { ...DEFAULTS[provider], ...endpoints };
}

/** The URL of a provider's endpoint: the test override if one was given to createServices, else the real one. */
export function endpointOf(overrides: EndpointOverrides | undefined, provider: string, name: string): string {
  const url = overrides?.[provider]?.[name] ?? DEFAULTS[provider]?.[name];
  if (!url) throw new Error(`No endpoint "${name}" declared for provider "${provider}"`);
  return url;
}
