// Client API keys in memory by hash, so authenticating a request costs one HMAC and one map lookup.
import type { ChangeArea } from "../db/change-feed.ts";
import {
  deleteApiKey,
  insertApiKey,
  listApiKeys,
  touchApiKey,
  updateApiKey,
  updateApiKeyHash,
  type ApiKeyRow,
} from "../db/queries/api-keys.ts";
import type { Store } from "../db/store.ts";
import { log } from "../log.ts";
import { generateApiKey } from "./api-key-hash.ts";

/** What a key may do besides client calls: `manage` opens /api; `sync` only the cloud side of sync (/api/sync/space and /state). */
export const KEY_SCOPES = ["manage", "sync"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  scopes: readonly string[];
}

export interface ApiKeyStore {
  /** The key a presented secret belongs to, or undefined. */
  authenticate(secret: string): ApiKey | undefined;
  /** The keys, from memory: last-used times as this instance saw them (another's within its flush and a reload). */
  list(): ApiKeyRow[];
  /** A key's name by its id, from memory (logs and metrics name keys without reading the database). */
  nameOf(id: string): string | undefined;
  create(name: string, scopes: string[]): Promise<{ row: ApiKeyRow; key: string }>;
  /** A key whose value the caller chose (the configuration file's, from the environment); stored hashed like any other. */
  createWithKey(name: string, scopes: string[], key: string): Promise<ApiKeyRow>;
  /** Rename, rescope or give a key a new value (hashed). */
  update(id: string, patch: { name?: string; scopes?: string[]; key?: string }): Promise<ApiKeyRow | undefined>;
  /** Whether `key` is the value of the stored key `row`. */
  matches(row: ApiKeyRow, key: string): boolean;
  remove(id: string): Promise<boolean>;
  /** Write lastUsedAt of keys used since the last flush. */
  flush(): Promise<void>;
  /** Re-read the keys (another instance created, changed or revoked one, or an import). */
  reload(): Promise<void>;
}

/**
 * `legacyHash`: the hash keys were stored under before API_KEY_SECRET was generated; a key found by it is re-stored
 * under `hashKey`. Loaded before it is returned; `changed` tells the other instances after a key was written here.
 */
export async function createApiKeyStore(
  store: Store,
  hashKey: (key: string) => string,
  legacyHash?: (key: string) => string,
  changed: (area: ChangeArea) => void = () => {},
): Promise<ApiKeyStore> {
  let byHash = new Map<string, ApiKey>();
  let names = new Map<string, string>();
  let rows: ApiKeyRow[] = [];
  /** Used since the last flush (written then); `lastSeen` keeps every use this instance saw, for `list`. */
  const used = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  const reload = async () => {
    rows = await listApiKeys(store);
    byHash = new Map(rows.map((row) => [row.keyHash, { id: row.id, name: row.name, scopes: row.scopes }]));
    names = new Map(rows.map((row) => [row.id, row.name]));
  };
  const wrote = async () => {
    await reload();
    changed("keys");
  };
  await reload();
  const keys: ApiKeyStore = {
    authenticate(secret) {
      let key = byHash.get(hashKey(secret));
      if (!key && legacyHash) {
        const old = legacyHash(secret);
        key = byHash.get(old);
        if (key) {
          // Found under its old hash: served now from memory, re-stored under the new one in the background.
          byHash.delete(old);
          byHash.set(hashKey(secret), key);
          const id = key.id;
          updateApiKeyHash(store, id, hashKey(secret))
            .then(wrote)
            .catch((err: unknown) =>
              log.warn("an API key's upgraded hash was not stored; tried again after the next reload or restart", {
                id,
                error: String(err),
              }),
            );
        }
      }
      if (key) {
        const at = Date.now();
        used.set(key.id, at);
        lastSeen.set(key.id, at);
      }
      return key;
    },
    list: () =>
      rows.map((row) => {
        const seen = lastSeen.get(row.id);
        return seen !== undefined && seen > (row.lastUsedAt ?? 0) ? { ...row, lastUsedAt: seen } : row;
      }),
    nameOf: (id) => names.get(id),
    async create(name, scopes) {
      const key = generateApiKey();
      return { row: await keys.createWithKey(name, scopes, key), key };
    },
    async createWithKey(name, scopes, key) {
      const row = await insertApiKey(store, { id: Bun.randomUUIDv7(), name, keyHash: hashKey(key), keyPrefix: key.slice(0, 12), scopes });
      await wrote();
      return row;
    },
    async update(id, patch) {
      const { key, ...rest } = patch;
      const row = await updateApiKey(store, id, {
        ...rest,
        ...(key === undefined ? {} : { keyHash: hashKey(key), keyPrefix: key.slice(0, 12) }),
      });
      await wrote();
      return row;
    },
    matches: (row, key) => row.keyHash === hashKey(key),
    async remove(id) {
      const removed = await deleteApiKey(store, id);
      if (removed) await wrote();
      return removed;
    },
    async flush() {
      const batch = [...used];
      used.clear();
      try {
        for (const [id, at] of batch) await touchApiKey(store, id, at);
      } catch (err) {
        for (const [id, at] of batch) if (!used.has(id)) used.set(id, at); // written at the next flush
        throw err;
      }
    },
    reload,
  };
  return keys;
}
