// Tells the other instances on one PostgreSQL that a part of the configuration changed, so each reloads its in-memory copy (LISTEN/NOTIFY).
import type { SQL as BunSQL } from "bun";
import { log } from "../log.ts";

/**
 * The parts of the configuration an instance keeps a copy of in memory; a write to one tells the others to reload
 * it. "*" (received only) means "reload everything": notifications sent while the listening connection was down
 * are lost, so it comes after every reconnect.
 */
export const CHANGE_AREAS = ["connections", "nodes", "models", "combos", "settings", "keys", "budgets", "pricing"] as const;
export type ChangeArea = (typeof CHANGE_AREAS)[number];

export interface ChangeFeed {
  /** Tell the other instances `area` changed. Call it after the write committed; it never throws. */
  publish(area: ChangeArea): void;
  /** `onChange` runs for each area another instance changed, and with "*" after the feed (re)connected. */
  subscribe(onChange: (area: ChangeArea | "*") => void): void;
  close(): Promise<void>;
}

/** One instance alone (SQLite): nobody else to tell. */
export const localChangeFeed: ChangeFeed = {
  publish() {},
  subscribe() {},
  async close() {},
};

/** The channel every OmniRoute instance on a database listens on. */
export const CHANGE_CHANNEL = "omniroute_changes";

const isArea = (value: unknown): value is ChangeArea => (CHANGE_AREAS as readonly string[]).includes(value as string);

/**
 * The feed over PostgreSQL's LISTEN/NOTIFY. A notification carries `{ area, from }`; an instance ignores its own
 * (it reloaded when it wrote). Bun re-subscribes after a dropped connection and runs `onlisten` again: every
 * subscriber then gets "*" and reloads all, since what was sent meanwhile is lost. Resolves once listening.
 */
export async function postgresChangeFeed(pool: BunSQL, instanceId: string): Promise<ChangeFeed> {
  const subscribers: Array<(area: ChangeArea | "*") => void> = [];
  /** Notices heard before anyone subscribed (the copies were loading): told to the first subscriber. */
  const early = new Set<ChangeArea | "*">();
  const tell = (area: ChangeArea | "*") => {
    if (!subscribers.length) early.add(area);
    for (const onChange of subscribers) {
      try {
        onChange(area);
      } catch (error) {
        log.error("reloading after a configuration change failed", { area, error: String(error) });
      }
    }
  };
  let listened = false;
  const subscription = await pool.listen(
    CHANGE_CHANNEL,
    (payload) => {
      let message: { area?: unknown; from?: unknown };
      try {
        message = JSON.parse(payload) as typeof message;
      } catch {
        return;
      }
      if (message.from !== instanceId && isArea(message.area)) tell(message.area);
    },
    () => {
      // The first acknowledgement is the start (the copies were just loaded); later ones follow a reconnect.
      if (listened) {
        log.info("configuration feed reconnected: reloading every copy");
        tell("*");
      }
      listened = true;
    },
  );
  return {
    publish(area) {
      pool.notify(CHANGE_CHANNEL, JSON.stringify({ area, from: instanceId })).catch((error: unknown) => {
        // The others miss this change until their next reconnect or the next change of the area; say so.
        log.warn("could not tell the other instances about a configuration change", { area, error: String(error) });
      });
    },
    subscribe(onChange) {
      subscribers.push(onChange);
      if (subscribers.length === 1) for (const area of early) tell(area);
      early.clear();
    },
    async close() {
      await subscription.unlisten().catch(() => undefined);
    },
  };
}
