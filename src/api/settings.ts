// /api/settings: read the settings, and PUT a partial object (validated whole before anything is written).
import { Hono } from "hono";
import type { Services } from "../services.ts";
import { SettingsPatchSchema } from "../settings/schema.ts";
import { validate } from "./validate.ts";

export function settingsRoutes(services: Services) {
  return new Hono()
    .get("/", (c) =>
      c.json({
        ...services.settings.get(),
        requireApiKeyEffective: services.settings.get().requireApiKey ?? services.config.requireApiKey,
      }),
    )
    .put("/", validate("json", SettingsPatchSchema), async (c) => c.json(await services.settings.update(c.req.valid("json"))));
}
