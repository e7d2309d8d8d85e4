// Queries for sync_documents (the cloud side of sync): pull by rev, push with a compare-and-set on each document's rev.
import { and, asc, eq, gt, max, sql } from "drizzle-orm";
import type { syncDocuments } from "../schema.ts";
import { first, type Store } from "../store.ts";

export type SyncDocumentRow = typeof syncDocuments.$inferSelect;

export interface DocumentWrite {
  id: string;
  kind: string;
  baseRev: number;
  updatedAt: number;
  deleted: boolean;
  ciphertext: string;
}

export async function latestRev(s: Store, space: string): Promise<number> {
  const d = s.t.syncDocuments;
  return (
    first(
      await s.db
        .select({ rev: max(d.rev) })
        .from(d)
        .where(eq(d.space, space)),
    )?.rev ?? 0
  );
}

/** Documents of a space written after `since`, oldest first. */
export async function documentsSince(s: Store, space: string, since: number, limit: number): Promise<SyncDocumentRow[]> {
  const d = s.t.syncDocuments;
  return s.db
    .select()
    .from(d)
    .where(and(eq(d.space, space), gt(d.rev, since)))
    .orderBy(asc(d.rev))
    .limit(limit);
}

/**
 * Writes each document whose current rev equals its baseRev, under the next rev of the space; refuses the others,
 * and refuses one older than the version it would replace (its updatedAt is bound into the ciphertext, so a replayed
 * old document cannot claim a newer time). One transaction: two devices pushing at once never both overwrite the same
 * version. SQLite's transaction holds the only writer; on PostgreSQL an advisory lock on the space makes pushes to one
 * space (from any instance) take turns, so each reads the revs the last one wrote.
 */
export async function writeDocuments(s: Store, space: string, writes: DocumentWrite[]) {
  const receivedAt = Date.now();
  return s.transaction(async (tx) => {
    const d = tx.t.syncDocuments;
    if (tx.dialect === "postgres")
      await tx.rows(sql`select pg_advisory_xact_lock(hashtextextended(${`omniroute sync space ${space}`}, 0))`);
    let rev =
      first(
        await tx.db
          .select({ rev: max(d.rev) })
          .from(d)
          .where(eq(d.space, space)),
      )?.rev ?? 0;
    const accepted: Array<{ id: string; rev: number }> = [];
    const rejected: Array<{ id: string; rev: number }> = [];
    for (const w of writes) {
      const current = first(
        await tx.db
          .select({ rev: d.rev, updatedAt: d.updatedAt })
          .from(d)
          .where(and(eq(d.space, space), eq(d.id, w.id))),
      );
      if ((current?.rev ?? 0) !== w.baseRev || (current && w.updatedAt < current.updatedAt)) {
        rejected.push({ id: w.id, rev: current?.rev ?? 0 });
        continue;
      }
      rev += 1;
      const row = { kind: w.kind, rev, updatedAt: w.updatedAt, deleted: w.deleted, ciphertext: w.ciphertext, receivedAt };
      await tx.db
        .insert(d)
        .values({ space, id: w.id, ...row })
        .onConflictDoUpdate({ target: [d.space, d.id], set: row });
      accepted.push({ id: w.id, rev });
    }
    return { rev, accepted, rejected };
  });
}
