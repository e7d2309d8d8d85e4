// The store a gateway runs on: PostgreSQL when DATABASE_URL is set (migrated, secrets checked), else the SQLite file in DATA_DIR.
import type { Config } from "../config.ts";
import { log } from "../log.ts";
import { openDataDir } from "./client.ts";
import { checkSharedSecrets } from "./shared-secrets.ts";
import { sqliteStore, type Store } from "./store.ts";

export async function openStore(config: Config): Promise<Store> {
  if (!config.database) return sqliteStore(await openDataDir(config.dataDir));
  // Loaded only here: an SQLite gateway never evaluates drizzle's pg-core and the PostgreSQL schema (1-2 MB idle).
  const { describePostgresUrl, openPostgresStore } = await import("./pg-store.ts");
  const { store, migrations } = await openPostgresStore(config.database.url, { poolMax: config.database.poolMax }).catch(
    (error: unknown) => {
      throw unreachable(describePostgresUrl(config.database!.url), error);
    },
  );
  try {
    await checkSharedSecrets(store, config);
  } catch (error) {
    await store.pg.close();
    throw error;
  }
  log.info(
    `store: PostgreSQL at ${store.where} (${migrations.applied ? `${migrations.applied} migration(s) applied` : "schema current"}, pool of ${config.database.poolMax})`,
  );
  return store;
}

/** PostgreSQL could not be reached or refused us at start: the process stops with this message (no stack). */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}

/** Bun's connection errors ("Failed to connect", code ERR_POSTGRES_CONNECTION_REFUSED) in words an operator can act on; others as they are. */
function unreachable(where: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/CONNECTION|AUTH|TLS|TIMEOUT|PASSWORD/i.test(code)) return error;
  return new StoreUnavailableError(
    `Cannot use the PostgreSQL at ${where} (DATABASE_URL): ${(error as Error).message} (${code}). ` +
      "Check that it runs, that this host reaches it, and the user and password in DATABASE_URL.",
  );
}
