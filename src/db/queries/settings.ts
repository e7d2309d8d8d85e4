// Queries for the settings table: JSON values by key.
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { settings } from "../schema.ts";

export function readSetting<T>(db: Db, key: string): T | undefined {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
  return row?.value as T | undefined;
}

export function writeSetting(db: Db, key: string, value: unknown): void {
  db.insert(settings)
    .values({ key, value, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: Date.now() } })
    .run();
}

/** When the value under `key` was last written (ms), or undefined when nothing is stored under it. */
export function settingUpdatedAt(db: Db, key: string): number | undefined {
  return db.select({ updatedAt: settings.updatedAt }).from(settings).where(eq(settings.key, key)).get()?.updatedAt;
}
