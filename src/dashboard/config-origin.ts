// Which objects the configuration file declared at its last apply, for the dashboard's "from config file" marks.
import { listConfigFileObjects, type ConfigObjectKind } from "../db/queries/config-file-objects.ts";
import type { Services } from "../services.ts";

export type ConfigFileMarks = (kind: ConfigObjectKind, id: string) => boolean;

/** One read per render: a page asks it for each object it shows. */
export async function configFileMarks(services: Pick<Services, "store">): Promise<ConfigFileMarks> {
  const marked = await listConfigFileObjects(services.store);
  return (kind, id) => marked.has(`${kind}:${id}`);
}
