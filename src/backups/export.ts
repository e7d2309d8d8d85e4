// Exports: the store (SQLite or PostgreSQL) as one consistent SQLite file, or a .tar.gz of it with readable JSON beside (no secrets).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectionView } from "../accounts/connection-service.ts";
import { maskNodeHeaders, openNodeHeaders } from "../providers/node-headers.ts";
import { DB_FILENAME } from "../db/client.ts";
import { SECRETS_FILENAME } from "../auth/generated-secrets.ts";
import { listApiKeys } from "../db/queries/api-keys.ts";
import { listCombos } from "../db/queries/combos.ts";
import { listConnections } from "../db/queries/connections.ts";
import { listProviderNodes } from "../db/queries/provider-nodes.ts";
import type { Store } from "../db/store.ts";
import type { Services } from "../services.ts";
import { VERSION } from "../version.ts";
import { fileTimestamp, makeTempDir, removeDir, snapshotStore, streamThenRemove } from "./files.ts";

export const SQLITE_CONTENT_TYPE = "application/vnd.sqlite3";
export const ARCHIVE_CONTENT_TYPE = "application/gzip";

export interface ExportDownload {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/** Header names whose values are credentials: masked in archives, `${...}` placeholders in a configuration export. */
export const SECRET_HEADER = /auth|key|token|secret|cookie|session|password|signature/i;
/**
 * Exports never carry the secrets: a file downloaded through a browser and copied around must not be enough to read
 * the credentials sealed inside it. The archive's manifest says which file to keep beside it instead.
 */
export const SECRETS_NOTE =
  `Credentials and custom node headers in ${DB_FILENAME} are sealed with the ENCRYPTION_KEY of the gateway that exported it, and API keys are stored under its API_KEY_SECRET: ` +
  `keep that gateway's ${SECRETS_FILENAME} (in its DATA_DIR), or the values set in its environment, with this backup. They are not in this archive.`;

/** What the manifest says of the database file: which store it was taken from, and that it imports into either. */
export function databaseNote(store: Store): string {
  return store.dialect === "sqlite"
    ? `${DB_FILENAME} is a snapshot of this gateway's SQLite database. It imports into a gateway on SQLite or on PostgreSQL.`
    : `${DB_FILENAME} is a SQLite copy of every table of the PostgreSQL database at ${store.where}, read as one snapshot. It imports into a gateway on SQLite or on PostgreSQL.`;
}

/**
 * A consistent copy of the store as one SQLite file (on PostgreSQL every table copied into a new one), streamed from a
 * temp file that is removed once sent.
 */
export async function exportDatabase(services: Services): Promise<ExportDownload> {
  await services.flush();
  const dir = makeTempDir("export");
  try {
    const path = join(dir, DB_FILENAME);
    await snapshotStore(services.store, path);
    return {
      filename: `omniroute-${fileTimestamp()}.sqlite`,
      contentType: SQLITE_CONTENT_TYPE,
      body: streamThenRemove(Bun.file(path).stream(), dir),
    };
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}

/** What the archive holds besides the database, as readable JSON. Credentials and key hashes never appear. */
export async function exportDocuments(services: Services): Promise<Record<string, unknown>> {
  const s = services.store;
  const [combos, connections, nodes, keys] = await Promise.all([listCombos(s), listConnections(s), listProviderNodes(s), listApiKeys(s)]);
  return {
    "settings.json": {
      settings: services.settings.get(),
      resilience: services.resilience.get(),
      pricingOverrides: services.pricing.overrides(),
    },
    "combos.json": combos.map((c) => ({
      id: c.id,
      name: c.name,
      strategy: c.strategy,
      models: c.models,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })),
    "providers.json": connections.map((row) => {
      const { apiKey: _masked, ...view } = connectionView(services, row);
      return { ...view, hasCredentials: row.credentials !== null };
    }),
    "provider-nodes.json": nodes.map((n) => ({
      id: n.id,
      name: n.name,
      prefix: n.prefix,
      apiType: n.apiType,
      baseUrl: n.baseUrl,
      headers: maskNodeHeaders(openNodeHeaders(services.secrets, n.headers) ?? {}),
      createdAt: n.createdAt,
      updatedAt: n.updatedAt,
    })),
    "api-keys.json": keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.keyPrefix,
      scopes: k.scopes,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
    })),
  };
}

/** `.tar.gz` of the database and the JSON documents, streamed as tar writes it; the temp folder goes after. */
export async function exportArchive(services: Services): Promise<ExportDownload> {
  await services.flush();
  const dir = makeTempDir("export");
  try {
    await snapshotStore(services.store, join(dir, DB_FILENAME));
    const documents = await exportDocuments(services);
    const exportedAt = new Date();
    const manifest = {
      product: "OmniRoute",
      version: VERSION,
      exportedAt: exportedAt.toISOString(),
      /** The store the gateway ran on: "sqlite" or "postgres" (DATABASE_URL). */
      store: services.store.dialect,
      files: [DB_FILENAME, ...Object.keys(documents)],
      database: databaseNote(services.store),
      secrets: SECRETS_NOTE,
    };
    for (const [name, value] of Object.entries({ ...documents, "manifest.json": manifest })) {
      writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    }
    // tar (with node:zlib and node:stream under it) loads at the first archive, not at boot (idle memory: README, Performance).
    const { create: createTar } = await import("tar");
    const pack = createTar({ gzip: true, cwd: dir, portable: true }, ["manifest.json", ...manifest.files]);
    return {
      filename: `omniroute-${fileTimestamp(exportedAt)}.tar.gz`,
      contentType: ARCHIVE_CONTENT_TYPE,
      body: streamThenRemove(pack, dir),
    };
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}

/** The download as a Response, named for the browser. */
export function downloadResponse(download: ExportDownload): Response {
  return new Response(download.body, {
    headers: {
      "content-type": download.contentType,
      "content-disposition": `attachment; filename="${download.filename}"`,
      "cache-control": "no-store",
    },
  });
}
