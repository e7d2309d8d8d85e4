// The configuration file's shape: each section is the management API's own zod schema, items keyed by a natural key.
import { z } from "zod";
import { ConnectionCreateSchema } from "../accounts/connection-service.ts";
import { ResiliencePatchSchema } from "../accounts/profiles.ts";
import { KeyCreateSchema } from "../api/keys.ts";
import { BudgetSchema } from "../api/usage.ts";
import { ProxyPatchSchema } from "../network/proxy-config.ts";
import { CustomModelInputSchema } from "../providers/model-service.ts";
import { NodeInputSchema } from "../providers/node-service.ts";
import { ComboInputSchema } from "../routing/combos.ts";
import { SettingsPatchSchema } from "../settings/schema.ts";
import { PricingPatchSchema } from "../usage/pricing.ts";

/** POST /api/providers, with `name` required: it is how the file finds the connection again. */
export const FileConnectionSchema = ConnectionCreateSchema.extend({ name: z.string().min(1).max(100) });

const FileBudgetSchema = BudgetSchema.omit({ keyId: true });

/** POST /api/keys plus the key's value (from the environment) and its budget(s); null removes every budget. */
export const FileKeySchema = KeyCreateSchema.extend({
  key: z.string().min(16, "must be at least 16 characters").max(1000),
  budget: z
    .union([FileBudgetSchema, z.array(FileBudgetSchema).max(3)])
    .nullable()
    .optional(),
});

/** A list section may be left empty (`combos:` alone): nothing is declared in it. */
const list = <T extends z.ZodType>(item: T) => z.array(item).nullable().optional();

export const ConfigFileSchema = z
  .object({
    /** Remove, in each list section the file has, what it does not name. */
    prune: z.boolean().optional(),
    nodes: list(NodeInputSchema),
    providers: list(FileConnectionSchema),
    models: list(CustomModelInputSchema),
    combos: list(ComboInputSchema),
    settings: SettingsPatchSchema.optional(),
    resilience: ResiliencePatchSchema.optional(),
    pricing: PricingPatchSchema.optional(),
    /** PUT /api/settings/proxy; `keys` entries are named by the key's name (ids differ between gateways). */
    proxy: ProxyPatchSchema.optional(),
    keys: list(FileKeySchema),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type FileConnection = z.infer<typeof FileConnectionSchema>;
export type FileKey = z.infer<typeof FileKeySchema>;

export const LIST_SECTIONS = ["nodes", "providers", "models", "combos", "keys"] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];
export const SECTIONS = ["prune", ...LIST_SECTIONS, "settings", "resilience", "pricing", "proxy"] as const;

/** How an item of a list section is named in messages and matched against what exists: its natural key. */
export function naturalKey(section: ListSection, item: unknown): string | undefined {
  if (!item || typeof item !== "object") return undefined;
  const o = item as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  switch (section) {
    case "nodes":
      return s(o.prefix);
    case "providers":
    case "combos":
    case "keys":
      return s(o.name);
    case "models":
      return s(o.provider) && s(o.modelId) ? `${o.provider}/${o.modelId}` : undefined;
    default: {
      const unreachable: never = section;
      throw new Error(`unknown section ${unreachable}`);
    }
  }
}

/** Fields that hold a secret: they must come from the environment (`${VAR}`), never be written in the file. */
export function isSecretField(path: Array<string | number>): boolean {
  const [section, , field, sub] = path;
  if (section === "providers") return field === "apiKey" || (field === "proxy" && sub === "password");
  if (section === "keys") return field === "key";
  if (section === "proxy") return path.at(-1) === "password";
  return false;
}
