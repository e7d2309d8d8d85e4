// /api/pricing: USD per 1M tokens for every model (defaults under the user's overrides); PUT sets or (null) restores.
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { PricingPatchSchema } from "../usage/pricing.ts";
import { validate } from "./validate.ts";

export function pricingRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.pricing.table()))
    .put("/", validate("json", PricingPatchSchema), async (c) => c.json(await services.pricing.update(c.req.valid("json"))));
}
