// Queries for the settings table: JSON values by key.
import { eq, sql } from "drizzle-orm";
import { first, type Store } from "../store.ts";

export async function readSetting<T>(s: Store, key: string): Promise<T | undefined> {
  const t = s.t.settings;
  const row = first(await s.db.select({ value: t.value }).from(t).where(eq(t.key, key)));
  return row?.value as T | undefined;
}

/**
 * The value under `key`, read to be rewritten in the caller's transaction: on PostgreSQL the transaction first takes
 * a lock on the key (an advisory transaction lock), so two instances rewriting it at once take turns and neither
 * loses the other's change; SQLite's transactions already take turns.
 */
export async function readSettingForUpdate<T>(tx: Store, key: string): Promise<T | undefined> {
  if (tx.dialect === "postgres") await tx.rows(sql`select pg_advisory_xact_lock(${SETTING_LOCK_CLASS}, hashtext(${key}))`);
  return readSetting<T>(tx, key);
}

/** The first half of the two-part advisory keys of settings rows ("Omns"), apart from src/db/pg-lock.ts's bigint keys. */
const SETTING_LOCK_CLASS = 0x4f6d6e73;

export async function writeSetting(s: Store, key: string, value: unknown): Promise<void> {
  const t = s.t.settings;
  const at = Date.now();
  await s.db
    .insert(t)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: t.key, set: { value, updatedAt: at } });
}

/** Stores `value` under `key` unless something is there already; true when this call stored it (of racing instances, one). */
export async function insertSettingIfAbsent(s: Store, key: string, value: unknown): Promise<boolean> {
  const t = s.t.settings;
  const inserted = await s.db
    .insert(t)
    .values({ key, value, updatedAt: Date.now() })
    .onConflictDoNothing({ target: t.key })
    .returning({ key: t.key });
  return inserted.length > 0;
}

/** When the value under `key` was last written (ms), or undefined when nothing is stored under it. */
export async function settingUpdatedAt(s: Store, key: string): Promise<number | undefined> {
  const t = s.t.settings;
  return first(await s.db.select({ updatedAt: t.updatedAt }).from(t).where(eq(t.key, key)))?.updatedAt;
}
