// The usage writer's group commit: rows of one event-loop turn commit together at its end, and written() (which
// every answer awaits) resolves only then; a row the database refuses is dropped and counted, and rows a full
// disk cannot take are held (bounded) and written once it has room again.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase, type Db } from "../../src/db/client.ts";
import { createUsageWriter, listUsageLogs, type NewUsageRow, type UsageWriter } from "../../src/db/queries/usage.ts";
import { createGroupCommit } from "../../src/db/group-commit.ts";
import { CAN_MOUNT_SMALL_DISK, mountSmallDisk, type SmallDisk } from "../support/small-disk.ts";

const dir = mkdtempSync(join(tmpdir(), "omniroute-usage-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Db;
let writer: UsageWriter;
let n = 0;
beforeEach(async () => {
  db = await openDatabase(join(dir, `u${n++}.sqlite`));
  writer = createUsageWriter(db);
});

const row = (requestId: string): NewUsageRow => ({
  ts: Date.now(),
  requestId,
  endpoint: "chat.completions",
  modelRequested: "ds/deepseek-chat",
  status: 200,
});
const ids = () =>
  listUsageLogs(db, { limit: 10 })
    .map((r) => r.requestId)
    .sort();

describe("usage writer", () => {
  test("rows queued in one turn are committed together at its end; written() waits for that", async () => {
    writer.insert(row("a"));
    writer.insert(row("b"));
    expect(ids()).toEqual([]);
    await writer.written();
    expect(ids()).toEqual(["a", "b"]);
  });

  test("a row the database refuses is dropped and counted; the rows committed beside it are written", async () => {
    writer.insert(row("before"));
    writer.insert({ ...row("bad"), status: null as unknown as number });
    writer.insert(row("after"));
    await writer.written();
    expect(ids()).toEqual(["after", "before"]);
    expect(writer.status()).toMatchObject({ writing: true, pending: 0, dropped: 1 });
  });
});

describe.skipIf(!CAN_MOUNT_SMALL_DISK)("usage writer on a full disk", () => {
  let disk: SmallDisk;
  beforeAll(() => {
    disk = mountSmallDisk(4)!;
  });
  afterAll(() => disk.remove());

  test("holds at most maxPending rows (the oldest go first), retries, and writes them all once there is room", async () => {
    const full = await openDatabase(join(disk.dir, "full.sqlite"));
    const held = createUsageWriter(full, { maxPending: 5, retryMs: 10, logEveryMs: 60_000 });
    full.$client.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    disk.fill();
    try {
      for (let i = 0; i < 8; i++) held.insert(row(`r${i}`));
      await held.written(); // resolves: the client is served even though the rows are only in memory
      expect(held.status()).toMatchObject({ writing: false, fault: "full", pending: 5, maxPending: 5, dropped: 3 });
      held.insert(row("r8"));
      await held.written();
      expect(held.status()).toMatchObject({ pending: 5, dropped: 4 });
    } finally {
      disk.free();
    }
    for (const started = Date.now(); !held.status().writing; await Bun.sleep(5)) {
      if (Date.now() - started > 5_000) throw new Error("held rows not written within 5 s of space returning");
    }
    const written = listUsageLogs(full, { limit: 20 })
      .map((r) => r.requestId)
      .sort();
    expect(written).toEqual(["r4", "r5", "r6", "r7", "r8"]);
    expect(held.status()).toMatchObject({ writing: true, pending: 0, dropped: 4, error: null });
    expect(full.$client.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    closeDatabase(full);
  });

  test("retries once every retryMs while the disk stays full, however many rows keep failing", async () => {
    const full = await openDatabase(join(disk.dir, "retries.sqlite"));
    const insert = full.$client.prepare("insert into usage_log (ts, request_id, endpoint, model_requested, status) values (?, ?, ?, ?, ?)");
    let attempts = 0;
    const writer = createGroupCommit<string>(
      (ids) => {
        attempts++;
        full.$client.transaction(() => {
          for (const id of ids) insert.run(Date.now(), id, "chat.completions", "m", 200);
        })();
      },
      { what: "test rows", where: disk.dir, retryMs: 20 },
    );
    full.$client.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    disk.fill();
    try {
      const started = performance.now();
      for (let i = 0; attempts < 12; i++) {
        writer.insert(`t${i}`); // rows keep coming while it fails; each must not start another chain of retries
        await writer.written();
        await Bun.sleep(1);
        if (performance.now() - started > 5_000) throw new Error("no retries");
      }
      // 1 failed commit, then one retry every 20 ms: 11 retries take at least ~200 ms (timers only fire late).
      expect(performance.now() - started).toBeGreaterThanOrEqual(11 * 20 * 0.9);
      expect(writer.status().writing).toBe(false);
    } finally {
      disk.free();
    }
    for (const started = Date.now(); !writer.status().writing; await Bun.sleep(5)) {
      if (Date.now() - started > 5_000) throw new Error("held rows not written within 5 s of space returning");
    }
    expect(writer.status()).toMatchObject({ pending: 0, dropped: 0 });
    closeDatabase(full);
  });
});
