// Clearing breakers and cooldowns: everything, one provider, or one connection (/api/resilience/reset and the Health page).
import { GatewayError } from "../canonical/errors.ts";
import type { Health } from "./health.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { AccountPool } from "./pool.ts";

/** The live health to clear, and the provider and account lists that name what to clear. */
export interface ResetDeps {
  health: Health;
  providers: ProviderRegistry;
  accounts: AccountPool;
}

export interface ResetScope {
  provider?: string;
  connectionId?: string;
}

export function resetResilience(deps: ResetDeps, scope: ResetScope): { breakers: number; cooldowns: number } {
  const { breakers, cooldowns } = deps.health;
  if (scope.connectionId) return { breakers: 0, cooldowns: cooldowns.reset(new Set([scope.connectionId])) };
  if (scope.provider) {
    const spec = deps.providers.get(scope.provider);
    if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${scope.provider}".`, { param: "provider" });
    const ids = new Set(deps.accounts.accountsOf(spec.id).map((a) => a.id));
    return { breakers: breakers.reset(spec.id), cooldowns: cooldowns.reset(ids) };
  }
  return { breakers: breakers.reset(), cooldowns: cooldowns.reset() };
}
