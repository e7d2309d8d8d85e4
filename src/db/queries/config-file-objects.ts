// Queries for config_file_objects: which nodes, models, connections, combos and keys the configuration file declared.
import type { Db } from "../client.ts";
import { configFileObjects } from "../schema.ts";

export type ConfigObjectKind = (typeof configFileObjects.$inferSelect)["kind"];

/** "kind:id" of every object the file declared at its last apply. */
export function listConfigFileObjects(db: Db): Set<string> {
  return new Set(db.select().from(configFileObjects).all().map((r) => `${r.kind}:${r.objectId}`));
}

/** Replace the marks with exactly these objects (the file's last apply). */
export function replaceConfigFileObjects(db: Db, objects: Array<{ kind: ConfigObjectKind; objectId: string }>): void {
  db.delete(configFileObjects).run();
  const at = Date.now();
  for (const o of objects) db.insert(configFileObjects).values({ ...o, appliedAt: at }).onConflictDoNothing().run();
}
