// Queries for budgets, and the spend of a key since a moment (to seed the in-memory totals at startup).
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { budgets } from "../schema.ts";
import { historyBounds, utcDay } from "./usage-history.ts";

export type BudgetRow = typeof budgets.$inferSelect;

export function listBudgets(db: Db): BudgetRow[] {
  return db.select().from(budgets).all();
}

export function upsertBudget(db: Db, row: typeof budgets.$inferInsert): BudgetRow {
  return db.insert(budgets)
    .values(row)
    .onConflictDoUpdate({ target: [budgets.keyId, budgets.period], set: { limitUsd: row.limitUsd, warnAt: row.warnAt } })
    .returning()
    .get();
}

export function deleteBudget(db: Db, keyId: string, period: BudgetRow["period"]): boolean {
  return db.delete(budgets).where(and(eq(budgets.keyId, keyId), eq(budgets.period, period))).returning({ k: budgets.keyId }).all().length > 0;
}

/**
 * What a key spent from `since` on. Budget periods start at UTC midnight, so days whose raw rows were pruned
 * are added whole from usage_daily and the sum stays exact whatever the retention (see HistoryBounds).
 */
export function spentSince(db: Db, keyId: string, since: number): number {
  const b = historyBounds(db);
  const row = db.$client
    .query(
      `select (select coalesce(sum(cost_usd), 0) from usage_log where key_id = ? and ts >= ? and (ts >= ? or id > ?))
            + (select coalesce(sum(cost_usd), 0) from usage_daily where key_id = ? and day >= ? and day < ?) as total`,
    )
    .get(keyId, since, b.rawFrom, b.rolledUpTo, keyId, utcDay(since), b.rawFromDay) as { total: number } | null;
  return row?.total ?? 0;
}
