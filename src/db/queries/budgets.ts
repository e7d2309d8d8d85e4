// Queries for budgets, and the spend of a key since a moment (to seed the in-memory totals at startup).
import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { budgets, usageLog } from "../schema.ts";

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

export function spentSince(db: Db, keyId: string, since: number): number {
  const row = db
    .select({ total: sql<number>`coalesce(sum(${usageLog.costUsd}), 0)` })
    .from(usageLog)
    .where(and(eq(usageLog.keyId, keyId), gte(usageLog.ts, since)))
    .get();
  return row?.total ?? 0;
}
