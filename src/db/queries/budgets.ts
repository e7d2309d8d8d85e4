// Queries for budgets, and the spend of a key since a moment (the shared tables' truth the in-memory totals start from).
import { and, eq } from "drizzle-orm";
import type { budgets } from "../schema.ts";
import { first, type Store } from "../store.ts";
import { usageInRangeNow } from "./usage-range.ts";

export type BudgetRow = typeof budgets.$inferSelect;

export async function listBudgets(s: Store): Promise<BudgetRow[]> {
  return s.db.select().from(s.t.budgets);
}

export async function upsertBudget(s: Store, row: typeof budgets.$inferInsert): Promise<BudgetRow> {
  const b = s.t.budgets;
  const saved = first(
    await s.db
      .insert(b)
      .values(row)
      .onConflictDoUpdate({ target: [b.keyId, b.period], set: { limitUsd: row.limitUsd, warnAt: row.warnAt } })
      .returning(),
  );
  if (!saved) throw new Error(`the budget of key ${row.keyId} was not saved`);
  return saved;
}

export async function deleteBudget(s: Store, keyId: string, period: BudgetRow["period"]): Promise<boolean> {
  const b = s.t.budgets;
  const gone = await s.db
    .delete(b)
    .where(and(eq(b.keyId, keyId), eq(b.period, period)))
    .returning({ k: b.keyId });
  return gone.length > 0;
}

/**
 * What a key spent from `since` on (a period start, a UTC midnight): whole days from usage_daily plus the rows not
 * rolled up yet, so it costs the same whatever the history, and stays exact whatever the retention. On PostgreSQL
 * these are every instance's rows.
 */
export async function spentSince(s: Store, keyId: string, since: number): Promise<number> {
  return (await usageInRangeNow(s, { groupBy: "none", from: since, keyId }))[0]?.costUsd ?? 0;
}
