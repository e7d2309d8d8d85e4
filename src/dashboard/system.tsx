// The System page: export links, the database import (same service as POST /api/db-backups/import), cloud sync, storage facts.
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { importUpload } from "../backups/import.ts";
import { storageFacts } from "../backups/storage.ts";
import { MAX_IMPORT_BYTES } from "../backups/upload.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
import { SystemPage } from "../../views/pages/system.tsx";
import { CloudSyncPanel, ImportForm, StoragePanel } from "../../views/partials/system.tsx";

export interface SystemPageOptions {
  /** The largest database accepted by import (tests lower it). */
  maxImportBytes?: number;
}

export function systemPages(services: Services, options: SystemPageOptions = {}) {
  const maxBytes = options.maxImportBytes ?? MAX_IMPORT_BYTES;
  const maxMb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  return (
    new Hono()
      .get("/system", async (c) =>
        c.html(
          <SystemPage
            facts={await storageFacts(services)}
            maxMb={maxMb}
            defaultPassword={services.password.isDefault()}
            sync={services.sync.status()}
          />,
        ),
      )
      .get("/partials/system/storage", async (c) => c.html(<StoragePanel facts={await storageFacts(services)} />))
      // Same as POST /api/sync/now; each call to the cloud is bounded by CLOUD_SYNC_TIMEOUT_MS.
      .post("/partials/system/sync", async (c) => c.html(<CloudSyncPanel status={await services.sync.syncNow()} />))
      .post("/partials/system/import", async (c) => {
        try {
          const result = await importUpload(services, c.req.raw, { maxBytes });
          return c.html(
            <>
              <ImportForm result={result} maxMb={maxMb} />
              <StoragePanel facts={await storageFacts(services)} oob />
            </>,
          );
        } catch (err) {
          if (!(err instanceof GatewayError) || err.status >= 500) throw err;
          // The file's problem, next to the file input, with the status that says what kind it is (400/409/413/422).
          return c.html(<ImportForm error={err.message} maxMb={maxMb} />, err.status as 400 | 409 | 413 | 422);
        }
      })
  );
}
