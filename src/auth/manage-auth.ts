// Guards /api/*: the dashboard's session cookie (with same-origin checks on writes) or a `manage`-scoped API key (`sync` for the cloud side of sync).
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { GatewayError } from "../canonical/errors.ts";
import type { ApiKeyStore } from "./key-store.ts";
import type { SessionTokens } from "./session.ts";
import type { SettingsStore } from "../settings/store.ts";
import { presentedKey } from "./client-auth.ts";
import { SESSION_COOKIE } from "./session.ts";

/** What tells a management caller in: API keys, dashboard sessions, and whether login is required. */
export interface ManagementAuthDeps {
  apiKeys: ApiKeyStore;
  sessions: SessionTokens;
  settings: Pick<SettingsStore, "get">;
}

/** Paths anyone may call: signing in needs no session. */
const OPEN_PATHS = new Set(["/api/auth/login", "/api/auth/logout", "/api/auth/status"]);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The cloud side of sync: a device's key needs only the `sync` scope here (`manage` works too). */
const SYNC_PATHS = new Set(["/api/sync/space", "/api/sync/state"]);

/** A browser write must come from our own origin: cross-site forms and fetches are refused. */
export function isSameOrigin(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (!origin) return true; // not a browser write (browsers send Origin on every cross-site POST)
  return origin === new URL(c.req.url).origin;
}

export async function hasSession(c: Context, deps: ManagementAuthDeps): Promise<boolean> {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? deps.sessions.verify(token) : false;
}

export function requireManagement(deps: ManagementAuthDeps): MiddlewareHandler {
  return async function requireManagement(c, next) {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const secret = presentedKey(c.req.raw.headers, c.req.url);
    if (secret) {
      const key = deps.apiKeys.authenticate(secret);
      if (!key) throw new GatewayError("authentication", "Invalid API key.", { code: "invalid_api_key" });
      const allowed = key.scopes.includes("manage") || (SYNC_PATHS.has(c.req.path) && key.scopes.includes("sync"));
      if (!allowed) {
        const needed = SYNC_PATHS.has(c.req.path) ? `"sync" or "manage" scope needed for ${c.req.path}` : `"manage" scope needed for /api`;
        throw new GatewayError("permission", `API key "${key.name}" lacks the ${needed}.`, { code: "missing_scope" });
      }
      c.set("authVia", "key");
      return next();
    }
    if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c)) {
      throw new GatewayError("permission", "Cross-site request refused: management writes must come from the dashboard's own origin.", {
        code: "csrf",
      });
    }
    if (await hasSession(c, deps)) {
      c.set("authVia", "cookie");
      return next();
    }
    if (!deps.settings.get().requireLogin) {
      c.set("authVia", "open");
      return next();
    }
    throw new GatewayError("authentication", "Sign in first (POST /api/auth/login) or send a manage-scoped API key as a Bearer token.", {
      code: "unauthenticated",
    });
  };
}
