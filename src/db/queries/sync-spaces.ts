// Queries for sync_spaces (the cloud side of sync): each space's random key-derivation salt, created on first use.
import { eq } from "drizzle-orm";
import { first, type Store } from "../store.ts";

/**
 * The salt of `space`, created at random when the space has none. Documents a space holds from before it had a salt
 * were written under keys salted by the space's name (an older OmniRoute): no device reads them any more, so they go
 * in the same transaction and each device sends its items again. Two instances creating the same space at once: the
 * second's insert does nothing and it returns the first's salt.
 */
export async function spaceSalt(s: Store, space: string): Promise<{ salt: string; created: boolean; dropped: number }> {
  const fresh = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const createdAt = Date.now();
  return s.transaction(async (tx) => {
    const { syncSpaces, syncDocuments } = tx.t;
    const row = first(await tx.db.select({ salt: syncSpaces.salt }).from(syncSpaces).where(eq(syncSpaces.space, space)));
    if (row) return { salt: row.salt, created: false, dropped: 0 };
    const inserted = await tx.db
      .insert(syncSpaces)
      .values({ space, salt: fresh, createdAt })
      .onConflictDoNothing()
      .returning({ salt: syncSpaces.salt });
    if (!inserted.length) {
      const other = first(await tx.db.select({ salt: syncSpaces.salt }).from(syncSpaces).where(eq(syncSpaces.space, space)));
      if (!other) throw new Error(`the salt of sync space "${space}" could not be read`);
      return { salt: other.salt, created: false, dropped: 0 };
    }
    const dropped = (await tx.db.delete(syncDocuments).where(eq(syncDocuments.space, space)).returning({ id: syncDocuments.id })).length;
    return { salt: fresh, created: true, dropped };
  });
}
