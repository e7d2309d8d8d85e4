// Queries for api_keys. Only hashes are stored.
import { asc, eq } from "drizzle-orm";
import type { apiKeys } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function listApiKeys(s: Store): Promise<ApiKeyRow[]> {
  const k = s.t.apiKeys;
  return await s.db.select().from(k).orderBy(asc(k.createdAt));
}

export async function insertApiKey(s: Store, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const inserted = first(await s.db.insert(s.t.apiKeys).values(row).returning());
  if (!inserted) throw new Error("the API key was not stored");
  return inserted;
}

export async function updateApiKey(
  s: Store,
  id: string,
  patch: Partial<Pick<ApiKeyRow, "name" | "keyHash" | "keyPrefix" | "scopes">>,
): Promise<ApiKeyRow | undefined> {
  const k = s.t.apiKeys;
  return first(await s.db.update(k).set(patch).where(eq(k.id, id)).returning());
}

export async function deleteApiKey(s: Store, id: string): Promise<boolean> {
  const k = s.t.apiKeys;
  return (await s.db.delete(k).where(eq(k.id, id)).returning({ id: k.id })).length > 0;
}

export async function touchApiKey(s: Store, id: string, at: number): Promise<void> {
  const k = s.t.apiKeys;
  await s.db.update(k).set({ lastUsedAt: at }).where(eq(k.id, id));
}

/** Re-store a key under another hash (a key from before API_KEY_SECRET was generated, upgraded on its first use). */
export async function updateApiKeyHash(s: Store, id: string, keyHash: string): Promise<void> {
  const k = s.t.apiKeys;
  await s.db.update(k).set({ keyHash }).where(eq(k.id, id));
}
