// What only the embedded database does in tests (bulk fixtures, PRAGMAs): the SQLite under a gateway's Store.
import type { Db } from "../../src/db/client.ts";
import type { Store } from "../../src/db/store.ts";

export function sqliteOf(store: Store): Db {
  if (store.dialect !== "sqlite") throw new Error(`this test needs the gateway on SQLite, not ${store.dialect}`);
  return store.sqlite;
}
