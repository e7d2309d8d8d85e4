// GET /api/health: system status, breakers, cooling accounts, lockouts — what the Health page shows.
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { VERSION } from "../version.ts";

export function healthSnapshot(services: Services, now = Date.now()) {
  const memory = process.memoryUsage();
  const accountName = new Map<string, { name: string; provider: string }>();
  for (const spec of services.providers.all()) for (const a of services.accounts.accountsOf(spec.id)) accountName.set(a.id, { name: a.name, provider: a.provider });
  return {
    uptimeSeconds: Math.round((now - services.startedAt) / 1000),
    version: VERSION,
    memory: { rss: memory.rss, heapUsed: memory.heapUsed },
    dataDir: services.config.dataDir,
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
    lockouts: services.loginThrottle.lockouts(now).map((l) => ({ kind: "login", ip: l.ip, until: new Date(l.until).toISOString() })),
    cache: services.cache.stats(),
    latency: services.latency.stats(),
  };
}

export function healthRoutes(services: Services) {
  return new Hono().get("/", (c) => c.json(healthSnapshot(services)));
}
