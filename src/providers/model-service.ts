// Custom models added to a provider (built-in or custom node), as the API and dashboard see them.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { deleteProviderModel, listProviderModels, upsertProviderModel, type ProviderModelRow } from "../db/queries/provider-models.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import type { Store } from "../db/store.ts";
import type { ProviderRegistry } from "./registry.ts";

/** What custom models are kept in and checked against. */
export interface CustomModelDeps {
  models: CustomModels;
  providers: ProviderRegistry;
}

/**
 * The custom models in memory, so listing models (GET /v1/models) and a media call's model type need no database
 * read; written through to the store, reloaded when another instance changes them.
 */
export interface CustomModels {
  /** All, or one provider's, by provider then model id. */
  list(provider?: string): readonly ProviderModelRow[];
  /** Adds the model, or renames/retypes it when the provider already has that id. */
  upsert(row: Pick<ProviderModelRow, "provider" | "modelId" | "modelName" | "type">): Promise<ProviderModelRow>;
  /** False when the provider has no such model. */
  remove(provider: string, modelId: string): Promise<boolean>;
  reload(): Promise<void>;
  /** Models were written here (or with a node, in its transaction): reload, then tell the other instances. */
  changed(): Promise<void>;
}

export async function createCustomModels(store: Store, changed: (area: ChangeArea) => void = () => {}): Promise<CustomModels> {
  let all: ProviderModelRow[] = [];
  let byProvider = new Map<string, ProviderModelRow[]>();
  const reload = async () => {
    const rows = await listProviderModels(store);
    const next = new Map<string, ProviderModelRow[]>();
    for (const row of rows) next.set(row.provider, [...(next.get(row.provider) ?? []), row]);
    all = rows;
    byProvider = next;
  };
  const wrote = async () => {
    await reload();
    changed("models");
  };
  await reload();
  return {
    list: (provider) => (provider === undefined ? all : (byProvider.get(provider) ?? [])),
    async upsert(row) {
      const stored = await upsertProviderModel(store, row);
      await wrote();
      return stored;
    },
    async remove(provider, modelId) {
      const removed = await deleteProviderModel(store, provider, modelId);
      if (removed) await wrote();
      return removed;
    },
    reload,
    changed: wrote,
  };
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

export function listCustomModels(deps: CustomModelDeps, provider?: string): readonly ProviderModelRow[] {
  return deps.models.list(provider ? requireProviderId(deps, provider) : undefined);
}

/** Adds the model, or renames/retypes it when the provider already has that id. */
export function addCustomModel(deps: CustomModelDeps, input: CustomModelInput): Promise<ProviderModelRow> {
  return deps.models.upsert({
    provider: requireProviderId(deps, input.provider),
    modelId: input.modelId,
    modelName: input.modelName ?? input.modelId,
    type: input.type ?? "chat",
  });
}

export async function removeCustomModel(deps: CustomModelDeps, provider: string, modelId: string): Promise<void> {
  if (!(await deps.models.remove(requireProviderId(deps, provider), modelId))) {
    throw new GatewayError("not_found", `Provider "${provider}" has no custom model "${modelId}".`, { code: "model_not_found" });
  }
}
