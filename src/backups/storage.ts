// Facts about where and how big the data is: the store (SQLite file or PostgreSQL), its size, rows per table, the backups kept.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { storeSize, type TableRows } from "../db/store-facts.ts";
import type { Dialect } from "../db/store.ts";
import type { Services } from "../services.ts";
import { backupsDir } from "./files.ts";

/** The tables a person cares about, in the order the page shows them. */
const MAIN_TABLES = [
  "provider_connections",
  "provider_nodes",
  "provider_models",
  "combos",
  "api_keys",
  "budgets",
  "settings",
  "usage_log",
  "usage_daily",
];
const MAX_BACKUPS_LISTED = 100;

export interface BackupFile {
  name: string;
  bytes: number;
  modifiedAt: number;
}

export interface StorageFacts {
  dataDir: string;
  /** SQLite (the file in the data folder) or PostgreSQL (DATABASE_URL, shared by every instance). */
  dialect: Dialect;
  /** The SQLite file, or host:port/database (never a password). */
  where: string;
  /** The database file, or the whole PostgreSQL database (pg_database_size). */
  dbBytes: number;
  /** SQLite's write-ahead log; none on PostgreSQL (the server keeps its own). */
  walBytes?: number;
  tables: TableRows[];
  backupsDir: string;
  backups: BackupFile[];
  /** How many backups there are in all (the list shows the newest MAX_BACKUPS_LISTED). */
  backupCount: number;
}

/** The backups folder, newest first. */
export function listBackups(dataDir: string): BackupFile[] {
  const dir = backupsDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    if (!name.endsWith(".sqlite")) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) files.push({ name, bytes: st.size, modifiedAt: st.mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  return files.sort((a, b) => b.modifiedAt - a.modifiedAt);
}

/** What the System page shows about the store; on PostgreSQL the backups are this instance's (its own DATA_DIR). */
export async function storageFacts(services: Services): Promise<StorageFacts> {
  const dataDir = services.config.dataDir;
  const size = await storeSize(services.store, MAIN_TABLES);
  const backups = listBackups(dataDir);
  return {
    dataDir,
    dialect: services.store.dialect,
    where: services.store.where,
    dbBytes: size.bytes,
    ...(size.walBytes === undefined ? {} : { walBytes: size.walBytes }),
    tables: size.tables,
    backupsDir: backupsDir(dataDir),
    backups: backups.slice(0, MAX_BACKUPS_LISTED),
    backupCount: backups.length,
  };
}
