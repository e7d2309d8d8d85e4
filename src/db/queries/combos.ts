// Queries for combos.
import { asc, eq } from "drizzle-orm";
import type { combos } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type ComboRow = typeof combos.$inferSelect;
export type NewComboRow = typeof combos.$inferInsert;

export async function listCombos(s: Store): Promise<ComboRow[]> {
  const c = s.t.combos;
  return await s.db.select().from(c).orderBy(asc(c.name));
}

export async function getCombo(s: Store, id: string): Promise<ComboRow | undefined> {
  const c = s.t.combos;
  return first(await s.db.select().from(c).where(eq(c.id, id)));
}

export async function insertCombo(s: Store, row: NewComboRow): Promise<ComboRow> {
  const inserted = first(await s.db.insert(s.t.combos).values(row).returning());
  if (!inserted) throw new Error("the combo was not stored");
  return inserted;
}

export async function updateCombo(s: Store, id: string, patch: Partial<NewComboRow>): Promise<ComboRow | undefined> {
  const c = s.t.combos;
  return first(
    await s.db
      .update(c)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(c.id, id))
      .returning(),
  );
}

export async function deleteCombo(s: Store, id: string): Promise<boolean> {
  const c = s.t.combos;
  return (await s.db.delete(c).where(eq(c.id, id)).returning({ id: c.id })).length > 0;
}
