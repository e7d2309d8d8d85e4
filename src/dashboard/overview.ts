// The Overview page's numbers, from the same queries as /api/usage and /api/health.
import { sumUsage } from "../db/queries/usage.ts";
import type { Services } from "../services.ts";
import type { OverviewData } from "../../views/pages/overview.tsx";

export async function overviewData(services: Services, now = Date.now()): Promise<OverviewData> {
  const d = new Date(now);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const totals = await sumUsage(services.store, { groupBy: "day", from: today });
  const sum = (pick: (t: (typeof totals)[number]) => number) => totals.reduce((n, t) => n + pick(t), 0);
  return {
    requestsToday: sum((t) => t.requests),
    tokensToday: sum((t) => t.inputTokens + t.outputTokens),
    costToday: sum((t) => t.costUsd),
    errorsToday: sum((t) => t.errors),
    activeProviders: services.providers
      .all()
      .map((p) => ({ id: p.id, name: p.name, accounts: services.accounts.accountsOf(p.id).length }))
      .filter((p) => p.accounts > 0),
    breakers: services.health.breakers
      .list(now)
      .filter((b) => b.phase !== "closed")
      .map((b) => ({ provider: b.provider, state: b.phase })),
  };
}
