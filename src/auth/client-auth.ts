// Admits client calls (/v1, /v1beta): the IP filter, then the key (Bearer, x-api-key, x-goog-api-key or ?key=).
// An invalid key is always a 401; a missing one is anonymous unless keys are required.
import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import type { ApiKeyStore } from "./key-store.ts";
import type { SettingsStore } from "../settings/store.ts";
import { ipCheck, type IpFilterDeps } from "./ip-filter.ts";
import type { Config } from "../config.ts";

/** What decides whether a client may call (its address) and needs a key, and checks it. */
export interface ClientAuthDeps extends IpFilterDeps {
  apiKeys: ApiKeyStore;
  settings: Pick<SettingsStore, "get">;
  config: Pick<Config, "requireApiKey">;
}

export function presentedKey(headers: Headers, url: string): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1]!.trim();
  }
  // The URL is parsed only when it may carry ?key= (Gemini clients): every proxied call passes here.
  return (
    headers.get("x-api-key") ??
    headers.get("x-goog-api-key") ??
    (url.includes("key=") ? new URL(url).searchParams.get("key") : null) ??
    undefined
  );
}

/** "call": every client route; "models": the model lists, which Settings -> Security can open or close on their own. */
export type ClientRouteKind = "call" | "models";

/**
 * The gate of every client route, in one step: the IP filter (403), then the API key (401 when invalid, or missing
 * while keys are required); the key found (or null) is set as `apiKey`. Not async: it adds no step to the chain.
 */
export function requireClient(deps: ClientAuthDeps, kind: ClientRouteKind = "call"): MiddlewareHandler {
  const refusedIp = ipCheck(deps);
  return function requireClient(c, next) {
    const ipRefusal = refusedIp(c);
    if (ipRefusal) throw ipRefusal;
    const secret = presentedKey(c.req.raw.headers, c.req.url);
    if (secret) {
      const key = deps.apiKeys.authenticate(secret);
      if (!key)
        throw new GatewayError("authentication", "Invalid API key. Create one in the dashboard (API keys) or with POST /api/keys.", {
          code: "invalid_api_key",
        });
      c.set("apiKey", key);
    } else {
      const settings = deps.settings.get();
      const forCalls = settings.requireApiKey ?? deps.config.requireApiKey;
      const required = kind === "models" ? (settings.requireApiKeyForModels ?? forCalls) : forCalls;
      if (required) {
        throw new GatewayError(
          "authentication",
          'An API key is required: send it as "Authorization: Bearer <key>" (or x-api-key / x-goog-api-key).',
          { code: "missing_api_key" },
        );
      }
      c.set("apiKey", null);
    }
    return next();
  };
}
