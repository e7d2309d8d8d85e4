// Queries for provider_connections. Credentials stay sealed here; services open them.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { providerConnections } from "../schema.ts";

export type ConnectionRow = typeof providerConnections.$inferSelect;
export type NewConnectionRow = typeof providerConnections.$inferInsert;

export function listConnections(db: Db, provider?: string): ConnectionRow[] {
  const q = db.select().from(providerConnections);
  return (provider ? q.where(eq(providerConnections.provider, provider)) : q)
    .orderBy(asc(providerConnections.provider), asc(providerConnections.priority), asc(providerConnections.createdAt))
    .all();
}

export function getConnection(db: Db, id: string): ConnectionRow | undefined {
  return db.select().from(providerConnections).where(eq(providerConnections.id, id)).get();
}

export function insertConnection(db: Db, row: NewConnectionRow): ConnectionRow {
  return db.insert(providerConnections).values(row).returning().get();
}

export function updateConnection(db: Db, id: string, patch: Partial<NewConnectionRow>): ConnectionRow | undefined {
  return db
    .update(providerConnections)
    .set({ ...patch, updatedAt: Date.now() })
    .where(eq(providerConnections.id, id))
    .returning()
    .get();
}

export function deleteConnection(db: Db, id: string): boolean {
  return db.delete(providerConnections).where(eq(providerConnections.id, id)).returning({ id: providerConnections.id }).all().length > 0;
}

export function touchConnection(db: Db, id: string, at: number): void {
  db.update(providerConnections)
    .set({ lastUsedAt: at })
    .where(and(eq(providerConnections.id, id)))
    .run();
}
