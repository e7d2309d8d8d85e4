// GET /api/health: system status, storage, breakers, cooling accounts, lockouts — what the Health page shows.
import { Hono } from "hono";
import { percentUsed } from "../accounts/quota.ts";
import type { Services } from "../services.ts";
import { VERSION } from "../version.ts";

export function healthSnapshot(services: Services, now = Date.now()) {
  const memory = process.memoryUsage();
  const accountName = new Map<string, { name: string; provider: string }>();
  for (const spec of services.providers.all())
    for (const a of services.accounts.accountsOf(spec.id)) accountName.set(a.id, { name: a.name, provider: a.provider });
  return {
    uptimeSeconds: Math.round((now - services.startedAt) / 1000),
    version: VERSION,
    memory: { rss: memory.rss, heapUsed: memory.heapUsed },
    dataDir: services.config.dataDir,
    storage: storageHealth(services),
    sharedState: sharedStateHealth(services),
    providers: services.health.breakers.list(now).map((b) => ({
      provider: b.provider,
      state: b.phase,
      failures: b.failures,
      openUntil: b.phase === "closed" ? null : new Date(b.openUntil).toISOString(),
    })),
    rateLimits: services.health.cooldowns.active(now).map((c) => ({
      connectionId: c.accountId,
      connectionName: accountName.get(c.accountId)?.name ?? null,
      provider: accountName.get(c.accountId)?.provider ?? null,
      model: c.model,
      reason: c.reason,
      until: new Date(c.until).toISOString(),
      secondsLeft: Math.ceil((c.until - now) / 1000),
    })),
    // Quota windows per account: used, left and when each starts over (providers' reports, or counted locally).
    quotas: services.quotas.all(now).map((q) => ({
      connectionId: q.accountId,
      connectionName: accountName.get(q.accountId)?.name ?? null,
      provider: accountName.get(q.accountId)?.provider ?? null,
      windows: q.windows.map((w) => {
        const pct = percentUsed(w);
        return {
          name: w.name,
          source: w.source,
          used: w.used ?? null,
          limit: w.limit ?? null,
          unit: w.unit ?? null,
          usedPercent: pct === undefined ? null : Math.round(pct * 10) / 10,
          leftPercent: pct === undefined ? null : Math.round((100 - pct) * 10) / 10,
          exhausted: w.exhausted === true || (pct ?? 0) >= 100,
          resetsAt: w.resetsAt ? new Date(w.resetsAt).toISOString() : null,
        };
      }),
    })),
    lockouts: services.loginThrottle.lockouts(now).map((l) => ({ kind: "login", ip: l.ip, until: new Date(l.until).toISOString() })),
    cache: services.cache.stats(),
    latency: services.latency.stats(),
  };
}

/** REDIS_URL set: whether hot state is shared through Redis now, or this instance's own while Redis is away. */
function sharedStateHealth(services: Services) {
  const status = services.sharedState?.status();
  if (!status) return null;
  return { state: status.state, redis: status.url, since: new Date(status.since).toISOString(), reason: status.reason ?? null };
}

/** Whether usage rows are written: a full disk shows here, on /readyz and on the Health page. */
function storageHealth(services: Services) {
  const u = services.usage.status();
  return {
    usageRows: u.writing ? ("writing" as const) : ("failing" as const),
    failingSince: u.failingSince === null ? null : new Date(u.failingSince).toISOString(),
    error: u.error,
    pending: u.pending,
    maxPending: u.maxPending,
    dropped: u.dropped,
  };
}

export function healthRoutes(services: Services) {
  return new Hono().get("/", (c) => c.json(healthSnapshot(services)));
}
