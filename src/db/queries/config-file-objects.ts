// Queries for config_file_objects: which nodes, models, connections, combos and keys the configuration file declared.
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { configFileObjects } from "../schema.ts";

export type ConfigObjectKind = (typeof configFileObjects.$inferSelect)["kind"];

const keyOf = (o: { kind: string; objectId: string }) => `${o.kind}:${o.objectId}`;

/** "kind:id" of every object the file declared at its last apply. */
export function listConfigFileObjects(db: Db): Set<string> {
  return new Set(db.select().from(configFileObjects).all().map(keyOf));
}

/** The marks become exactly these objects (the file's last apply); rows already right are left as they are. */
export function replaceConfigFileObjects(db: Db, objects: Array<{ kind: ConfigObjectKind; objectId: string }>): void {
  const wanted = new Map(objects.map((o) => [keyOf(o), o]));
  for (const row of db.select().from(configFileObjects).all()) {
    if (wanted.delete(keyOf(row))) continue;
    db.delete(configFileObjects)
      .where(and(eq(configFileObjects.kind, row.kind), eq(configFileObjects.objectId, row.objectId)))
      .run();
  }
  const at = Date.now();
  for (const o of wanted.values())
    db.insert(configFileObjects)
      .values({ ...o, appliedAt: at })
      .onConflictDoNothing()
      .run();
}
