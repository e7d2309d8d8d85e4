// Copies every table from one store to another (SQLite to PostgreSQL and back): how an export leaves PostgreSQL and an import reaches it.
import { asc, gt, notInArray, sql, type Column } from "drizzle-orm";
import type { Store, Tables } from "./store.ts";

/** Rows read from the source at a time (a 10M-row usage_log streams through in pages). */
const PAGE = 5_000;
/** Rows per insert: usage_log has 23 columns, and PostgreSQL takes at most 65,535 parameters per statement. */
const INSERT_BATCH = 1_000;

type TableName = {
  [K in keyof Tables]: Tables[K] extends { _: { brand: "Table" } } ? K : never;
}[keyof Tables];

interface CopiedTable {
  name: TableName;
  /** The columns that order its rows uniquely (its key) in a store's tables, so pages never skip or repeat a row. */
  order: (t: Tables) => Column[];
}

const table = <K extends TableName>(name: K, order: (t: Tables[K]) => Column[]): CopiedTable => ({ name, order: (t) => order(t[name]) });

/**
 * Every table an export carries, parents before children (budgets reference api_keys). The migrations' own
 * history is each database's own. test/db/copy-tables.test.ts fails when a table of schema.ts is missing here.
 */
export const COPIED_TABLES: readonly CopiedTable[] = [
  table("settings", (t) => [t.key]),
  table("providerNodes", (t) => [t.id]),
  table("providerConnections", (t) => [t.id]),
  table("providerModels", (t) => [t.provider, t.modelId]),
  table("combos", (t) => [t.id]),
  table("apiKeys", (t) => [t.id]),
  table("budgets", (t) => [t.keyId, t.period]),
  table("usageLog", (t) => [t.id]),
  table("usageDaily", (t) => [t.day, t.keyId, t.provider, t.model]),
  table("usageHourly", (t) => [t.hour, t.keyId, t.provider, t.model]),
  table("resilienceState", (t) => [t.key]),
  table("syncSpaces", (t) => [t.space]),
  table("syncDocuments", (t) => [t.space, t.id]),
  table("configFileObjects", (t) => [t.kind, t.objectId]),
];

export interface CopyOptions {
  /** Tables left as the target has them (an import keeps the gateway's own breaker snapshot). */
  keepTables?: ReadonlySet<TableName>;
  /** Settings keys left as the target has them (an import keeps the dashboard password and sessions). */
  keepSettings?: readonly string[];
}

/**
 * Replaces the target's rows of every copied table with the source's, in one transaction on the target: a
 * failure half-way leaves the target as it was. The target's schema must be current (both stores migrated).
 * On PostgreSQL, usage_log's identity then continues after the highest id copied. The source is read page by
 * page while the target's transaction is open, so the source should be one nothing else writes (an uploaded
 * file, a temporary copy). Returns the rows now in each table, by SQL name.
 */
export async function copyTables(from: Store, to: Store, opts: CopyOptions = {}): Promise<Record<string, number>> {
  const keepSettings = opts.keepSettings ?? [];
  const copied = COPIED_TABLES.filter((c) => !opts.keepTables?.has(c.name));
  return to.transaction(async (tx) => {
    // Children first: emptying api_keys would cascade into budgets anyway.
    for (const c of [...copied].reverse()) {
      const target = tx.t[c.name];
      if (c.name === "settings" && keepSettings.length)
        await tx.db.delete(tx.t.settings).where(notInArray(tx.t.settings.key, [...keepSettings]));
      else await tx.db.delete(target);
    }
    const counts: Record<string, number> = {};
    for (const c of copied) counts[sqlName(c.name)] = await copyOne(from, tx, c, c.name === "settings" ? keepSettings : []);
    if (tx.dialect === "postgres" && !opts.keepTables?.has("usageLog")) {
      // The identity is "by default": rows copied with their ids leave the sequence where it was; the next insert must not collide.
      await tx.rows(sql`select setval(pg_get_serial_sequence('usage_log', 'id'), coalesce((select max(id) from usage_log), 0) + 1, false)`);
    }
    return counts;
  });
}

async function copyOne(from: Store, to: Store, c: CopiedTable, skipKeys: readonly string[]): Promise<number> {
  const source = from.t[c.name];
  const target = to.t[c.name];
  const order = c.order(from.t);
  let copied = 0;
  if (c.name === "usageLog") {
    // Keyset paging on the id: constant cost per page however long the history.
    const log = from.t.usageLog;
    for (let after = -1; ; ) {
      const rows = await from.db.select().from(log).where(gt(log.id, after)).orderBy(asc(log.id)).limit(PAGE);
      if (rows.length === 0) break;
      copied += await insertAll(to, to.t.usageLog, rows);
      after = rows[rows.length - 1]!.id;
    }
    return copied;
  }
  for (let offset = 0; ; offset += PAGE) {
    const rows = await from.db
      .select()
      .from(source as Tables["settings"])
      .orderBy(...order.map((col) => asc(col)))
      .limit(PAGE)
      .offset(offset);
    if (rows.length === 0) break;
    const kept = c.name === "settings" ? rows.filter((r) => !skipKeys.includes(r.key)) : rows;
    copied += await insertAll(to, target as Tables["settings"], kept);
    if (rows.length < PAGE) break;
  }
  return copied;
}

/** Inserts rows in batches a statement can hold. Drizzle's table types differ per table; the rows come from the same table's twin. */
async function insertAll<T extends Tables[TableName]>(to: Store, target: T, rows: ReadonlyArray<T["$inferInsert"]>): Promise<number> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await to.db.insert(target).values(rows.slice(i, i + INSERT_BATCH) as T["$inferInsert"][]);
  }
  return rows.length;
}

/** The table's name in SQL (usage_log), as counts and messages give it. */
export function sqlName(name: TableName): string {
  return name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}
