// /api/sync: the small sync API every OmniRoute serves as a cloud (opaque documents by rev), and this gateway's own sync status.
import { Hono } from "hono";
import { documentsSince, latestRev, writeDocuments } from "../db/queries/sync-documents.ts";
import type { Services } from "../services.ts";
import { PullQuerySchema, PushRequestSchema } from "../sync/protocol.ts";
import { validate } from "./validate.ts";

export function syncRoutes(services: Services) {
  return new Hono()
    // Cloud side: a device pulls the documents of its space written after the rev it last saw.
    .get("/state", validate("query", PullQuerySchema), (c) => {
      const { space, since, limit } = c.req.valid("query");
      const rows = documentsSince(services.db, space, since, limit + 1);
      const documents = rows.slice(0, limit).map((r) => ({ id: r.id, kind: r.kind, rev: r.rev, updatedAt: r.updatedAt, deleted: r.deleted, ciphertext: r.ciphertext }));
      return c.json({ space, rev: latestRev(services.db, space), documents, more: rows.length > limit });
    })
    // Cloud side: a device pushes documents; each is written only if nobody wrote it since the rev the device saw.
    .put("/state", validate("json", PushRequestSchema), (c) => {
      const { space, documents } = c.req.valid("json");
      return c.json(writeDocuments(services.db, space, documents));
    })
    // Device side: how this gateway's own sync with CLOUD_URL is doing.
    .get("/status", (c) => c.json(services.sync.status()))
    .post("/now", async (c) => c.json(await services.sync.syncNow()));
}
