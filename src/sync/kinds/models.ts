// Custom models as sync items: identified by provider and model id; applied through the custom model service.
import { z } from "zod";
import { addCustomModel, MODEL_TYPES } from "../../providers/model-service.ts";
import type { SyncKind } from "./types.ts";

const ModelPayload = z.object({
  provider: z.string().min(1).max(64),
  modelId: z.string().min(1).max(200),
  modelName: z.string().min(1).max(200),
  type: z.enum(MODEL_TYPES),
});

/** `provider/modelId`: provider ids and prefixes have no "/", model ids may. */
const localIdOf = (provider: string, modelId: string) => `${provider}/${modelId}`;

export const modelKind: SyncKind = {
  kind: "model",
  list: async (services) =>
    services.models.list().map((m) => ({
      localId: localIdOf(m.provider, m.modelId),
      label: localIdOf(m.provider, m.modelId),
      updatedAt: m.createdAt,
      payload: { provider: m.provider, modelId: m.modelId, modelName: m.modelName, type: m.type },
    })),
  async upsert(services, localId, payload) {
    const model = ModelPayload.parse(payload);
    if (localIdOf(model.provider, model.modelId) !== localId)
      throw new Error(`model document ${localId} holds ${localIdOf(model.provider, model.modelId)}`);
    await addCustomModel(services, model);
  },
  async remove(services, localId) {
    const slash = localId.indexOf("/");
    await services.models.remove(localId.slice(0, slash), localId.slice(slash + 1));
  },
  async reload() {
    /* the custom models' copy reloads (and tells the other instances) at each write */
  },
};
