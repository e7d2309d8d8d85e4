// The store seam on both dialects: queries written once give the same rows; transactions commit whole or not at all; the change feed reaches the other instance.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { postgresChangeFeed, type ChangeArea } from "../../src/db/change-feed.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { first } from "../../src/db/store.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeEachStore } from "../support/stores.ts";

describeEachStore("store", (fresh) => {
  test("a row written through the builder reads back with its types (booleans, JSON, ms timestamps)", async () => {
    const s = await fresh();
    const at = 1_765_000_000_123;
    await s.db.insert(s.t.settings).values({ key: "app", value: { theme: "dark", n: [1, 2] }, updatedAt: at });
    await s.db
      .insert(s.t.settings)
      .values({ key: "app", value: { theme: "light" }, updatedAt: at + 1 })
      .onConflictDoUpdate({ target: s.t.settings.key, set: { value: { theme: "light" }, updatedAt: at + 1 } });
    const row = first(await s.db.select().from(s.t.settings).where(eq(s.t.settings.key, "app")));
    expect(row).toEqual({ key: "app", value: { theme: "light" }, updatedAt: at + 1 });
    expect(typeof row?.updatedAt).toBe("number");
  });

  test("a transaction that throws leaves nothing; one that returns keeps everything", async () => {
    const s = await fresh();
    await expect(
      s.transaction(async (tx) => {
        await tx.db.insert(tx.t.settings).values({ key: "a", value: 1, updatedAt: 1 });
        await tx.transaction(async (inner) => inner.db.insert(inner.t.settings).values({ key: "b", value: 2, updatedAt: 2 }));
        throw new Error("half-way");
      }),
    ).rejects.toThrow("half-way");
    expect(await s.db.select().from(s.t.settings)).toEqual([]);
    const n = await s.transaction(async (tx) => {
      await tx.db.insert(tx.t.settings).values({ key: "a", value: 1, updatedAt: 1 });
      await tx.db.insert(tx.t.settings).values({ key: "b", value: true, updatedAt: 2 });
      return (await tx.db.select().from(tx.t.settings)).length;
    });
    expect(n).toBe(2);
    expect((await s.db.select().from(s.t.settings)).map((r) => r.value)).toEqual([1, true]);
  });

  test("transactions started together each commit whole, beside one that fails", async () => {
    const s = await fresh();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        s.transaction(async (tx) => {
          await tx.db.insert(tx.t.settings).values({ key: `k${i}a`, value: i, updatedAt: i });
          if (i === 2) throw new Error("this one fails");
          await tx.db.insert(tx.t.settings).values({ key: `k${i}b`, value: i, updatedAt: i });
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const keys = (await s.db.select().from(s.t.settings)).map((r) => r.key).sort();
    expect(keys).toEqual(["k0a", "k0b", "k1a", "k1b", "k3a", "k3b", "k4a", "k4b"]);
  });
});

describeWithPostgres("configuration change feed", (postgres) => {
  test("a change published by one instance reaches the other, not itself; after a reconnect every copy reloads", async () => {
    const url = await postgres().createDatabase();
    const a = (await openPostgresStore(url, { poolMax: 2 })).store;
    const b = (await openPostgresStore(url, { poolMax: 2 })).store;
    const feedA = await postgresChangeFeed(a.pg, "instance-a");
    const feedB = await postgresChangeFeed(b.pg, "instance-b");
    const seenA: Array<ChangeArea | "*"> = [];
    const seenB: Array<ChangeArea | "*"> = [];
    feedA.subscribe((area) => seenA.push(area));
    feedB.subscribe((area) => seenB.push(area));
    try {
      feedA.publish("keys");
      await waitUntil("B to hear of the key change", async () => seenB.includes("keys"), 5_000);
      // B's listening connection dies (an outage, a failover): Bun reconnects it and B reloads everything.
      await a.pg`select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN%' and pid <> pg_backend_pid() and application_name = ''`;
      await waitUntil("B to reload all after its feed reconnected", async () => seenB.includes("*"), 15_000);
      expect(seenA.filter((x) => x !== "*")).toEqual([]);
      // An instance whose copies are still loading (nobody subscribed yet) hears what changed meanwhile once it subscribes.
      const feedC = await postgresChangeFeed(b.pg, "instance-c");
      feedA.publish("combos");
      await waitUntil("B to hear of the combo change", async () => seenB.includes("combos"), 5_000);
      const seenC: Array<ChangeArea | "*"> = [];
      feedC.subscribe((area) => seenC.push(area));
      expect(seenC).toEqual(["combos"]);
      await feedC.close();
    } finally {
      await feedA.close();
      await feedB.close();
      await closePostgresStore(a);
      await closePostgresStore(b);
    }
  }, 30_000);
});
