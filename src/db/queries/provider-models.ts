// Queries for provider_models (custom models added to a provider).
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { providerModels } from "../schema.ts";

export type ProviderModelRow = typeof providerModels.$inferSelect;

export function listProviderModels(db: Db, provider?: string): ProviderModelRow[] {
  const q = db.select().from(providerModels);
  return (provider ? q.where(eq(providerModels.provider, provider)) : q)
    .orderBy(asc(providerModels.provider), asc(providerModels.modelId))
    .all();
}

export function upsertProviderModel(db: Db, row: typeof providerModels.$inferInsert): ProviderModelRow {
  return db
    .insert(providerModels)
    .values(row)
    .onConflictDoUpdate({ target: [providerModels.provider, providerModels.modelId], set: { modelName: row.modelName, type: row.type } })
    .returning()
    .get();
}

export function deleteProviderModel(db: Db, provider: string, modelId: string): boolean {
  return (
    db
      .delete(providerModels)
      .where(and(eq(providerModels.provider, provider), eq(providerModels.modelId, modelId)))
      .returning({ id: providerModels.modelId })
      .all().length > 0
  );
}

export function deleteProviderModelsOf(db: Db, provider: string): void {
  db.delete(providerModels).where(eq(providerModels.provider, provider)).run();
}
