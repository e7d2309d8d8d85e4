// /api/provider-models: custom model ids added to a provider, and /api/models/catalog: every model by provider.
import { Hono } from "hono";
import { z } from "zod";
import { CustomModelInputSchema, addCustomModel, listCustomModels, removeCustomModel } from "../providers/model-service.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function providerModelRoutes(services: Services) {
  return new Hono()
    .get("/", validate("query", z.object({ provider: z.string().optional() })), (c) =>
      c.json(listCustomModels(services, c.req.valid("query").provider)),
    )
    .post("/", validate("json", CustomModelInputSchema), async (c) => c.json(await addCustomModel(services, c.req.valid("json")), 201))
    .delete("/", validate("query", z.object({ provider: z.string().min(1), model: z.string().min(1) })), async (c) => {
      const { provider, model } = c.req.valid("query");
      await removeCustomModel(services, provider, model);
      return c.body(null, 204);
    });
}

export function modelCatalogRoutes(services: Services) {
  return new Hono().get("/catalog", (c) => {
    const custom = services.models.list();
    return c.json(
      services.providers.all().map((p) => ({
        provider: p.id,
        alias: p.alias,
        name: p.name,
        models: [
          ...p.models.map((m) => ({ id: `${p.alias}/${m.id}`, name: m.name, type: m.type, custom: false })),
          ...custom
            .filter((m) => m.provider === p.id)
            .map((m) => ({ id: `${p.alias}/${m.modelId}`, name: m.modelName, type: m.type, custom: true })),
        ],
      })),
    );
  });
}
