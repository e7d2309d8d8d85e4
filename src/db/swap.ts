// Swaps a checked database file into the live connection (same Db, requests in flight unharmed); services then re-read their caches.
import { log } from "../log.ts";
import type { Database } from "bun:sqlite";
import type { Store } from "./store.ts";
import { MIGRATIONS_TABLE } from "./migrations.ts";

/** The live database and every service: each one with a `reload()` re-reads what it caches. */
export interface SwapDeps {
  store: Store;
  cache: { clear(): void };
}

/**
 * Tables of this machine's own state, kept as they are: the schema history (identical once the file is migrated)
 * and the live breaker/cooldown snapshot (it describes this gateway's upstreams now, and health keeps it in memory).
 */
const KEPT_TABLES = new Set([MIGRATIONS_TABLE, "resilience_state"]);

/** Settings rows kept: this gateway's dashboard password and live sessions, so whoever imports is not signed out and locked out. */
export const KEPT_SETTINGS = ["auth.password", "auth.sessions"] as const;

export const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Column names of a table (generated columns excluded: they cannot be inserted). */
export function columnsOf(db: Database, schema: string, table: string): string[] {
  return (db.query(`PRAGMA ${quoteId(schema)}.table_info(${quoteId(table)})`).all() as Array<{ name: string }>).map((c) => c.name);
}

/** The live tables an import replaces: every table of ours but the kept ones. */
export function swappedTables(db: Database): string[] {
  return (
    db.query("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").values() as string[][]
  )
    .map((r) => r[0]!)
    .filter((name) => !KEPT_TABLES.has(name));
}

/**
 * Replace the rows of every swapped table with those of the file at `path`, in one transaction on the live
 * connection. bun:sqlite is synchronous, so no request sees a half-copied database; statements prepared
 * before keep working after. Returns the rows now in each table.
 */
export function copyDatabaseInto(live: Database, path: string): Record<string, number> {
  const tables = swappedTables(live);
  const trusted = Number((live.query("PRAGMA trusted_schema").values()[0] ?? [1])[0]);
  live.exec("PRAGMA trusted_schema = OFF");
  live.query("ATTACH DATABASE ? AS imported").run(path);
  try {
    const counts: Record<string, number> = {};
    const keep = KEPT_SETTINGS.map(() => "?").join(", ");
    live.transaction(() => {
      // Cascades (budgets -> api_keys) fire on delete, so every table is emptied before any is filled.
      live.exec("PRAGMA defer_foreign_keys = ON");
      for (const table of tables) {
        if (table === "settings") live.query(`DELETE FROM main.settings WHERE key NOT IN (${keep})`).run(...KEPT_SETTINGS);
        else live.exec(`DELETE FROM main.${quoteId(table)}`);
      }
      for (const table of tables) {
        const cols = columnsOf(live, "main", table).map(quoteId).join(", ");
        const insert = `INSERT INTO main.${quoteId(table)} (${cols}) SELECT ${cols} FROM imported.${quoteId(table)}`;
        counts[table] =
          table === "settings"
            ? live.query(`${insert} WHERE key NOT IN (${keep})`).run(...KEPT_SETTINGS).changes
            : live.query(insert).run().changes;
      }
    })();
    return counts;
  } finally {
    live.exec("DETACH DATABASE imported");
    live.exec(`PRAGMA trusted_schema = ${trusted ? "ON" : "OFF"}`);
  }
}

/**
 * Every service that loads database state into memory re-reads it. The contract: a service that caches rows
 * exposes `reload()` (settings, resilience, pricing, providers, models, accounts, apiKeys, combos, budgets, ...),
 * awaited when it returns a promise, and is found here by it, so a service added later is not left serving the old database.
 */
export async function reloadCachedState(deps: SwapDeps): Promise<string[]> {
  const reloaded: string[] = [];
  for (const [name, service] of Object.entries(deps)) {
    if (name === "store" || name === "config" || typeof service !== "object" || service === null) continue;
    const reload = (service as { reload?: unknown }).reload;
    if (typeof reload !== "function") continue;
    await reload.call(service);
    reloaded.push(name);
  }
  // Answers cached under the old configuration (other accounts, other combos) are not replayed.
  deps.cache.clear();
  return reloaded;
}

/** Swap the checked, migrated file at `path` into the live database and refresh every cache. */
export async function swapDatabase(deps: SwapDeps, path: string): Promise<Record<string, number>> {
  if (deps.store.dialect !== "sqlite") throw new Error("swapDatabase copies into the embedded SQLite database");
  const counts = copyDatabaseInto(deps.store.sqlite.$client, path);
  await reloadCachedState(deps);
  return counts;
}
