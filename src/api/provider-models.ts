// /api/provider-models: custom model ids added to a provider, and /api/models/catalog: every model by provider.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { deleteProviderModel, listProviderModels, upsertProviderModel } from "../db/queries/provider-models.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

const ModelSchema = z.object({
  provider: z.string().min(1).max(64),
  modelId: z.string().min(1).max(200),
  modelName: z.string().min(1).max(200).optional(),
  type: z.enum(["chat", "embedding", "image", "audio"]).optional(),
}).strict();

export function providerModelRoutes(services: Services) {
  const providerId = (name: string, param = "provider") => {
    const spec = services.providers.get(name);
    if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${name}".`, { param });
    return spec.id;
  };
  return new Hono()
    .get("/", validate("query", z.object({ provider: z.string().optional() })), (c) => {
      const { provider } = c.req.valid("query");
      return c.json(listProviderModels(services.db, provider ? providerId(provider) : undefined));
    })
    .post("/", validate("json", ModelSchema), (c) => {
      const input = c.req.valid("json");
      const row = upsertProviderModel(services.db, {
        provider: providerId(input.provider),
        modelId: input.modelId,
        modelName: input.modelName ?? input.modelId,
        type: input.type ?? "chat",
      });
      return c.json(row, 201);
    })
    .delete("/", validate("query", z.object({ provider: z.string().min(1), model: z.string().min(1) })), (c) => {
      const { provider, model } = c.req.valid("query");
      if (!deleteProviderModel(services.db, providerId(provider), model)) {
        throw new GatewayError("not_found", `Provider "${provider}" has no custom model "${model}".`, { code: "model_not_found" });
      }
      return c.body(null, 204);
    });
}

export function modelCatalogRoutes(services: Services) {
  return new Hono().get("/catalog", (c) => {
    const custom = listProviderModels(services.db);
    return c.json(
      services.providers.all().map((p) => ({
        provider: p.id,
        alias: p.alias,
        name: p.name,
        models: [
          ...p.models.map((m) => ({ id: `${p.alias}/${m.id}`, name: m.name, type: m.type, custom: false })),
          ...custom.filter((m) => m.provider === p.id).map((m) => ({ id: `${p.alias}/${m.modelId}`, name: m.modelName, type: m.type, custom: true })),
        ],
      })),
    );
  });
}
