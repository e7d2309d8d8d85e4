// Middleware: after a successful management write (API or dashboard), ask cloud sync to run shortly.
import type { MiddlewareHandler } from "hono";
import type { CloudSync } from "./client.ts";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export function syncAfterWrites(services: { sync: CloudSync }): MiddlewareHandler {
  return async function syncAfterWrites(c, next) {
    await next();
    if (
      READS.has(c.req.method) ||
      c.res.status >= 400 ||
      c.req.path.startsWith("/api/sync/") ||
      c.req.path === "/dashboard/partials/system/sync"
    )
      return;
    services.sync.noteLocalChange();
  };
}
