// Combos as sync items: unique by name; written with their ids kept, then the combo store re-reads them.
import { z } from "zod";
import { deleteCombo, getCombo, insertCombo, listCombos, updateCombo } from "../../db/queries/combos.ts";
import { COMBO_STRATEGIES } from "../../settings/schema.ts";
import type { SyncKind } from "./types.ts";

const ComboPayload = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\s/]+$/),
  strategy: z.enum(COMBO_STRATEGIES),
  models: z
    .array(z.object({ model: z.string().min(1).max(300), weight: z.number().min(0).max(1_000_000).optional() }))
    .min(1)
    .max(50),
});

export const comboKind: SyncKind = {
  kind: "combo",
  list: async (services) =>
    (await listCombos(services.store)).map((c) => ({
      localId: c.id,
      label: c.name,
      updatedAt: c.updatedAt,
      uniqueKey: c.name.toLowerCase(),
      payload: { name: c.name, strategy: c.strategy, models: c.models },
    })),
  uniqueKeyOf: (payload) => ComboPayload.safeParse(payload).data?.name.toLowerCase(),
  async upsert(services, localId, payload) {
    const combo = ComboPayload.parse(payload);
    if (await getCombo(services.store, localId)) await updateCombo(services.store, localId, combo);
    else await insertCombo(services.store, { id: localId, ...combo });
  },
  async remove(services, localId) {
    await deleteCombo(services.store, localId);
  },
  reload: (services) => services.combos.changed(),
};
