// Whether the store answers, asked at most once a second: /readyz waits for a fresh answer, /healthz and the Health page read the last one.
import type { Store } from "./store.ts";

/** How long a ping may take before the store counts as unreachable (a PostgreSQL that stopped answering). */
export const PING_TIMEOUT_MS = 1_000;
const FRESH_MS = 1_000;

export interface StoreState {
  kind: "sqlite" | "postgresql";
  /** The file, or host:port/database. */
  where: string;
  reachable: boolean;
  /** Why not, in the database's words (unreachable only). */
  error?: string;
  /** When it was last asked (epoch ms). */
  checkedAt: number;
}

export interface StoreProbe {
  /** The last answer (asking again in the background when it is older than a second). */
  last(): StoreState;
  /** A fresh answer (shared with any ask already under way). */
  check(): Promise<StoreState>;
}

export function createStoreProbe(store: Store, now: () => number = Date.now): StoreProbe {
  const kind = store.dialect === "sqlite" ? "sqlite" : "postgresql";
  let state: StoreState = { kind, where: store.where, reachable: true, checkedAt: 0 };
  let asking: Promise<StoreState> | undefined;
  const check = (): Promise<StoreState> => {
    asking ??= store
      .ping(PING_TIMEOUT_MS)
      .then(
        (): StoreState => ({ kind, where: store.where, reachable: true, checkedAt: now() }),
        (error: unknown): StoreState => ({
          kind,
          where: store.where,
          reachable: false,
          error: error instanceof Error ? error.message : String(error),
          checkedAt: now(),
        }),
      )
      .then((fresh) => {
        state = fresh;
        asking = undefined;
        return fresh;
      });
    return asking;
  };
  return {
    last() {
      if (now() - state.checkedAt > FRESH_MS) void check();
      return state;
    },
    check,
  };
}
