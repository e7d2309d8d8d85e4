// Keeps OAuth credentials fresh: refreshed a few minutes ahead of expiry and once more after a 401, one refresh
// per account at a time; a revoked refresh token marks the account "needs login" and routing skips it.
import { GatewayError } from "../../canonical/errors.ts";
import type { Account, Credentials } from "../../accounts/pool.ts";
import type { SecretBox } from "../../auth/secret-box.ts";
import type { ChangeArea } from "../../db/change-feed.ts";
import { getConnection, updateConnection } from "../../db/queries/connections.ts";
import type { Store } from "../../db/store.ts";
import { RefreshRevokedError, type FlowContext, type OAuthFlow } from "./types.ts";

/** Refresh this long before the access token expires. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export interface CredentialKeeper {
  /** The account's credentials, refreshed first when they expire soon (or when `force`, after a 401). */
  fresh(account: Account, flow: OAuthFlow, opts?: { force?: boolean }): Promise<Credentials>;
  /** Seal and store new credentials, and use them at once for the account in memory (the other instances reload). */
  save(account: Account, credentials: Credentials): Promise<void>;
  /** The refresh token no longer works: keep the connection, skip it in routing, say why in the dashboard. */
  markNeedsLogin(connectionId: string, reason: string): Promise<void>;
}

/**
 * One refresh per account at a time across every gateway that shares the lock (REDIS_URL). Without it, the single
 * flight below is the lock: one refresh per account in this process.
 */
export interface RefreshLock {
  /**
   * Runs `refresh` holding the account's lock (it lapses after a timeout should this process die). When another
   * instance holds it, waits for its release (at most that timeout) and runs `afterOther` instead.
   */
  exclusive<T>(accountId: string, refresh: () => Promise<T>, afterOther: () => Promise<T>): Promise<T>;
}

export interface CredentialKeeperDeps {
  store: Store;
  secrets: SecretBox;
  /** Re-read the account pool after a connection changed here, and tell the other instances. */
  accountsChanged(): Promise<void>;
  /** Tell the other instances a connection changed (its credentials were refreshed here). */
  changed(area: ChangeArea): void;
  flowContext(provider: string): FlowContext;
  /** Shared by several instances (REDIS_URL); absent: this process's single flight is enough. */
  refreshLock?: RefreshLock;
}

/** One per gateway: refreshes in flight are shared by the calls of that gateway's accounts only. */
export function createCredentialKeeper(deps: CredentialKeeperDeps): CredentialKeeper {
  const inFlight = new Map<string, Promise<Credentials>>();
  const keeper: CredentialKeeper = {
    async fresh(account, flow, opts = {}) {
      const expiresAt = account.credentials.expiresAt;
      const due = opts.force || (typeof expiresAt === "number" && expiresAt - Date.now() < REFRESH_AHEAD_MS);
      if (!due) return account.credentials;
      const running = inFlight.get(account.id);
      if (running) return running;
      const refreshNow = async () => {
        const next = { ...account.credentials, ...(await flow.refresh(deps.flowContext(flow.provider), account.credentials)) };
        await keeper.save(account, next);
        return next;
      };
      // Another instance refreshed while this one waited: its tokens are in the database (a rotated refresh token
      // must not be used twice). Refresh here only when it left nothing newer.
      const afterOther = async () => {
        const sealed = (await getConnection(deps.store, account.id))?.credentials;
        const stored = sealed ? (JSON.parse(deps.secrets.open(sealed)) as Credentials) : {};
        if (stored.accessToken && stored.accessToken !== account.credentials.accessToken) {
          account.credentials = stored;
          return stored;
        }
        return refreshNow();
      };
      const refresh = (async () => {
        try {
          return await (deps.refreshLock ? deps.refreshLock.exclusive(account.id, refreshNow, afterOther) : refreshNow());
        } catch (err) {
          if (err instanceof RefreshRevokedError) {
            await keeper.markNeedsLogin(account.id, err.message);
            throw new GatewayError(
              "authentication",
              `Account "${account.name}" needs a new login (${err.message}). Reconnect it in the dashboard: Providers.`,
              { code: "needs_login" },
            );
          }
          throw err;
        } finally {
          inFlight.delete(account.id);
        }
      })();
      inFlight.set(account.id, refresh);
      return refresh;
    },
    async save(account, credentials) {
      await updateConnection(deps.store, account.id, { credentials: deps.secrets.seal(JSON.stringify(credentials)) });
      account.credentials = credentials;
      deps.changed("connections");
    },
    async markNeedsLogin(connectionId, reason) {
      const row = await getConnection(deps.store, connectionId);
      if (!row) return;
      await updateConnection(deps.store, connectionId, {
        metadata: { ...row.metadata, needsLogin: true, loginError: reason, loginErrorAt: Date.now() },
      });
      await deps.accountsChanged();
    },
  };
  return keeper;
}
