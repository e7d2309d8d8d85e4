// Imports a database (.sqlite, or the one inside an exportAll .tar.gz): check and migrate a private copy, back up the live store, copy it in.
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { migrationsFolder } from "../assets.ts";
import { GatewayError } from "../canonical/errors.ts";
import { CHANGE_AREAS } from "../db/change-feed.ts";
import { closeDatabase, DB_FILENAME, openDatabase } from "../db/client.ts";
import { listConnections } from "../db/queries/connections.ts";
import { listProviderNodes } from "../db/queries/provider-nodes.ts";
import { SHARED_SECRETS_KEY } from "../db/queries/shared-secrets.ts";
import { oneImportAtATime, replaceFromFile } from "../db/portable-copy.ts";
import type { PostgresStore, Store } from "../db/store.ts";
import { openNodeHeaders } from "../providers/node-headers.ts";
import { checkImport } from "../db/import-check.ts";
import { KEPT_SETTINGS, reloadCachedState, swapDatabase } from "../db/swap.ts";
import { log } from "../log.ts";
import type { Services } from "../services.ts";
import { databaseFromArchive, isGzip } from "./archive.ts";
import { backupStore, makeTempDir, removeDir, writeBackup } from "./files.ts";
import { MAX_IMPORT_BYTES, receiveUpload } from "./upload.ts";

export interface ImportResult {
  ok: true;
  /** Where the database as it was before the import is kept. */
  backup: string;
  /** Rows now in each table that was replaced. */
  tables: Record<string, number>;
  /** The last migration the file had, when it came from an older OmniRoute and was brought forward. */
  migratedFrom?: string;
  warnings: string[];
}

export interface ImportOptions {
  maxBytes?: number;
}

const importing = new WeakSet<Services>();

/** The whole import of an HTTP upload (the /api route and the dashboard both call this). */
export async function importUpload(services: Services, request: Request, options: ImportOptions = {}): Promise<ImportResult> {
  const dir = makeTempDir("import");
  try {
    const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
    const upload = await receiveUpload(request, maxBytes, dir);
    const database = (await isGzip(upload.path)) ? await databaseFromArchive(upload.path, dir, maxBytes) : upload.path;
    return await importDatabaseFile(services, database);
  } finally {
    removeDir(dir);
  }
}

/**
 * Import the SQLite file at `path` (a copy we own: it is migrated in place). Nothing live changes unless
 * every check passes; then the current data is saved under backups/ and the file's rows replace it.
 */
export async function importDatabaseFile(services: Services, path: string): Promise<ImportResult> {
  // Uploads run side by side; checking and swapping run one at a time.
  if (importing.has(services))
    throw new GatewayError("conflict", "Another database import is running; try again when it has finished.", { code: "import_running" });
  importing.add(services);
  try {
    const store = services.store;
    const folder = await migrationsFolder();
    const checked = await withSchemaReference(store, (reference) => checkImport(path, reference, folder));
    await services.flush();
    const { backup, tables } = store.dialect === "sqlite" ? await intoSqlite(services, path) : await intoPostgres(services, store, path);
    const warnings = await credentialWarnings(services);
    log.info(`database imported (previous one saved as ${backup})${checked.migratedFrom ? `, migrated from ${checked.migratedFrom}` : ""}`);
    return { ok: true, backup, tables, ...(checked.migratedFrom ? { migratedFrom: checked.migratedFrom } : {}), warnings };
  } finally {
    importing.delete(services);
  }
}

type Replaced = { backup: string; tables: Record<string, number> };

/** SQLite: the file attached and copied into the live connection, with no await between the backup and the swap. */
async function intoSqlite(services: Services, path: string): Promise<Replaced> {
  if (services.store.dialect !== "sqlite") throw new Error("intoSqlite needs the embedded database");
  // From here on nothing awaits until the copy is in: the backup and the swap see the same database, and no request runs between them.
  const backup = writeBackup(services.store.sqlite, services.config.dataDir, "pre-import");
  const tables = await swapDatabase(services, path);
  return { backup, tables };
}

/**
 * PostgreSQL: under the import lock (an import on another instance waits), the shared data is saved to this instance's
 * backups/ and replaced in one transaction, keeping the breaker snapshot, the dashboard password and sessions, and the
 * cluster's secret fingerprints. Then this instance reloads every copy and tells the others to reload theirs.
 */
async function intoPostgres(services: Services, store: PostgresStore, path: string): Promise<Replaced> {
  const replaced = await oneImportAtATime(store, async () => {
    const backup = await backupStore(store, services.config.dataDir, "pre-import");
    const tables = await replaceFromFile(store, path, {
      keepTables: new Set(["resilienceState"] as const),
      keepSettings: [...KEPT_SETTINGS, SHARED_SECRETS_KEY],
    });
    return { backup, tables };
  });
  await reloadCachedState(services);
  for (const area of CHANGE_AREAS) services.changes.publish(area);
  return replaced;
}

/**
 * The schema a file must match: the live SQLite database's, or on PostgreSQL a fresh SQLite database of this build
 * (the migrations the file is brought forward by), made in a temp folder for the check.
 */
async function withSchemaReference<T>(store: Store, check: (reference: Database) => Promise<T>): Promise<T> {
  if (store.dialect === "sqlite") return check(store.sqlite.$client);
  const dir = makeTempDir("schema");
  try {
    const db = await openDatabase(join(dir, DB_FILENAME));
    try {
      return await check(db.$client);
    } finally {
      closeDatabase(db);
    }
  } finally {
    removeDir(dir);
  }
}

/**
 * Credentials are sealed with the ENCRYPTION_KEY of the gateway that wrote them: try to open each one, and
 * name the connections whose secrets this gateway cannot read.
 */
async function credentialWarnings(services: Services): Promise<string[]> {
  const unreadable: string[] = [];
  let proxies = 0;
  for (const row of await listConnections(services.store)) {
    if (row.credentials && !opens(services, row.credentials)) unreadable.push(`${row.name} (${row.provider})`);
    if (row.proxy && !opens(services, row.proxy)) proxies++;
  }
  const warnings: string[] = [];
  if (unreadable.length) {
    warnings.push(
      `${unreadable.length} connection(s) hold credentials sealed with another ENCRYPTION_KEY and cannot be used until their keys are re-entered ` +
        `(or this gateway runs with the ENCRYPTION_KEY of the one that exported them): ${unreadable.join(", ")}.`,
    );
  }
  if (proxies)
    warnings.push(`${proxies} connection proxy setting(s) were sealed with another ENCRYPTION_KEY and are ignored until set again.`);
  const nodes = (await listProviderNodes(services.store))
    .filter((n) => openNodeHeaders(services.secrets, n.headers) === undefined)
    .map((n) => n.prefix);
  if (nodes.length)
    warnings.push(
      `${nodes.length} custom provider node(s) hold headers sealed with another ENCRYPTION_KEY and are called without them until they are set again: ${nodes.join(", ")}.`,
    );
  return warnings;
}

function opens(services: Services, sealed: string): boolean {
  try {
    services.secrets.open(sealed);
    return true;
  } catch {
    return false;
  }
}
