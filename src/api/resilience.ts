// /api/resilience: provider profiles and default limits; /api/resilience/reset clears breakers and cooldowns.
import { Hono } from "hono";
import { z } from "zod";
import { ResiliencePatchSchema } from "../accounts/profiles.ts";
import { resetResilience } from "../accounts/reset.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function resilienceRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.resilience.get()))
    .patch("/", validate("json", ResiliencePatchSchema), async (c) => c.json(await services.resilience.update(c.req.valid("json"))))
    .post(
      "/reset",
      validate("json", z.object({ provider: z.string().min(1).optional(), connectionId: z.string().min(1).optional() }).strict()),
      (c) => c.json({ ok: true, cleared: resetResilience(services, c.req.valid("json")) }),
    );
}
