// Queries for resilience_state: the persisted snapshot of breakers and cooldowns.
import { eq } from "drizzle-orm";
import { first, type Store } from "../store.ts";

export async function readResilienceState<T>(s: Store, key: string): Promise<T | undefined> {
  const r = s.t.resilienceState;
  return first(await s.db.select({ value: r.value }).from(r).where(eq(r.key, key)))?.value as T | undefined;
}

export async function writeResilienceState(s: Store, key: string, value: unknown): Promise<void> {
  const r = s.t.resilienceState;
  const at = Date.now();
  await s.db
    .insert(r)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: r.key, set: { value, updatedAt: at } });
}
