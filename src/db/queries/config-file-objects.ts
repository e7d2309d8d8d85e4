// Queries for config_file_objects: which nodes, models, connections, combos and keys the configuration file declared.
import { and, eq } from "drizzle-orm";
import type { configFileObjects } from "../schema.ts";
import type { Store } from "../store.ts";

export type ConfigObjectKind = (typeof configFileObjects.$inferSelect)["kind"];

const keyOf = (o: { kind: string; objectId: string }) => `${o.kind}:${o.objectId}`;

/** "kind:id" of every object the file declared at its last apply. */
export async function listConfigFileObjects(s: Store): Promise<Set<string>> {
  return new Set((await s.db.select().from(s.t.configFileObjects)).map(keyOf));
}

/**
 * The marks become exactly these objects (the file's last apply); rows already right are left as they are. One
 * transaction: the marks are read, then only written, so another apply never sees half of this one's.
 */
export async function replaceConfigFileObjects(s: Store, objects: Array<{ kind: ConfigObjectKind; objectId: string }>): Promise<void> {
  await s.transaction(async (tx) => {
    const o = tx.t.configFileObjects;
    const wanted = new Map(objects.map((x) => [keyOf(x), x]));
    const stale = (await tx.db.select().from(o)).filter((row) => !wanted.delete(keyOf(row)));
    for (const row of stale) await tx.db.delete(o).where(and(eq(o.kind, row.kind), eq(o.objectId, row.objectId)));
    const at = Date.now();
    if (wanted.size)
      await tx.db
        .insert(o)
        .values([...wanted.values()].map((x) => ({ ...x, appliedAt: at })))
        .onConflictDoNothing();
  });
}
