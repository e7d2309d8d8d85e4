// Queries for provider_models (custom models added to a provider).
import { and, asc, eq } from "drizzle-orm";
import type { providerModels } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type ProviderModelRow = typeof providerModels.$inferSelect;

export async function listProviderModels(s: Store, provider?: string): Promise<ProviderModelRow[]> {
  const m = s.t.providerModels;
  const q = s.db.select().from(m);
  return await (provider ? q.where(eq(m.provider, provider)) : q).orderBy(asc(m.provider), asc(m.modelId));
}

export async function upsertProviderModel(s: Store, row: typeof providerModels.$inferInsert): Promise<ProviderModelRow> {
  const m = s.t.providerModels;
  const stored = first(
    await s.db
      .insert(m)
      .values(row)
      .onConflictDoUpdate({ target: [m.provider, m.modelId], set: { modelName: row.modelName, type: row.type } })
      .returning(),
  );
  if (!stored) throw new Error("the model was not stored");
  return stored;
}

export async function deleteProviderModel(s: Store, provider: string, modelId: string): Promise<boolean> {
  const m = s.t.providerModels;
  const removed = await s.db
    .delete(m)
    .where(and(eq(m.provider, provider), eq(m.modelId, modelId)))
    .returning({ id: m.modelId });
  return removed.length > 0;
}

export async function deleteProviderModelsOf(s: Store, provider: string): Promise<void> {
  const m = s.t.providerModels;
  await s.db.delete(m).where(eq(m.provider, provider));
}
