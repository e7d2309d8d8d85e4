// A store whose calls join the transaction their caller is in: services keep one store, and a configuration apply that
// runs them inside `store.transaction` writes through its transaction on either dialect, telling the others after commit.
import { AsyncLocalStorage } from "node:async_hooks";
import { sql } from "drizzle-orm";
import type { Store } from "./store.ts";

interface Ambient {
  tx: Store;
  /** Run once the outermost transaction committed (dropped when it rolls back). */
  afterCommit: Array<() => void>;
  /** False once it ended: a timer or promise started inside it and running later uses the store itself again. */
  open: boolean;
}

export interface AmbientStore {
  /** The store to hand to every service: inside `transaction(fn)`, anything `fn` calls (awaited) runs on its transaction. */
  store: Store;
  /** Runs `then` now, or once the transaction the caller is in has committed (never, if it rolls back). */
  afterCommit(then: () => void): void;
}

/**
 * Wraps `base` so that, within `store.transaction(fn)` and everything `fn` awaits, `db`, `rows` and nested transactions
 * are the transaction's (AsyncLocalStorage): a service that captured the store at startup writes inside a caller's
 * transaction without being handed `tx`. Outside one, calls go to `base` as before, so other requests are unaffected.
 */
export function ambientStore(base: Store): AmbientStore {
  const als = new AsyncLocalStorage<Ambient>();
  const ambient = (): Ambient | undefined => {
    const found = als.getStore();
    return found?.open ? found : undefined;
  };
  const current = (): Store => ambient()?.tx ?? base;
  const store = {
    ...base,
    get db() {
      return current().db;
    },
    get t() {
      return current().t;
    },
    rows: <R>(query: Parameters<Store["rows"]>[0]) => current().rows<R>(query),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      const outer = ambient();
      if (outer) return outer.tx.transaction(fn);
      const afterCommit: Array<() => void> = [];
      let entered: Ambient | undefined;
      try {
        const result = await base.transaction((tx) => {
          entered = { tx, afterCommit, open: true };
          return als.run(entered, () => fn(tx));
        });
        if (entered) entered.open = false;
        for (const then of afterCommit) then();
        return result;
      } finally {
        if (entered) entered.open = false;
      }
    },
  } as Store;
  return {
    store,
    afterCommit(then) {
      const inside = ambient();
      if (inside) inside.afterCommit.push(then);
      else then();
    },
  };
}

/**
 * Runs `fn` under a savepoint of the transaction the caller is in: when `fn` throws, its writes are undone (and the
 * error rethrown) while the transaction goes on. Both dialects spell SAVEPOINT the same way.
 */
export async function withSavepoint<T>(store: Store, name: string, fn: () => Promise<T>): Promise<T> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a savepoint name: ${name}`);
  await store.rows(sql.raw(`savepoint ${name}`));
  try {
    const result = await fn();
    await store.rows(sql.raw(`release savepoint ${name}`));
    return result;
  } catch (err) {
    await store.rows(sql.raw(`rollback to savepoint ${name}`));
    await store.rows(sql.raw(`release savepoint ${name}`));
    throw err;
  }
}
