// Custom models added to a provider (built-in or custom node), as the API and dashboard see them.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { deleteProviderModel, listProviderModels, upsertProviderModel, type ProviderModelRow } from "../db/queries/provider-models.ts";
import type { Db } from "../db/client.ts";
import type { ProviderRegistry } from "./registry.ts";

/** What custom models are kept in and checked against. */
export interface CustomModelDeps {
  db: Db;
  providers: ProviderRegistry;
}

export const MODEL_TYPES = ["chat", "embedding", "image", "audio"] as const;

export const CustomModelInputSchema = z
  .object({
    provider: z.string().min(1).max(64),
    modelId: z.string().min(1).max(200),
    modelName: z.string().min(1).max(200).optional(),
    type: z.enum(MODEL_TYPES).optional(),
  })
  .strict();

export type CustomModelInput = z.infer<typeof CustomModelInputSchema>;

/** The provider's id for an id or alias; an unknown one is a 400 naming `param`. */
export function requireProviderId(deps: CustomModelDeps, name: string, param = "provider"): string {
  const spec = deps.providers.get(name);
  if (!spec) throw new GatewayError("invalid_request", `Unknown provider "${name}".`, { param });
  return spec.id;
}

export function listCustomModels(deps: CustomModelDeps, provider?: string): ProviderModelRow[] {
  return listProviderModels(deps.db, provider ? requireProviderId(deps, provider) : undefined);
}

/** Adds the model, or renames/retypes it when the provider already has that id. */
export function addCustomModel(deps: CustomModelDeps, input: CustomModelInput): ProviderModelRow {
  return upsertProviderModel(deps.db, {
    provider: requireProviderId(deps, input.provider),
    modelId: input.modelId,
    modelName: input.modelName ?? input.modelId,
    type: input.type ?? "chat",
  });
}

export function removeCustomModel(deps: CustomModelDeps, provider: string, modelId: string): void {
  if (!deleteProviderModel(deps.db, requireProviderId(deps, provider), modelId)) {
    throw new GatewayError("not_found", `Provider "${provider}" has no custom model "${modelId}".`, { code: "model_not_found" });
  }
}
