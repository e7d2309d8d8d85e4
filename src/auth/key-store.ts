// Client API keys in memory by hash, so authenticating a request costs one HMAC and one map lookup.
import type { Db } from "../db/client.ts";
import {
  deleteApiKey,
  insertApiKey,
  listApiKeys,
  touchApiKey,
  updateApiKey,
  updateApiKeyHash,
  type ApiKeyRow,
} from "../db/queries/api-keys.ts";
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
  list(): ApiKeyRow[];
  /** A key's name by its id, from memory (logs and metrics name keys without reading the database). */
  nameOf(id: string): string | undefined;
  create(name: string, scopes: string[]): { row: ApiKeyRow; key: string };
  /** A key whose value the caller chose (the configuration file's, from the environment); stored hashed like any other. */
  createWithKey(name: string, scopes: string[], key: string): ApiKeyRow;
  /** Rename, rescope or give a key a new value (hashed). */
  update(id: string, patch: { name?: string; scopes?: string[]; key?: string }): ApiKeyRow | undefined;
  /** Whether `key` is the value of the stored key `row`. */
  matches(row: ApiKeyRow, key: string): boolean;
  remove(id: string): boolean;
  /** Write lastUsedAt of keys used since the last flush. */
  flush(): void;
  reload(): void;
}

/** `legacyHash`: the hash keys were stored under before API_KEY_SECRET was generated; a key found by it is re-stored under `hashKey`. */
export function createApiKeyStore(db: Db, hashKey: (key: string) => string, legacyHash?: (key: string) => string): ApiKeyStore {
  let byHash = new Map<string, ApiKey>();
  let names = new Map<string, string>();
  const used = new Map<string, number>();
  const reload = () => {
    const rows = listApiKeys(db);
    byHash = new Map(rows.map((row) => [row.keyHash, { id: row.id, name: row.name, scopes: row.scopes }]));
    names = new Map(rows.map((row) => [row.id, row.name]));
  };
  reload();
  return {
    authenticate(secret) {
      let key = byHash.get(hashKey(secret));
      if (!key && legacyHash) {
        const old = legacyHash(secret);
        key = byHash.get(old);
        if (key) {
          updateApiKeyHash(db, key.id, hashKey(secret));
          reload();
        }
      }
      if (key) used.set(key.id, Date.now());
      return key;
    },
    list: () => listApiKeys(db),
    nameOf: (id) => names.get(id),
    create(name, scopes) {
      const key = generateApiKey();
      const row = insertApiKey(db, { id: Bun.randomUUIDv7(), name, keyHash: hashKey(key), keyPrefix: key.slice(0, 12), scopes });
      reload();
      return { row, key };
    },
    createWithKey(name, scopes, key) {
      const row = insertApiKey(db, { id: Bun.randomUUIDv7(), name, keyHash: hashKey(key), keyPrefix: key.slice(0, 12), scopes });
      reload();
      return row;
    },
    update(id, patch) {
      const { key, ...rest } = patch;
      const row = updateApiKey(db, id, { ...rest, ...(key === undefined ? {} : { keyHash: hashKey(key), keyPrefix: key.slice(0, 12) }) });
      reload();
      return row;
    },
    matches: (row, key) => row.keyHash === hashKey(key),
    remove(id) {
      const removed = deleteApiKey(db, id);
      if (removed) reload();
      return removed;
    },
    flush() {
      for (const [id, at] of used) touchApiKey(db, id, at);
      used.clear();
    },
    reload,
  };
}
