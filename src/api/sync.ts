// /api/sync: the small sync API every OmniRoute serves as a cloud (a salt per space, opaque documents by rev), and this gateway's own sync status.
import { Hono } from "hono";
import { documentsSince, latestRev, writeDocuments } from "../db/queries/sync-documents.ts";
import type { Services } from "../services.ts";
import { PullQuerySchema, PushRequestSchema, SpaceRequestSchema } from "../sync/protocol.ts";
import { spaceSalt } from "../db/queries/sync-spaces.ts";
import { log } from "../log.ts";
import { validate } from "./validate.ts";

export function syncRoutes(services: Services) {
  return (
    new Hono()
      // Cloud side: a device pulls the documents of its space written after the rev it last saw.
      .get("/state", validate("query", PullQuerySchema), async (c) => {
        const { space, since, limit } = c.req.valid("query");
        const rows = await documentsSince(services.store, space, since, limit + 1);
        const documents = rows
          .slice(0, limit)
          .map((r) => ({ id: r.id, kind: r.kind, rev: r.rev, updatedAt: r.updatedAt, deleted: r.deleted, ciphertext: r.ciphertext }));
        return c.json({ space, rev: await latestRev(services.store, space), documents, more: rows.length > limit });
      })
      // Cloud side: a device pushes documents; each is written only if nobody wrote it since the rev the device saw.
      .put("/state", validate("json", PushRequestSchema), async (c) => {
        const { space, documents } = c.req.valid("json");
        return c.json(await writeDocuments(services.store, space, documents));
      })
      // Cloud side: the space's random key-derivation salt, created (with its row) on first use.
      .post("/space", validate("json", SpaceRequestSchema), async (c) => {
        const { space } = c.req.valid("json");
        const { salt, created, dropped } = await spaceSalt(services.store, space);
        if (created && dropped)
          log.info(
            `sync space "${space}" got its salt; ${dropped} document(s) from an older OmniRoute were dropped and are sent again by each device`,
          );
        return c.json({ space, salt });
      })
      // Device side: how this gateway's own sync with CLOUD_URL is doing.
      .get("/status", (c) => c.json(services.sync.status()))
      .post("/now", async (c) => c.json(await services.sync.syncNow()))
  );
}
