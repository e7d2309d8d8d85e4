// Checks a SQLite file offered for import, and brings an older one to this version's schema: all on a private copy.
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { GatewayError } from "../canonical/errors.ts";
import { compareHistory, MIGRATIONS_TABLE, shippedMigrations, type AppliedMigration } from "./migrations.ts";
import { columnsOf, quoteId, swappedTables } from "./swap.ts";

/** The tables a database must hold to be an OmniRoute database at all. */
export const REQUIRED_TABLES = ["provider_connections", "provider_nodes", "combos", "api_keys", "settings"] as const;

const SQLITE_HEADER = "SQLite format 3\0";
const MAX_REPORTED_PROBLEMS = 10;

export interface CheckedImport {
  /** The tag of the last migration the file had, when it was older than this version and was brought forward. */
  migratedFrom?: string;
}

const unprocessable = (message: string, code: string) => new GatewayError("unprocessable", message, { code, param: "file" });

/** True when the file starts with SQLite's 16-byte magic header. */
export async function hasSqliteHeader(path: string): Promise<boolean> {
  const head = await Bun.file(path).slice(0, 16).text();
  return head === SQLITE_HEADER;
}

/**
 * Validates the file at `path` (our own temp copy: it is modified when it needs migrating) against the live
 * database `live`. Throws a GatewayError (400 or 422) saying what is wrong; changes nothing live.
 */
export async function checkImport(path: string, live: Database, migrationsFolder: string): Promise<CheckedImport> {
  if (!(await hasSqliteHeader(path))) {
    throw new GatewayError(
      "invalid_request",
      'This is not a SQLite database (it lacks the "SQLite format 3" header). Choose a .sqlite file exported by OmniRoute.',
      { code: "not_sqlite", param: "file" },
    );
  }
  let db: Database;
  try {
    db = new Database(path, { readwrite: true, create: false, strict: true });
  } catch (err) {
    throw unprocessable(`The database cannot be opened: ${message(err)}.`, "unreadable_database");
  }
  try {
    try {
      // The file is untrusted: its views and triggers may not call functions with side effects.
      db.exec("PRAGMA trusted_schema = OFF");
      db.exec("PRAGMA journal_mode = DELETE");
    } catch (err) {
      throw unprocessable(`The database is damaged or unreadable: ${message(err)}.`, "unreadable_database");
    }
    assertIntact(db);
    assertRequiredTables(db);
    const checked = bringForward(db, migrationsFolder);
    assertSchemaMatches(db, live);
    assertForeignKeys(db);
    return checked;
  } finally {
    db.close();
  }
}

function assertIntact(db: Database): void {
  let problems: string[];
  try {
    problems = db
      .query(`PRAGMA integrity_check(${MAX_REPORTED_PROBLEMS})`)
      .values()
      .map((r) => String(r[0]));
  } catch (err) {
    throw unprocessable(`The database is damaged: ${message(err)}.`, "integrity_check_failed");
  }
  if (problems.length !== 1 || problems[0] !== "ok") {
    const lines = problems.flatMap((p) => p.split("\n")).filter((l) => l && !l.startsWith("***"));
    throw unprocessable(`The database is damaged (integrity check): ${lines.join("; ")}.`, "integrity_check_failed");
  }
}

function objects(db: Database): Array<{ name: string; type: string }> {
  return db.query("SELECT name, type FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; type: string }>;
}

function assertRequiredTables(db: Database): void {
  const tables = new Set(
    objects(db)
      .filter((o) => o.type === "table")
      .map((o) => o.name),
  );
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length) {
    throw unprocessable(
      `This is not an OmniRoute database: it has no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}.`,
      "missing_tables",
    );
  }
  if (!tables.has(MIGRATIONS_TABLE)) {
    throw unprocessable(`This database has no schema history (${MIGRATIONS_TABLE}): it was not made by OmniRoute.`, "unknown_schema");
  }
}

/** Compare the file's migration history with ours; run ours on it when it is older. */
function bringForward(db: Database, migrationsFolder: string): CheckedImport {
  const ours = shippedMigrations(migrationsFolder);
  const applied = (
    db.query(`SELECT hash, created_at FROM ${quoteId(MIGRATIONS_TABLE)}`).all() as Array<{ hash: unknown; created_at: unknown }>
  ).map((r): AppliedMigration => ({ hash: String(r.hash), createdAt: Number(r.created_at) }));
  if (!applied.length)
    throw unprocessable(`This database has an empty schema history (${MIGRATIONS_TABLE}): it was not made by OmniRoute.`, "unknown_schema");
  const verdict = compareHistory(applied, ours);
  switch (verdict.kind) {
    case "current":
      return {};
    case "newer":
      throw unprocessable(
        `This database was made by a newer OmniRoute (${verdict.detail}). Upgrade this gateway, then import it.`,
        "newer_schema",
      );
    case "unknown":
      throw unprocessable(`This database's schema history is not one this OmniRoute knows: ${verdict.detail}.`, "unknown_schema");
    case "older":
      try {
        migrate(drizzle({ client: db }), { migrationsFolder });
      } catch (err) {
        throw unprocessable(
          `This database is from an older OmniRoute and could not be brought up to date: ${message(err)}.`,
          "migration_failed",
        );
      }
      return { migratedFrom: verdict.lastTag };
  }
}

/** After migrating, the file must hold every table we copy, with every column, and no views or triggers we lack. */
function assertSchemaMatches(db: Database, live: Database): void {
  const theirs = new Map(objects(db).map((o) => [o.name, o.type]));
  for (const table of swappedTables(live)) {
    if (theirs.get(table) !== "table")
      throw unprocessable(`The database lacks the "${table}" table this version needs.`, "schema_mismatch");
    const cols = new Set(columnsOf(db, "main", table));
    const missing = columnsOf(live, "main", table).filter((c) => !cols.has(c));
    if (missing.length) throw unprocessable(`The "${table}" table lacks column(s) ${missing.join(", ")}.`, "schema_mismatch");
  }
  const ours = new Set(objects(live).map((o) => `${o.type}:${o.name}`));
  const extra = [...theirs].filter(([name, type]) => (type === "view" || type === "trigger") && !ours.has(`${type}:${name}`));
  if (extra.length) {
    throw unprocessable(
      `The database holds ${extra.map(([n, t]) => `${t} "${n}"`).join(", ")}, which OmniRoute never makes.`,
      "schema_mismatch",
    );
  }
}

function assertForeignKeys(db: Database): void {
  const broken = db.query("PRAGMA foreign_key_check").all() as Array<{ table: string }>;
  if (!broken.length) return;
  const byTable = new Map<string, number>();
  for (const row of broken) byTable.set(row.table, (byTable.get(row.table) ?? 0) + 1);
  const list = [...byTable].map(([t, n]) => `${t} (${n})`).join(", ");
  throw unprocessable(`The database has rows that point at rows it does not have: ${list}.`, "foreign_key_violation");
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\.$/, "");
}
