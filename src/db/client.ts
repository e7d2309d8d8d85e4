// Opens the SQLite database (WAL, busy timeout, foreign keys) and applies drizzle migrations on boot.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import * as schema from "./schema.ts";
import { migrationsFolder } from "../assets.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

export const DB_FILENAME = "omniroute.sqlite";

/** Apply the connection pragmas every handle needs. */
export function applyPragmas(sqlite: Database): void {
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
}

/** Open (creating when missing) the database file at `path`, migrated to the current schema. */
export async function openDatabase(path: string): Promise<Db> {
  const sqlite = new Database(path, { create: true, strict: true });
  applyPragmas(sqlite);
  const db = drizzle({ client: sqlite, schema }) as Db;
  migrate(db, { migrationsFolder: await migrationsFolder() });
  return db;
}

export async function openDataDir(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openDatabase(join(dataDir, DB_FILENAME));
}
