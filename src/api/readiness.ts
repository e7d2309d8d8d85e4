// GET /readyz: 200 while the gateway serves normally, 503 with the reason until its database is migrated, while it
// cannot record what it serves (usage rows not written: a full disk) or its database does not answer. For load
// balancers and orchestrators; GET /healthz stays the liveness probe.
import type { Context } from "hono";
import { migrationsRan } from "../db/client.ts";
import { describeStorageFault } from "../db/storage-fault.ts";
import type { Services } from "../services.ts";

export type Readiness = { ready: true } | { ready: false; reason: string };

export async function readiness(services: Pick<Services, "store" | "storeProbe" | "usage">): Promise<Readiness> {
  // main.ts opens the port only after migrations (on PostgreSQL, openPostgresStore migrates before there is a store);
  // this keeps any other order from reporting ready too early.
  if (services.store.dialect === "sqlite" && !migrationsRan(services.store.sqlite))
    return { ready: false, reason: "the database migrations have not run yet" };
  const store = await services.storeProbe.check();
  if (!store.reachable)
    return {
      ready: false,
      reason:
        store.kind === "postgresql"
          ? `PostgreSQL at ${store.where} does not answer: ${store.error}. Requests are still served from memory; usage rows are held until it answers.`
          : `the database does not answer: ${store.error}`,
    };
  const usage = services.usage.status();
  if (usage.writing) return { ready: true };
  const since = usage.failingSince ? new Date(usage.failingSince).toISOString() : "now";
  return {
    ready: false,
    reason:
      `usage rows cannot be written since ${since}: ${usage.fault ? describeStorageFault(usage.fault) : "the database refuses them"}; ` +
      `${usage.pending} held in memory (at most ${usage.maxPending}), ${usage.dropped} lost. Requests are still served.`,
  };
}

export function readyzHandler(services: Services) {
  return async function readyz(c: Context) {
    const r = await readiness(services);
    // Redis away does not make the instance unready: it serves on its own state meanwhile; the body says so.
    const shared = services.sharedState?.status();
    const redis = shared && {
      redis:
        shared.state === "shared"
          ? "connected"
          : `unreachable since ${new Date(shared.since).toISOString()} (${shared.reason}); serving on this instance's own state`,
    };
    return r.ready ? c.json({ status: "ready", ...redis }) : c.json({ status: "not_ready", reason: r.reason, ...redis }, 503);
  };
}
