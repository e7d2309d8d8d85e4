// Queries for budgets, and the spend of a key since a moment (to seed the in-memory totals at startup).
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { budgets } from "../schema.ts";
import { usageInRangeNow } from "./usage-range.ts";

export type BudgetRow = typeof budgets.$inferSelect;

export function listBudgets(db: Db): BudgetRow[] {
  return db.select().from(budgets).all();
}

export function upsertBudget(db: Db, row: typeof budgets.$inferInsert): BudgetRow {
  return db
    .insert(budgets)
    .values(row)
    .onConflictDoUpdate({ target: [budgets.keyId, budgets.period], set: { limitUsd: row.limitUsd, warnAt: row.warnAt } })
    .returning()
    .get();
}

export function deleteBudget(db: Db, keyId: string, period: BudgetRow["period"]): boolean {
  return (
    db
      .delete(budgets)
      .where(and(eq(budgets.keyId, keyId), eq(budgets.period, period)))
      .returning({ k: budgets.keyId })
      .all().length > 0
  );
}

/**
 * What a key spent from `since` on (a period start, a UTC midnight): whole days from usage_daily plus the rows not
 * rolled up yet, so it costs the same whatever the history, and stays exact whatever the retention.
 */
export function spentSince(db: Db, keyId: string, since: number): number {
  return usageInRangeNow(db, { groupBy: "none", from: since, keyId })[0]?.costUsd ?? 0;
}
