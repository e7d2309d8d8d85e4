// Queries for sync_spaces (the cloud side of sync): each space's random key-derivation salt, created on first use.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { syncDocuments, syncSpaces } from "../schema.ts";

/**
 * The salt of `space`, created at random when the space has none. Documents a space holds from before it had a salt
 * were written under keys salted by the space's name (an older OmniRoute): no device reads them any more, so they go
 * in the same transaction and each device sends its items again.
 */
export function spaceSalt(db: Db, space: string): { salt: string; created: boolean; dropped: number } {
  return db.transaction(
    (tx) => {
      const row = tx.select({ salt: syncSpaces.salt }).from(syncSpaces).where(eq(syncSpaces.space, space)).get();
      if (row) return { salt: row.salt, created: false, dropped: 0 };
      const salt = randomBytes(32).toString("base64url");
      tx.insert(syncSpaces).values({ space, salt, createdAt: Date.now() }).run();
      const dropped = tx.delete(syncDocuments).where(eq(syncDocuments.space, space)).returning({ id: syncDocuments.id }).all().length;
      return { salt, created: true, dropped };
    },
    { behavior: "immediate" },
  );
}
