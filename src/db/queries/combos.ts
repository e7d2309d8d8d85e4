// Queries for combos.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { combos } from "../schema.ts";

export type ComboRow = typeof combos.$inferSelect;
export type NewComboRow = typeof combos.$inferInsert;

export function listCombos(db: Db): ComboRow[] {
  return db.select().from(combos).orderBy(asc(combos.name)).all();
}

export function getCombo(db: Db, id: string): ComboRow | undefined {
  return db.select().from(combos).where(eq(combos.id, id)).get();
}

export function insertCombo(db: Db, row: NewComboRow): ComboRow {
  return db.insert(combos).values(row).returning().get();
}

export function updateCombo(db: Db, id: string, patch: Partial<NewComboRow>): ComboRow | undefined {
  return db
    .update(combos)
    .set({ ...patch, updatedAt: Date.now() })
    .where(eq(combos.id, id))
    .returning()
    .get();
}

export function deleteCombo(db: Db, id: string): boolean {
  return db.delete(combos).where(eq(combos.id, id)).returning({ id: combos.id }).all().length > 0;
}
