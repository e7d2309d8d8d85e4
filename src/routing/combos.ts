// Combos as a service: validated, kept in memory for routing, cycles refused when saved.
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import type { ChangeArea } from "../db/change-feed.ts";
import { deleteCombo, getCombo, insertCombo, listCombos, updateCombo, type ComboRow } from "../db/queries/combos.ts";
import type { Store } from "../db/store.ts";
import { COMBO_STRATEGIES } from "../settings/schema.ts";
import type { ComboMember } from "./combo-strategies/index.ts";

const MemberSchema = z.union([
  z.string().min(1).max(300),
  z.object({ model: z.string().min(1).max(300), weight: z.number().min(0).max(1_000_000).optional() }).strict(),
]);

export const ComboInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\s/]+$/, "must not contain spaces or '/' (it is used as a model name)"),
    strategy: z.enum(COMBO_STRATEGIES).optional(),
    models: z.array(MemberSchema).min(1, "must name at least one model").max(50),
  })
  .strict();

export type ComboInput = z.infer<typeof ComboInputSchema>;

export interface Combo {
  id: string;
  name: string;
  strategy: ComboRow["strategy"];
  members: ComboMember[];
}

export interface ComboStore {
  byName(name: string): Combo | undefined;
  list(): Combo[];
  create(input: ComboInput, defaultStrategy: Combo["strategy"]): Promise<Combo>;
  update(id: string, input: Partial<ComboInput>): Promise<Combo>;
  remove(id: string): Promise<void>;
  /** Re-read the combos (another instance changed them, or an import). */
  reload(): Promise<void>;
  /** Combos were written here outside this store (sync): reload, then tell the other instances. */
  changed(): Promise<void>;
}

function toCombo(row: ComboRow): Combo {
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy,
    members: row.models.map((m) => ({ model: m.model, weight: m.weight ?? 1 })),
  };
}

function normalizeMembers(models: ComboInput["models"]) {
  return models.map((m) => (typeof m === "string" ? { model: m } : m));
}

/** Loaded before it is returned; `changed` tells the other instances when a combo was written here. */
export async function createComboStore(store: Store, changed: (area: ChangeArea) => void = () => {}): Promise<ComboStore> {
  let byName = new Map<string, Combo>();
  const reload = async () => {
    byName = new Map((await listCombos(store)).map((row) => [row.name.toLowerCase(), toCombo(row)]));
  };
  const wrote = async () => {
    await reload();
    changed("combos");
  };
  await reload();

  /** Refuse a combo that, through the combos it names, would name itself. */
  const assertNoCycle = (name: string, members: Array<{ model: string }>) => {
    const visit = (current: string, path: string[]) => {
      const combo = current.toLowerCase() === name.toLowerCase() ? { members } : byName.get(current.toLowerCase());
      if (!combo) return;
      for (const m of combo.members) {
        if (m.model.toLowerCase() === name.toLowerCase()) {
          throw new GatewayError("invalid_request", `Combo "${name}" would contain itself: ${[...path, m.model].join(" -> ")}.`, {
            param: "models",
            code: "combo_cycle",
          });
        }
        if (byName.has(m.model.toLowerCase()) && !path.includes(m.model)) visit(m.model, [...path, m.model]);
      }
    };
    visit(name, [name]);
  };

  const assertNameFree = (name: string, exceptId?: string) => {
    const existing = byName.get(name.toLowerCase());
    if (existing && existing.id !== exceptId)
      throw new GatewayError("conflict", `A combo named "${name}" already exists.`, { param: "name", code: "combo_exists" });
  };

  return {
    byName: (name) => byName.get(name.toLowerCase()),
    list: () => [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    async create(input, defaultStrategy) {
      assertNameFree(input.name);
      const members = normalizeMembers(input.models);
      assertNoCycle(input.name, members);
      const row = await insertCombo(store, {
        id: Bun.randomUUIDv7(),
        name: input.name,
        strategy: input.strategy ?? defaultStrategy,
        models: members,
      });
      await wrote();
      return toCombo(row);
    },
    async update(id, input) {
      const before = await getCombo(store, id);
      if (!before) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
      const name = input.name ?? before.name;
      if (input.name) assertNameFree(input.name, id);
      const members = input.models ? normalizeMembers(input.models) : before.models;
      assertNoCycle(name, members);
      const row = await updateCombo(store, id, { name, strategy: input.strategy ?? before.strategy, models: members });
      if (!row) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
      await wrote();
      return toCombo(row);
    },
    async remove(id) {
      if (!(await deleteCombo(store, id))) throw new GatewayError("not_found", `No combo with id "${id}".`, { code: "combo_not_found" });
      await wrote();
    },
    reload,
    changed: wrote,
  };
}
