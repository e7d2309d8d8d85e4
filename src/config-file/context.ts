// What one apply collects: the changes per object, the problems (each placed in the file), and the objects the file declared.
import { GatewayError } from "../canonical/errors.ts";
import type { ConfigObjectKind } from "../db/queries/config-file-objects.ts";
import type { Services } from "../services.ts";
import type { Path } from "./interpolate.ts";
import { locate } from "./locate.ts";
import type { ConfigProblem } from "./problems.ts";

export type Section = "nodes" | "providers" | "models" | "combos" | "keys" | "settings" | "resilience" | "pricing" | "proxy";

export interface ConfigChange {
  section: Section;
  /** The object's natural key (connection name, node prefix, `provider/modelId`...) or the section's name. */
  key: string;
  /** What changed, for an update. */
  fields?: string[];
}

export interface ApplyReport {
  dryRun: boolean;
  created: ConfigChange[];
  updated: ConfigChange[];
  removed: ConfigChange[];
  unchanged: number;
}

export interface ApplyContext {
  services: Services;
  report: ApplyReport;
  problems: ConfigProblem[];
  declared: Array<{ kind: ConfigObjectKind; objectId: string }>;
  /** Run one item's writes; a refusal becomes a problem placed at the item (and the field the service named). */
  attempt(at: { section: Section; index?: number; key: string }, write: () => Promise<void>): Promise<void>;
}

export function createContext(services: Services, text: string, dryRun: boolean): ApplyContext {
  const ctx: ApplyContext = {
    services,
    report: { dryRun, created: [], updated: [], removed: [], unchanged: 0 },
    problems: [],
    declared: [],
    async attempt(at, write) {
      try {
        await write();
      } catch (err) {
        const field = err instanceof GatewayError ? err.param : undefined;
        const fieldPath: Path = field ? field.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [];
        const path: Path = at.index === undefined ? [at.section, ...fieldPath] : [at.section, at.index, ...fieldPath];
        const message = err instanceof Error ? err.message.replace(/^[\w.]+: /, "") : String(err);
        ctx.problems.push({
          section: at.section,
          item: at.index === undefined ? undefined : JSON.stringify(at.key),
          field: field || undefined,
          line: locate(text, path),
          message,
        });
      }
    },
  };
  return ctx;
}

/** Equal as JSON values (undefined members dropped). */
export function same(a: unknown, b: unknown): boolean {
  const plain = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
  return Bun.deepEquals(plain(a), plain(b));
}

/** The fields `desired` sets (not undefined) whose value differs from `current`'s. */
export function changedFields<T extends object>(current: Partial<Record<keyof T, unknown>>, desired: T): Array<keyof T & string> {
  return (Object.keys(desired) as Array<keyof T & string>).filter((k) => desired[k] !== undefined && !same(current[k], desired[k]));
}

export function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}
