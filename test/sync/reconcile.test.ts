// The pure decisions of sync: last write wins (ties by device id), same-name clashes, deletions, echoes, what is pushed.
import { describe, expect, test } from "bun:test";
import {
  planPull,
  planPush,
  stampDeletions,
  type Envelope,
  type PulledDocument,
  type Snapshot,
  type SnapshotItem,
} from "../../src/sync/reconcile.ts";
import type { LedgerEntry } from "../../src/sync/state.ts";

const ME = { id: "bbbb-device", name: "laptop" };
const THEM = { id: "aaaa-device", name: "desktop" };
const NOW = 10_000;
const digestOf = (p: unknown) => `d:${JSON.stringify(p)}`;

function item(id: string, payload: unknown, updatedAt: number, extra: Partial<SnapshotItem> = {}): SnapshotItem {
  return {
    id,
    kind: "combo",
    localId: `local-${id}`,
    label: `combo ${id}`,
    updatedAt,
    payload,
    digest: payload === undefined ? undefined : digestOf(payload),
    ...extra,
  };
}
function entry(id: string, payload: unknown, rev: number, updatedAt: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { kind: "combo", localId: `local-${id}`, rev, digest: digestOf(payload), deleted: false, updatedAt, ...extra };
}
function pulled(id: string, rev: number, payload: unknown, updatedAt: number, extra: Partial<Envelope> = {}): PulledDocument {
  return {
    id,
    rev,
    envelope: {
      v: 1,
      kind: "combo",
      localId: `local-${id}`,
      label: `combo ${id}`,
      updatedAt,
      deleted: false,
      device: THEM,
      payload,
      ...extra,
    },
  };
}
const snap = (...items: SnapshotItem[]): Snapshot => new Map(items.map((i) => [i.id, i]));
const combo = (name: string, strategy = "priority") => ({ name, strategy, models: [{ model: "ds/deepseek-chat" }] });

describe("planPull", () => {
  test("unchanged here: the remote version is applied, no conflict", () => {
    const plan = planPull({
      docs: [pulled("x", 5, combo("x", "random"), 900)],
      snapshot: snap(item("x", combo("x"), 200)),
      ledger: { x: entry("x", combo("x"), 3, 100) },
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(plan.actions).toMatchObject([{ type: "upsert", doc: { id: "x" } }]);
    expect(plan.conflicts).toEqual([]);
  });

  test("edited on both: the later write wins, whichever side it is on, and each time it is recorded", () => {
    const ledger = { x: entry("x", combo("x"), 3, 100) };
    const local = item("x", combo("x", "round-robin"), 500);
    const theirsLater = planPull({
      docs: [pulled("x", 5, combo("x", "random"), 600)],
      snapshot: snap(local),
      ledger,
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(theirsLater.actions).toMatchObject([{ type: "upsert" }]);
    expect(theirsLater.conflicts).toEqual([
      {
        kind: "combo",
        id: "local-x",
        name: "combo x",
        keptFrom: "desktop (aaaa-dev)",
        discardedFrom: "laptop (bbbb-dev)",
        reason: "edited on both",
        at: NOW,
      },
    ]);

    const oursLater = planPull({
      docs: [pulled("x", 5, combo("x", "random"), 400)],
      snapshot: snap(local),
      ledger,
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(oursLater.actions).toEqual([]);
    expect(oursLater.ledger.x).toMatchObject({ rev: 5, digest: ledger.x.digest });
    expect(oursLater.conflicts[0]).toMatchObject({ keptFrom: "laptop (bbbb-dev)", discardedFrom: "desktop (aaaa-dev)" });
    // Ours is still pending, on the rev just pulled.
    expect(planPush(snap(local), { ...ledger, ...oursLater.ledger }, NOW)).toMatchObject([
      { id: "x", baseRev: 5, updatedAt: 500, deleted: false },
    ]);
  });

  test("the same millisecond goes to the higher device id, on both devices alike", () => {
    const ledger = { x: entry("x", combo("x"), 3, 100) };
    const plan = planPull({
      docs: [pulled("x", 5, combo("x", "random"), 500)],
      snapshot: snap(item("x", combo("x", "round-robin"), 500)),
      ledger,
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(plan.conflicts[0]!.keptFrom).toContain("bbbb"); // ME ("bbbb…") > THEM ("aaaa…")
    const mirrored = planPull({
      docs: [{ id: "x", rev: 5, envelope: { ...pulled("x", 5, combo("x", "round-robin"), 500).envelope, device: ME } }],
      snapshot: snap(item("x", combo("x", "random"), 500)),
      ledger,
      me: THEM,
      now: NOW,
      digestOf,
    });
    expect(mirrored.conflicts[0]!.keptFrom).toContain("bbbb");
    expect(mirrored.actions).toMatchObject([{ type: "upsert" }]);
  });

  test("the same edit on both sides is no conflict", () => {
    const plan = planPull({
      docs: [pulled("x", 5, combo("x", "random"), 600)],
      snapshot: snap(item("x", combo("x", "random"), 500)),
      ledger: { x: entry("x", combo("x"), 3, 100) },
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(plan).toMatchObject({ actions: [], conflicts: [], ledger: { x: { rev: 5 } } });
  });

  test("deleted here, edited there later: it comes back; deleted there, unchanged here: it goes", () => {
    const ledger = { x: entry("x", combo("x"), 3, 100, { goneAt: 300 }) };
    const back = planPull({ docs: [pulled("x", 5, combo("x", "random"), 400)], snapshot: snap(), ledger, me: ME, now: NOW, digestOf });
    expect(back.actions).toMatchObject([{ type: "upsert" }]);
    expect(back.conflicts).toHaveLength(1);

    const gone = planPull({
      docs: [pulled("x", 5, null, 400, { deleted: true })],
      snapshot: snap(item("x", combo("x"), 100)),
      ledger: { x: entry("x", combo("x"), 3, 100) },
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(gone.actions).toMatchObject([{ type: "remove", localId: "local-x", docId: "x", ledger: { deleted: true, rev: 5 } }]);
    expect(gone.conflicts).toEqual([]);
  });

  test("this device's own write coming back is skipped", () => {
    const plan = planPull({
      docs: [pulled("x", 5, combo("x"), 100)],
      snapshot: snap(item("x", combo("x", "random"), 900)),
      ledger: { x: entry("x", combo("x"), 5, 100) },
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(plan).toEqual({ actions: [], ledger: {}, conflicts: [], refused: [] });
  });

  test("a new combo with a name taken here: the later one stays, the other is deleted", () => {
    const mine = item("mine", combo("fast"), 500, { uniqueKey: "fast" });
    const theirsLater = planPull({
      docs: [pulled("theirs", 7, combo("fast", "random"), 800)],
      snapshot: snap(mine),
      ledger: {},
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(theirsLater.actions.map((a) => a.type)).toEqual(["remove", "upsert"]);
    expect(theirsLater.conflicts[0]).toMatchObject({ id: "local-mine", reason: "same name", keptFrom: "desktop (aaaa-dev)" });

    const oursLater = planPull({
      docs: [pulled("theirs", 7, combo("fast", "random"), 300)],
      snapshot: snap(mine),
      ledger: {},
      me: ME,
      now: NOW,
      digestOf,
    });
    expect(oursLater.actions).toEqual([]);
    // Theirs is pushed as deleted, ours as new.
    const pushes = planPush(snap(mine), oursLater.ledger, NOW);
    expect(pushes.map((p) => [p.id, p.deleted, p.baseRev])).toEqual([
      ["mine", false, 0],
      ["theirs", true, 7],
    ]);
  });
});

describe("planPush and deletions", () => {
  test("new, edited and deleted items are pushed; unchanged and unreadable ones are not", () => {
    const ledger = {
      same: entry("same", combo("same"), 1, 100),
      edited: entry("edited", combo("edited"), 2, 100),
      gone: entry("gone", combo("gone"), 3, 100),
      unreadable: entry("unreadable", combo("u"), 4, 100),
      deletedBefore: entry("deletedBefore", null, 5, 100, { deleted: true, digest: "" }),
    };
    const snapshot = snap(
      item("same", combo("same"), 100),
      item("edited", combo("edited", "random"), 100),
      item("new", combo("new"), 700),
      item("unreadable", undefined, 900),
    );
    expect(stampDeletions(snapshot, ledger, 4_000)).toBe(true);
    expect(ledger.gone.goneAt).toBe(4_000);
    expect(stampDeletions(snapshot, ledger, 5_000)).toBe(false);
    const pushes = planPush(snapshot, ledger, NOW);
    expect(pushes.map((p) => [p.id, p.deleted, p.baseRev, p.updatedAt])).toEqual([
      // Custom models keep no change time: an edit is always newer than the version it replaced.
      ["edited", false, 2, 101],
      ["new", false, 0, 700],
      ["gone", true, 3, 4_000],
    ]);
  });
});
