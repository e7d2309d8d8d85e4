// Queries for provider_nodes (custom providers).
import { asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { providerNodes } from "../schema.ts";

export type ProviderNodeRow = typeof providerNodes.$inferSelect;
export type NewProviderNodeRow = typeof providerNodes.$inferInsert;

export function listProviderNodes(db: Db): ProviderNodeRow[] {
  return db.select().from(providerNodes).orderBy(asc(providerNodes.prefix)).all();
}

export function getProviderNode(db: Db, id: string): ProviderNodeRow | undefined {
  return db.select().from(providerNodes).where(eq(providerNodes.id, id)).get();
}

export function insertProviderNode(db: Db, row: NewProviderNodeRow): ProviderNodeRow {
  return db.insert(providerNodes).values(row).returning().get();
}

export function updateProviderNode(db: Db, id: string, patch: Partial<NewProviderNodeRow>): ProviderNodeRow | undefined {
  return db
    .update(providerNodes)
    .set({ ...patch, updatedAt: Date.now() })
    .where(eq(providerNodes.id, id))
    .returning()
    .get();
}

export function deleteProviderNode(db: Db, id: string): boolean {
  return db.delete(providerNodes).where(eq(providerNodes.id, id)).returning({ id: providerNodes.id }).all().length > 0;
}

/** Replace a node's stored headers without touching updatedAt (sealing them changes nothing a person sees). */
export function setProviderNodeHeaders(db: Db, id: string, headers: string | null): void {
  db.update(providerNodes).set({ headers }).where(eq(providerNodes.id, id)).run();
}
