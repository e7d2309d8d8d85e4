// Reloads this instance's in-memory copies of an area when another instance on the same database changed it.
import { log } from "../log.ts";
import type { ChangeArea, ChangeFeed } from "./change-feed.ts";

/** What to reload per area: each copy's `reload` (a copy may be in several areas' lists, or none). */
export type CopiesByArea = Record<ChangeArea, Array<() => Promise<void> | void>>;

/** Subscribes once: an area's copies reload on its notice, every copy on "*" (the feed reconnected). A failed reload is logged. */
export function reloadOnChange(changes: ChangeFeed, copies: CopiesByArea): void {
  changes.subscribe((area) => {
    const due = area === "*" ? [...new Set(Object.values(copies).flat())] : copies[area];
    for (const reload of due) {
      Promise.resolve()
        .then(reload)
        .catch((err: unknown) => log.error("reloading after a configuration change failed", { area, error: String(err) }));
    }
  });
}
