// Queries for provider_connections. Credentials stay sealed here; services open them.
import { asc, eq } from "drizzle-orm";
import type { providerConnections } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type ConnectionRow = typeof providerConnections.$inferSelect;
export type NewConnectionRow = typeof providerConnections.$inferInsert;

export async function listConnections(s: Store, provider?: string): Promise<ConnectionRow[]> {
  const c = s.t.providerConnections;
  const q = s.db.select().from(c);
  return await (provider ? q.where(eq(c.provider, provider)) : q).orderBy(asc(c.provider), asc(c.priority), asc(c.createdAt));
}

export async function getConnection(s: Store, id: string): Promise<ConnectionRow | undefined> {
  const c = s.t.providerConnections;
  return first(await s.db.select().from(c).where(eq(c.id, id)));
}

export async function insertConnection(s: Store, row: NewConnectionRow): Promise<ConnectionRow> {
  const inserted = first(await s.db.insert(s.t.providerConnections).values(row).returning());
  if (!inserted) throw new Error("the connection was not stored");
  return inserted;
}

export async function updateConnection(s: Store, id: string, patch: Partial<NewConnectionRow>): Promise<ConnectionRow | undefined> {
  const c = s.t.providerConnections;
  return first(
    await s.db
      .update(c)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(c.id, id))
      .returning(),
  );
}

export async function deleteConnection(s: Store, id: string): Promise<boolean> {
  const c = s.t.providerConnections;
  return (await s.db.delete(c).where(eq(c.id, id)).returning({ id: c.id })).length > 0;
}

export async function touchConnection(s: Store, id: string, at: number): Promise<void> {
  const c = s.t.providerConnections;
  await s.db.update(c).set({ lastUsedAt: at }).where(eq(c.id, id));
}
