// Keeps OAuth credentials fresh: refreshed a few minutes ahead of expiry and once more after a 401, one refresh
// per account at a time; a revoked refresh token marks the account "needs login" and routing skips it.
import { GatewayError } from "../../canonical/errors.ts";
import type { Account, Credentials } from "../../accounts/pool.ts";
import { getConnection, updateConnection } from "../../db/queries/connections.ts";
import type { Services } from "../../services.ts";
import { endpointOf } from "./endpoints.ts";
import { RefreshRevokedError, type FlowContext, type OAuthFlow } from "./types.ts";

/** Refresh this long before the access token expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

const inFlight = new Map<string, Promise<Credentials>>();

export function flowContext(services: Services, provider: string, signal?: AbortSignal): FlowContext {
  return { services, endpoint: (name) => endpointOf(services, provider, name), homeDir: services.homeDir, signal };
}

/** The account's credentials, refreshed first when they expire soon (or when `force`, after a 401). */
export async function freshCredentials(services: Services, account: Account, flow: OAuthFlow, opts: { force?: boolean } = {}): Promise<Credentials> {
  const expiresAt = account.credentials.expiresAt;
  const due = opts.force || (typeof expiresAt === "number" && expiresAt - Date.now() < REFRESH_AHEAD_MS);
  if (!due) return account.credentials;
  const running = inFlight.get(account.id);
  if (running) return running;
  const refresh = (async () => {
    try {
      const next = { ...account.credentials, ...(await flow.refresh(flowContext(services, flow.provider), account.credentials)) };
      saveCredentials(services, account, next);
      return next;
    } catch (err) {
      if (err instanceof RefreshRevokedError) {
        markNeedsLogin(services, account.id, err.message);
        throw new GatewayError("authentication", `Account "${account.name}" needs a new login (${err.message}). Reconnect it in the dashboard: Providers.`, { code: "needs_login" });
      }
      throw err;
    } finally {
      inFlight.delete(account.id);
    }
  })();
  inFlight.set(account.id, refresh);
  return refresh;
}

/** Seal and store new credentials, and use them at once for the account in memory. */
export function saveCredentials(services: Services, account: Account, credentials: Credentials): void {
  updateConnection(services.db, account.id, { credentials: services.secrets.seal(JSON.stringify(credentials)) });
  account.credentials = credentials;
}

/** The refresh token no longer works: keep the connection, skip it in routing, say why in the dashboard. */
export function markNeedsLogin(services: Services, connectionId: string, reason: string): void {
  const row = getConnection(services.db, connectionId);
  if (!row) return;
  updateConnection(services.db, connectionId, { metadata: { ...row.metadata, needsLogin: true, loginError: reason, loginErrorAt: Date.now() } });
  services.accounts.reload();
}
