// The ambient store on both dialects: services holding it write inside a caller's transaction, hear of commits only, and savepoints undo a part.
import { expect, test } from "bun:test";
import { ambientStore, withSavepoint } from "../../src/db/ambient-store.ts";
import { readSetting, writeSetting } from "../../src/db/queries/settings.ts";
import { createSettingsStore } from "../../src/settings/store.ts";
import { describeEachStore } from "../support/stores.ts";

describeEachStore("ambient store", (fresh) => {
  test("a service holding the store writes inside the caller's transaction: a rollback takes its write back too", async () => {
    const { store } = ambientStore(await fresh());
    const settings = await createSettingsStore(store);
    await expect(
      store.transaction(async (tx) => {
        await settings.update({ usageRetentionDays: 7 });
        await writeSetting(tx, "other", true);
        expect(await readSetting(tx, "app")).toMatchObject({ usageRetentionDays: 7 });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await readSetting(store, "app")).toBeUndefined();
    expect(await readSetting(store, "other")).toBeUndefined();
    await settings.reload();
    expect(settings.get().usageRetentionDays).not.toBe(7);

    await store.transaction(async () => {
      await settings.update({ usageRetentionDays: 9 });
    });
    expect(await readSetting(store, "app")).toMatchObject({ usageRetentionDays: 9 });
  });

  test("what waits for the commit runs after it, never after a rollback, and at once outside a transaction", async () => {
    const { store, afterCommit } = ambientStore(await fresh());
    const told: string[] = [];
    afterCommit(() => told.push("outside"));
    await store.transaction(async (tx) => {
      await writeSetting(tx, "a", 1);
      afterCommit(() => told.push("committed"));
      // A nested transaction is the same one: its notices wait for the outer commit.
      await store.transaction(async () => afterCommit(() => told.push("nested")));
      expect(told).toEqual(["outside"]);
    });
    await store
      .transaction(async () => {
        afterCommit(() => told.push("rolled back"));
        throw new Error("no");
      })
      .catch(() => undefined);
    expect(told).toEqual(["outside", "committed", "nested"]);
  });

  test("a savepoint undoes only its own writes when its part throws", async () => {
    const { store } = ambientStore(await fresh());
    await store.transaction(async () => {
      await writeSetting(store, "kept", 1);
      await expect(
        withSavepoint(store, "part", async () => {
          await writeSetting(store, "undone", 2);
          throw new Error("unchanged");
        }),
      ).rejects.toThrow("unchanged");
      expect(await withSavepoint(store, "part", async () => writeSetting(store, "second", 3).then(() => "done"))).toBe("done");
    });
    expect(await readSetting(store, "kept")).toBe(1);
    expect(await readSetting(store, "undone")).toBeUndefined();
    expect(await readSetting(store, "second")).toBe(3);
  });

  test("a timer started inside a transaction and firing after it writes through the store itself, and is heard of at once", async () => {
    const { store, afterCommit } = ambientStore(await fresh());
    let later!: Promise<void>;
    const told: string[] = [];
    await store.transaction(async (tx) => {
      await writeSetting(tx, "now", 1);
      later = new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          writeSetting(store, "later", 2)
            .then(() => afterCommit(() => told.push("later")))
            .then(resolve, reject);
        }, 20),
      );
    });
    await later;
    expect(told).toEqual(["later"]);
    expect(await readSetting(store, "later")).toBe(2);
  });

  test("calls made outside the transaction are not part of it (on PostgreSQL they do not see it before the commit)", async () => {
    const base = await fresh();
    const { store } = ambientStore(base);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const running = store.transaction(async (tx) => {
      await writeSetting(tx, "pending", true);
      inside();
      if (base.dialect === "postgres") await held; // SQLite's transaction awaits only its own calls (store.ts)
    });
    await started;
    // Another request, in its own async context: PostgreSQL isolates it; SQLite has one connection and one writer.
    const seen = await readSetting(store, "pending");
    expect(seen).toBe(base.dialect === "postgres" ? undefined : true);
    release();
    await running;
    expect(await readSetting(store, "pending")).toBe(true);
  });
});
