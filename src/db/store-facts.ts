// How big the store is: rows per table and the database's size on disk, on SQLite (its file and WAL) or PostgreSQL (pg_database_size).
import { statSync } from "node:fs";
import { sql } from "drizzle-orm";
import { first, type Store } from "./store.ts";
import { quoteId } from "./swap.ts";

/** From this many rows (PostgreSQL's estimate) usage_log is not counted row by row: the planner's estimate is shown, marked so. */
export const ESTIMATE_FROM_ROWS = 100_000;

export interface TableRows {
  name: string;
  rows: number;
  /** The planner's estimate (pg_class.reltuples, kept by autovacuum), not an exact count. */
  estimated?: boolean;
}

export interface StoreSize {
  tables: TableRows[];
  /** The database file (SQLite) or the whole database (PostgreSQL). */
  bytes: number;
  /** SQLite's write-ahead log beside the file; PostgreSQL's is the server's own. */
  walBytes?: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Rows of each of `names` the store has (missing tables left out), and its size. */
export async function storeSize(store: Store, names: readonly string[], estimateFrom = ESTIMATE_FROM_ROWS): Promise<StoreSize> {
  if (store.dialect === "sqlite") {
    const sqlite = store.sqlite.$client;
    const present = new Set(
      (sqlite.query("SELECT name FROM main.sqlite_schema WHERE type = 'table'").values() as string[][]).map((r) => r[0]),
    );
    const tables = names
      .filter((t) => present.has(t))
      .map((name) => ({ name, rows: Number((sqlite.query(`SELECT count(*) FROM main.${quoteId(name)}`).values()[0] ?? [0])[0]) }));
    return { tables, bytes: sizeOf(store.where), walBytes: sizeOf(`${store.where}-wal`) };
  }
  const present = new Set(
    (await store.rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = current_schema()`)).map(
      (r) => r.name,
    ),
  );
  const tables: TableRows[] = [];
  for (const name of names.filter((t) => present.has(t))) {
    if (name === "usage_log") {
      const estimate = Number(
        first(
          await store.rows<{ n: string | number }>(sql`select reltuples::bigint as n from pg_class where oid = to_regclass('usage_log')`),
        )?.n ?? -1,
      );
      if (estimate >= estimateFrom) {
        tables.push({ name, rows: estimate, estimated: true });
        continue;
      }
    }
    const counted = first(await store.rows<{ n: string | number }>(sql.raw(`select count(*) as n from ${quoteId(name)}`)));
    tables.push({ name, rows: Number(counted?.n ?? 0) });
  }
  const size = first(await store.rows<{ bytes: string | number }>(sql`select pg_database_size(current_database()) as bytes`));
  return { tables, bytes: Number(size?.bytes ?? 0) };
}
