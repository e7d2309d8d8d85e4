// /api/db-backups: export the database (or a .tar.gz with readable JSON), and import one, swapped in without a restart.
import { Hono } from "hono";
import { downloadResponse, exportArchive, exportDatabase } from "../backups/export.ts";
import { importUpload } from "../backups/import.ts";
import { MAX_IMPORT_BYTES } from "../backups/upload.ts";
import type { Services } from "../services.ts";

export interface DbBackupOptions {
  /** The largest database accepted by import (tests lower it). */
  maxImportBytes?: number;
}

export function dbBackupRoutes(services: Services, options: DbBackupOptions = {}) {
  const maxBytes = options.maxImportBytes ?? MAX_IMPORT_BYTES;
  return new Hono()
    .get("/export", async () => downloadResponse(await exportDatabase(services)))
    .get("/exportAll", async () => downloadResponse(await exportArchive(services)))
    .post("/import", async (c) => c.json(await importUpload(services, c.req.raw, { maxBytes })));
}
