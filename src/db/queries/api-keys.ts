// Queries for api_keys. Only hashes are stored.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys } from "../schema.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function listApiKeys(db: Db): ApiKeyRow[] {
  return db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt)).all();
}

export function insertApiKey(db: Db, row: typeof apiKeys.$inferInsert): ApiKeyRow {
  return db.insert(apiKeys).values(row).returning().get();
}

export function updateApiKey(
  db: Db,
  id: string,
  patch: Partial<Pick<ApiKeyRow, "name" | "keyHash" | "keyPrefix" | "scopes">>,
): ApiKeyRow | undefined {
  return db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning().get();
}

export function deleteApiKey(db: Db, id: string): boolean {
  return db.delete(apiKeys).where(eq(apiKeys.id, id)).returning({ id: apiKeys.id }).all().length > 0;
}

export function touchApiKey(db: Db, id: string, at: number): void {
  db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
}

/** Re-store a key under another hash (a key from before API_KEY_SECRET was generated, upgraded on its first use). */
export function updateApiKeyHash(db: Db, id: string, keyHash: string): void {
  db.update(apiKeys).set({ keyHash }).where(eq(apiKeys.id, id)).run();
}
