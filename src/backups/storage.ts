// Facts about where and how big the data is: data folder, database and WAL sizes, rows per table, the backups kept.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DB_FILENAME } from "../db/client.ts";
import { quoteId } from "../db/swap.ts";
import type { Services } from "../services.ts";
import { backupsDir, embeddedDatabase } from "./files.ts";

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
  dbPath: string;
  dbBytes: number;
  walBytes: number;
  tables: Array<{ name: string; rows: number }>;
  backupsDir: string;
  backups: BackupFile[];
  /** How many backups there are in all (the list shows the newest MAX_BACKUPS_LISTED). */
  backupCount: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
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

export function storageFacts(services: Services): StorageFacts {
  const dataDir = services.config.dataDir;
  const dbPath = join(dataDir, DB_FILENAME);
  const sqlite = embeddedDatabase(services.store, "The storage facts").$client;
  const present = new Set(
    (sqlite.query("SELECT name FROM main.sqlite_schema WHERE type = 'table'").values() as string[][]).map((r) => r[0]),
  );
  const tables = MAIN_TABLES.filter((t) => present.has(t)).map((name) => ({
    name,
    rows: Number((sqlite.query(`SELECT count(*) FROM main.${quoteId(name)}`).values()[0] ?? [0])[0]),
  }));
  const backups = listBackups(dataDir);
  return {
    dataDir,
    dbPath,
    dbBytes: sizeOf(dbPath),
    walBytes: sizeOf(`${dbPath}-wal`),
    tables,
    backupsDir: backupsDir(dataDir),
    backups: backups.slice(0, MAX_BACKUPS_LISTED),
    backupCount: backups.length,
  };
}
