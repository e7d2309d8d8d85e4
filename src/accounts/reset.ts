// Clearing breakers and cooldowns: everything, one provider, or one connection (/api/resilience/reset and the Health page).
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";

export interface ResetScope {
  provider?: string;
  connectionId?: string;
}

export function resetResilience(services: Services, scope: ResetScope): { breakers: number; cooldowns: number } {
  const { breakers, cooldowns } = services.health;
  if (scope.connectionId) return { breakers: 0, cooldowns: cooldowns.reset(new Set([scope.connectionId])) };
  if (scope.provider) {
    const spec = services.providers.get(scope.provider);
    if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${scope.provider}".`, { param: "provider" });
    const ids = new Set(services.accounts.accountsOf(spec.id).map((a) => a.id));
    return { breakers: breakers.reset(spec.id), cooldowns: cooldowns.reset(ids) };
  }
  return { breakers: breakers.reset(), cooldowns: cooldowns.reset() };
}
