// /api/resilience: provider profiles and default limits; /api/resilience/reset clears breakers and cooldowns.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { ResiliencePatchSchema } from "../accounts/profiles.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function resilienceRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.resilience.get()))
    .patch("/", validate("json", ResiliencePatchSchema), (c) => c.json(services.resilience.update(c.req.valid("json"))))
    .post("/reset", validate("json", z.object({ provider: z.string().min(1).optional(), connectionId: z.string().min(1).optional() }).strict()), (c) => {
      const { provider, connectionId } = c.req.valid("json");
      const { breakers, cooldowns } = services.health;
      if (connectionId) {
        const cleared = cooldowns.reset(new Set([connectionId]));
        return c.json({ ok: true, cleared: { breakers: 0, cooldowns: cleared } });
      }
      if (provider) {
        const spec = services.providers.get(provider);
        if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${provider}".`, { param: "provider" });
        const ids = new Set(services.accounts.accountsOf(spec.id).map((a) => a.id));
        return c.json({ ok: true, cleared: { breakers: breakers.reset(spec.id), cooldowns: cooldowns.reset(ids) } });
      }
      return c.json({ ok: true, cleared: { breakers: breakers.reset(), cooldowns: cooldowns.reset() } });
    });
}
