// Opens the SQLite database (held exclusively, WAL, foreign keys) and applies drizzle migrations on boot.
import { Database } from "bun:sqlite";
import { ensurePrivateDataDir } from "../auth/generated-secrets.ts";
import { join } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import * as schema from "./schema.ts";
import { ensurePrivateFile } from "./private-file.ts";
import { migrationsFolder } from "../assets.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

export const DB_FILENAME = "omniroute.sqlite";

/** A second gateway (or anything else) holds the database: SQLite answered SQLITE_BUSY at open. */
export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
}

/**
 * The connection pragmas. The gateway is its database's only user, so it holds the file exclusively: set
 * before WAL is first touched, SQLite then keeps the WAL index in its own memory (no -shm file) and takes no
 * file locks per transaction: a fifth off the commit every proxied request waits for (six fcntl calls). It also keeps a second
 * gateway from serving the same DATA_DIR with its own, diverging, in-memory state.
 */
export function applyPragmas(sqlite: Database, path: string): void {
  sqlite.exec("PRAGMA locking_mode = EXCLUSIVE");
  try {
    sqlite.exec("PRAGMA journal_mode = WAL");
  } catch (err) {
    if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
    sqlite.close();
    throw new DatabaseInUseError(
      `The database ${path} is in use by another process (another OmniRoute on the same DATA_DIR?). Stop it, or give this one its own DATA_DIR.`,
    );
  }
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
}

/** Databases whose migrations ran to the end in this process (GET /readyz is 503 for any other). */
const migrated = new WeakSet<Db>();

export function migrationsRan(db: Db): boolean {
  return migrated.has(db);
}

/** Open (creating when missing) the database file at `path`, migrated to the current schema. */
export async function openDatabase(path: string): Promise<Db> {
  // SQLite gives its -wal and -journal files the database file's mode.
  ensurePrivateFile(path);
  const sqlite = new Database(path, { create: true, strict: true });
  applyPragmas(sqlite, path);
  const db = drizzle({ client: sqlite, schema }) as Db;
  migrate(db, { migrationsFolder: await migrationsFolder() });
  migrated.add(db);
  return db;
}

/**
 * Checkpoint and close, releasing the file at once. SQLite keeps a WAL entered in exclusive mode locked until
 * the database leaves WAL mode, and a handle whose prepared statements are not all finalized (drizzle leaves
 * them to the GC) only closes once they are collected: leaving WAL first lets the lock go now, so the next
 * gateway (a restart, a test) opens the file straight away. The next open turns WAL back on. Throws (after
 * closing) when the checkpoint could not be written.
 */
export function closeDatabase(db: Db): void {
  const sqlite = db.$client;
  try {
    sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite.exec("PRAGMA journal_mode = DELETE");
    sqlite.exec("PRAGMA locking_mode = NORMAL");
    sqlite.query("select count(*) from sqlite_master").get(); // the lock goes at the next access
  } finally {
    // Closed even when the checkpoint failed (a full disk): the WAL stays beside the file and is applied at the next open.
    sqlite.close();
  }
}

export async function openDataDir(dataDir: string): Promise<Db> {
  ensurePrivateDataDir(dataDir);
  return openDatabase(join(dataDir, DB_FILENAME));
}
