// Queries for sync_documents (the cloud side of sync): pull by rev, push with a compare-and-set on each document's rev.
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { Db } from "../client.ts";
import { syncDocuments } from "../schema.ts";

export type SyncDocumentRow = typeof syncDocuments.$inferSelect;

export interface DocumentWrite {
  id: string;
  kind: string;
  baseRev: number;
  updatedAt: number;
  deleted: boolean;
  ciphertext: string;
}

export function latestRev(db: Db, space: string): number {
  return (
    db
      .select({ rev: max(syncDocuments.rev) })
      .from(syncDocuments)
      .where(eq(syncDocuments.space, space))
      .get()?.rev ?? 0
  );
}

/** Documents of a space written after `since`, oldest first. */
export function documentsSince(db: Db, space: string, since: number, limit: number): SyncDocumentRow[] {
  return db
    .select()
    .from(syncDocuments)
    .where(and(eq(syncDocuments.space, space), gt(syncDocuments.rev, since)))
    .orderBy(asc(syncDocuments.rev))
    .limit(limit)
    .all();
}

/**
 * Writes each document whose current rev equals its baseRev, under the next rev of the space; refuses the others,
 * and refuses one older than the version it would replace (its updatedAt is bound into the ciphertext, so a replayed
 * old document cannot claim a newer time). One transaction: two devices pushing at once never both overwrite the same version.
 */
export function writeDocuments(db: Db, space: string, writes: DocumentWrite[]) {
  return db.transaction(
    (tx) => {
      let rev =
        tx
          .select({ rev: max(syncDocuments.rev) })
          .from(syncDocuments)
          .where(eq(syncDocuments.space, space))
          .get()?.rev ?? 0;
      const accepted: Array<{ id: string; rev: number }> = [];
      const rejected: Array<{ id: string; rev: number }> = [];
      for (const w of writes) {
        const current = tx
          .select({ rev: syncDocuments.rev, updatedAt: syncDocuments.updatedAt })
          .from(syncDocuments)
          .where(and(eq(syncDocuments.space, space), eq(syncDocuments.id, w.id)))
          .get();
        if ((current?.rev ?? 0) !== w.baseRev || (current && w.updatedAt < current.updatedAt)) {
          rejected.push({ id: w.id, rev: current?.rev ?? 0 });
          continue;
        }
        rev += 1;
        const row = { kind: w.kind, rev, updatedAt: w.updatedAt, deleted: w.deleted, ciphertext: w.ciphertext, receivedAt: Date.now() };
        tx.insert(syncDocuments)
          .values({ space, id: w.id, ...row })
          .onConflictDoUpdate({ target: [syncDocuments.space, syncDocuments.id], set: row })
          .run();
        accepted.push({ id: w.id, rev });
      }
      return { rev, accepted, rejected };
    },
    { behavior: "immediate" },
  );
}
