// Queries for resilience_state: the persisted snapshot of breakers and cooldowns.
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { resilienceState } from "../schema.ts";

export function readResilienceState<T>(db: Db, key: string): T | undefined {
  return db.select({ value: resilienceState.value }).from(resilienceState).where(eq(resilienceState.key, key)).get()?.value as
    | T
    | undefined;
}

export function writeResilienceState(db: Db, key: string, value: unknown): void {
  db.insert(resilienceState)
    .values({ key, value, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: resilienceState.key, set: { value, updatedAt: Date.now() } })
    .run();
}
