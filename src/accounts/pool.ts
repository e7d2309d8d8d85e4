// The account pool in memory: active connections per provider with their opened credentials,
// beside (not inside) their live state. Reloaded whenever a connection is written.
import type { SecretBox } from "../auth/secret-box.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import { listConnections, touchConnection, type ConnectionRow } from "../db/queries/connections.ts";
import type { Store } from "../db/store.ts";
import { openConnectionProxy, type ProxyServer } from "../network/proxy-config.ts";

export interface Credentials {
  apiKey?: string;
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: number;
  [field: string]: unknown;
}

export interface Account {
  id: string;
  provider: string;
  name: string;
  priority: number;
  baseUrl: string | null;
  credentials: Credentials;
  limits: ConnectionRow["limits"];
  /** The connection's own outbound proxy (see src/network/proxy-resolve.ts for where it ranks). */
  proxy?: ProxyServer;
  /** Non-secret facts kept with the connection (e.g. Gemini CLI's Code Assist project), as of the last load. */
  metadata?: ConnectionRow["metadata"];
}

export interface AccountLiveState {
  inFlight: number;
  lastUsedAt: number;
}

export interface AccountPool {
  /** Active accounts of a provider, by priority. */
  accountsOf(provider: string): readonly Account[];
  live(accountId: string): AccountLiveState;
  markUsed(accountId: string, at: number): void;
  /** Re-read the connections (after a write here, or another instance's). */
  reload(): Promise<void>;
  /** A connection was written here: reload, then tell the other instances. */
  changed(): Promise<void>;
  /** Write lastUsedAt of used accounts to the database (called periodically and at shutdown). */
  flush(): Promise<void>;
}

export function openCredentials(secrets: SecretBox, sealed: string | null): Credentials {
  if (!sealed) return {};
  try {
    return JSON.parse(secrets.open(sealed)) as Credentials;
  } catch {
    // A credential sealed under another ENCRYPTION_KEY cannot be used; the connection test says so.
    return {};
  }
}

/** Loaded before it is returned; `changed` tells the other instances when a connection was written here. */
export async function createAccountPool(
  store: Store,
  secrets: SecretBox,
  changed: (area: ChangeArea) => void = () => {},
): Promise<AccountPool> {
  let byProvider = new Map<string, Account[]>();
  const liveState = new Map<string, AccountLiveState>();
  const dirty = new Set<string>();
  /** Last-used times are kept strictly increasing so "least recently used" never ties within a millisecond. */
  let lastStamp = 0;

  async function reload() {
    const next = new Map<string, Account[]>();
    for (const row of await listConnections(store)) {
      // Inactive accounts, and OAuth accounts whose refresh token was revoked, are not routed to.
      if (!row.isActive || row.metadata?.needsLogin === true) continue;
      const account: Account = {
        id: row.id,
        provider: row.provider,
        name: row.name,
        priority: row.priority,
        baseUrl: row.baseUrl,
        credentials: openCredentials(secrets, row.credentials),
        limits: row.limits,
        proxy: openConnectionProxy(secrets, row.proxy),
        metadata: row.metadata,
      };
      const list = next.get(row.provider) ?? [];
      list.push(account);
      next.set(row.provider, list);
      if (!liveState.has(row.id)) liveState.set(row.id, { inFlight: 0, lastUsedAt: row.lastUsedAt ?? 0 });
    }
    byProvider = next;
  }
  await reload();

  const pool: AccountPool = {
    accountsOf: (provider) => byProvider.get(provider) ?? [],
    live(accountId) {
      let state = liveState.get(accountId);
      if (!state) liveState.set(accountId, (state = { inFlight: 0, lastUsedAt: 0 }));
      return state;
    },
    markUsed(accountId, at) {
      lastStamp = Math.max(at, lastStamp + 1);
      pool.live(accountId).lastUsedAt = lastStamp;
      dirty.add(accountId);
    },
    reload,
    async changed() {
      await reload();
      changed("connections");
    },
    async flush() {
      const used = [...dirty];
      dirty.clear();
      try {
        for (const id of used) await touchConnection(store, id, liveState.get(id)?.lastUsedAt ?? Date.now());
      } catch (err) {
        for (const id of used) dirty.add(id); // written at the next flush
        throw err;
      }
    },
  };
  return pool;
}
