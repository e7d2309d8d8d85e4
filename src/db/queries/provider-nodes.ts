// Queries for provider_nodes (custom providers).
import { asc, eq } from "drizzle-orm";
import type { providerNodes } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type ProviderNodeRow = typeof providerNodes.$inferSelect;
export type NewProviderNodeRow = typeof providerNodes.$inferInsert;

export async function listProviderNodes(s: Store): Promise<ProviderNodeRow[]> {
  const n = s.t.providerNodes;
  return await s.db.select().from(n).orderBy(asc(n.prefix));
}

export async function getProviderNode(s: Store, id: string): Promise<ProviderNodeRow | undefined> {
  const n = s.t.providerNodes;
  return first(await s.db.select().from(n).where(eq(n.id, id)));
}

export async function insertProviderNode(s: Store, row: NewProviderNodeRow): Promise<ProviderNodeRow> {
  const inserted = first(await s.db.insert(s.t.providerNodes).values(row).returning());
  if (!inserted) throw new Error("the provider node was not stored");
  return inserted;
}

export async function updateProviderNode(s: Store, id: string, patch: Partial<NewProviderNodeRow>): Promise<ProviderNodeRow | undefined> {
  const n = s.t.providerNodes;
  return first(
    await s.db
      .update(n)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(n.id, id))
      .returning(),
  );
}

export async function deleteProviderNode(s: Store, id: string): Promise<boolean> {
  const n = s.t.providerNodes;
  return (await s.db.delete(n).where(eq(n.id, id)).returning({ id: n.id })).length > 0;
}

/** Replace a node's stored headers without touching updatedAt (sealing them changes nothing a person sees). */
export async function setProviderNodeHeaders(s: Store, id: string, headers: string | null): Promise<void> {
  const n = s.t.providerNodes;
  await s.db.update(n).set({ headers }).where(eq(n.id, id));
}
