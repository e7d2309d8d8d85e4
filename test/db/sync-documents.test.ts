// The cloud side of sync on both dialects: a push is a compare-and-set per document under the space's next rev, pushes
// to one space take turns (also from two instances on one PostgreSQL), and a space's salt is made once.
import { expect, test } from "bun:test";
import { documentsSince, latestRev, writeDocuments, type DocumentWrite } from "../../src/db/queries/sync-documents.ts";
import { spaceSalt } from "../../src/db/queries/sync-spaces.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { describeEachStore } from "../support/stores.ts";

const doc = (id: string, baseRev: number, updatedAt = 1_000, ciphertext = `c-${id}`): DocumentWrite => ({
  id,
  kind: "provider",
  baseRev,
  updatedAt,
  deleted: false,
  ciphertext,
});

describeEachStore("sync documents", (fresh) => {
  test("a push writes the documents whose base rev is current, under the space's next revs, and refuses the others", async () => {
    const s = await fresh();
    expect(await latestRev(s, "team")).toBe(0);
    expect(await writeDocuments(s, "team", [doc("a", 0), doc("b", 0)])).toEqual({
      rev: 2,
      accepted: [
        { id: "a", rev: 1 },
        { id: "b", rev: 2 },
      ],
      rejected: [],
    });
    // A device that had not seen rev 1 of "a"; another replaying an older version of "b"; a new one.
    expect(await writeDocuments(s, "team", [doc("a", 0), { ...doc("b", 2, 999) }, doc("c", 0)])).toEqual({
      rev: 3,
      accepted: [{ id: "c", rev: 3 }],
      rejected: [
        { id: "a", rev: 1 },
        { id: "b", rev: 2 },
      ],
    });
    expect(await writeDocuments(s, "team", [{ ...doc("a", 1, 2_000, "new"), deleted: true }])).toMatchObject({ rev: 4, rejected: [] });
    expect(await latestRev(s, "team")).toBe(4);
    expect(await latestRev(s, "other")).toBe(0);
    const pulled = await documentsSince(s, "team", 1, 10);
    expect(pulled.map((d) => [d.id, d.rev, d.deleted, d.ciphertext])).toEqual([
      ["b", 2, false, "c-b"],
      ["c", 3, false, "c-c"],
      ["a", 4, true, "new"],
    ]);
    expect(typeof pulled[0]!.updatedAt).toBe("number");
    expect(await documentsSince(s, "team", 0, 2)).toHaveLength(2);
  });

  test("pushes to one space at once take turns: every rev is given once, every document written once", async () => {
    const s = await fresh();
    const pushes = Array.from({ length: 8 }, (_, i) => writeDocuments(s, "team", [doc(`d${i}`, 0), doc("shared", 0, 1_000, `from ${i}`)]));
    const results = await Promise.all(pushes);
    const revs = results.flatMap((r) => r.accepted.map((a) => a.rev)).sort((a, b) => a - b);
    expect(revs).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
    expect(results.filter((r) => r.accepted.some((a) => a.id === "shared"))).toHaveLength(1);
    expect(await latestRev(s, "team")).toBe(9);
  });

  test("a space's salt is made once and kept; documents from before it had one are dropped with its making", async () => {
    const s = await fresh();
    await writeDocuments(s, "legacy", [doc("old", 0)]);
    const first = await spaceSalt(s, "legacy");
    expect(first).toMatchObject({ created: true, dropped: 1 });
    expect(first.salt).toMatch(/^[\w-]{43}$/);
    expect(await spaceSalt(s, "legacy")).toEqual({ salt: first.salt, created: false, dropped: 0 });
    expect(await documentsSince(s, "legacy", 0, 10)).toEqual([]);
    const together = await Promise.all(Array.from({ length: 4 }, () => spaceSalt(s, "new")));
    expect(new Set(together.map((r) => r.salt)).size).toBe(1);
    expect(together.filter((r) => r.created)).toHaveLength(1);
  });
});

describeWithPostgres("sync documents from two instances", (postgres) => {
  test("pushes to one space from two instances take turns; their salts agree", async () => {
    const url = await postgres().createDatabase();
    const a = (await openPostgresStore(url, { poolMax: 4 })).store;
    const b = (await openPostgresStore(url, { poolMax: 4 })).store;
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => writeDocuments(i % 2 ? a : b, "team", [doc(`d${i}`, 0), doc("shared", 0)])),
      );
      const revs = results.flatMap((r) => r.accepted.map((x) => x.rev)).sort((x, y) => x - y);
      expect(revs).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      const salts = await Promise.all([spaceSalt(a, "team"), spaceSalt(b, "team"), spaceSalt(a, "team"), spaceSalt(b, "team")]);
      expect(new Set(salts.map((r) => r.salt)).size).toBe(1);
      expect(salts.filter((r) => r.created)).toHaveLength(1);
    } finally {
      await closePostgresStore(a);
      await closePostgresStore(b);
    }
  }, 30_000);
});
