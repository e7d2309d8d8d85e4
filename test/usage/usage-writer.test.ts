// The usage writer's group commit: rows of one event-loop turn commit together at its end, and written() (which
// every answer awaits) resolves only then; a row the database refuses is dropped and counted, and rows a full
// disk cannot take are held (bounded) and written once it has room again. On PostgreSQL, the rows of one turn go in
// one multi-row insert, and rows are held while the server cannot be reached.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase, type Db } from "../../src/db/client.ts";
import { listUsageLogs, type NewUsageRow } from "../../src/db/queries/usage.ts";
import { createGroupCommit } from "../../src/db/group-commit.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { sqliteStore, type Store } from "../../src/db/store.ts";
import { createUsageWriter, type UsageWriter } from "../../src/db/usage-writer.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";
import { CAN_MOUNT_SMALL_DISK, mountSmallDisk, type SmallDisk } from "../support/small-disk.ts";
import { startTcpRelay } from "../support/tcp-relay.ts";

const dir = mkdtempSync(join(tmpdir(), "omniroute-usage-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Db;
let writer: UsageWriter;
let n = 0;
beforeEach(async () => {
  db = await openDatabase(join(dir, `u${n++}.sqlite`));
  writer = createUsageWriter(sqliteStore(db));
});

const row = (requestId: string): NewUsageRow => ({
  ts: Date.now(),
  requestId,
  endpoint: "chat.completions",
  modelRequested: "ds/deepseek-chat",
  status: 200,
});
const idsIn = async (s: Store, limit = 10) => (await listUsageLogs(s, { limit })).map((r) => r.requestId).sort();
const ids = () => idsIn(sqliteStore(db));

describe("usage writer", () => {
  test("rows that finish while a store transaction is open wait for it, and outlive its rollback (a dry-run apply)", async () => {
    const store = sqliteStore(db);
    const w = createUsageWriter(store);
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const rolledBack = store
      .transaction(async (tx) => {
        await tx.db.insert(tx.t.settings).values({ key: "dry-run", value: 1, updatedAt: 1 });
        inside();
        await Bun.sleep(30); // a real wait inside the transaction: other turns of the event loop run meanwhile
        throw new Error("dry run: roll back");
      })
      .catch((err: Error) => err.message);
    await opened;
    w.insert(row("during"));
    const written = w.written();
    expect(await rolledBack).toBe("dry run: roll back");
    await written;
    expect(await ids()).toEqual(["during"]);
    expect(await store.db.select().from(store.t.settings)).toEqual([]);
  });

  test("rows queued in one turn are committed together at its end; written() waits for that", async () => {
    writer.insert(row("a"));
    writer.insert(row("b"));
    expect(await ids()).toEqual([]);
    await writer.written();
    expect(await ids()).toEqual(["a", "b"]);
  });

  test("a row the database refuses is dropped and counted; the rows committed beside it are written", async () => {
    writer.insert(row("before"));
    writer.insert({ ...row("bad"), status: null as unknown as number });
    writer.insert(row("after"));
    await writer.written();
    expect(await ids()).toEqual(["after", "before"]);
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
    const held = createUsageWriter(sqliteStore(full), { maxPending: 5, retryMs: 10, logEveryMs: 60_000 });
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
    const written = await idsIn(sqliteStore(full), 20);
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

describeWithPostgres("usage writer on PostgreSQL", (postgres) => {
  test("the rows of one turn go in one multi-row insert, committed when written() resolves", async () => {
    const url = await postgres().createDatabase();
    const { store } = await openPostgresStore(url, { poolMax: 2 });
    const other = new SQL(url, { max: 1 });
    try {
      const pg = createUsageWriter(store);
      for (let i = 0; i < 50; i++) pg.insert({ ...row(`p${i}`), keyId: i % 2 ? "k" : null, stream: i % 3 === 0 });
      await pg.written();
      // Another connection sees them all (committed), under one transaction id (xmin): one statement.
      const rows = (await other`select xmin::text as tx, count(*)::int as n from usage_log group by 1`) as Array<{ tx: string; n: number }>;
      expect(rows).toEqual([{ tx: rows[0]!.tx, n: 50 }]);
      expect((await listUsageLogs(store, { limit: 100 })).filter((r) => r.stream).length).toBe(17);
      // Rows of later turns go in their own inserts.
      pg.insert(row("later-1"));
      await pg.written();
      pg.insert(row("later-2"));
      await pg.written();
      expect(((await other`select count(distinct xmin::text)::int as n from usage_log`) as Array<{ n: number }>)[0]!.n).toBe(3);
    } finally {
      await other.close();
      await closePostgresStore(store);
    }
  });

  test("rows that finish while a commit is under way go in the next one together", async () => {
    const url = await postgres().createDatabase();
    const { store } = await openPostgresStore(url, { poolMax: 2 });
    const other = new SQL(url, { max: 2 });
    try {
      const pg = createUsageWriter(store);
      // Another session holds the table: the first commit waits on it.
      const holder = await other.reserve();
      await holder`begin`;
      await holder`lock table usage_log in share mode`;
      pg.insert(row("first"));
      const first = pg.written();
      await waitUntil(
        "the first insert to wait",
        async () => ((await other`select count(*)::int as n from pg_locks where not granted`) as Array<{ n: number }>)[0]!.n > 0,
        5_000,
      );
      const later: Array<Promise<void>> = [];
      for (const id of ["second", "third", "fourth"]) {
        pg.insert(row(id));
        later.push(pg.written());
        await new Promise((resolve) => setImmediate(resolve)); // each in a turn of its own
      }
      await holder`commit`;
      holder.release();
      await Promise.all([first, ...later]);
      const groups =
        (await other`select string_agg(request_id, ',' order by id) as ids from usage_log group by xmin::text order by min(id)`) as Array<{
          ids: string;
        }>;
      expect(groups.map((g) => g.ids)).toEqual(["first", "second,third,fourth"]);
    } finally {
      await other.close();
      await closePostgresStore(store);
    }
  }, 30_000);

  test("while PostgreSQL cannot be reached the rows are held and status() says so; they are written when it is back", async () => {
    const url = new URL(await postgres().createDatabase());
    const relay = await startTcpRelay(Number(url.port));
    url.port = String(relay.port);
    const { store } = await openPostgresStore(url.toString(), { poolMax: 2, connectTimeoutS: 2 });
    try {
      const pg = createUsageWriter(store, { retryMs: 50, logEveryMs: 60_000 });
      pg.insert(row("before"));
      await pg.written();
      relay.cut();
      for (let i = 0; i < 5; i++) pg.insert(row(`away-${i}`));
      await pg.written(); // the client is served: its row is held in memory
      expect(pg.status()).toMatchObject({ writing: false, fault: "unreachable", pending: 5, dropped: 0 });
      expect(pg.status().error).toContain("cannot be reached");
      pg.insert(row("away-5"));
      await pg.written(); // held at once, behind the others
      expect(pg.status().pending).toBe(6);
      relay.restore();
      await waitUntil("the held rows to be written", async () => pg.status().writing, 15_000);
      expect(pg.status()).toMatchObject({ pending: 0, dropped: 0, fault: null });
      expect(await idsIn(store)).toEqual(["away-0", "away-1", "away-2", "away-3", "away-4", "away-5", "before"]);
    } finally {
      relay.close();
      await closePostgresStore(store);
    }
  }, 30_000);

  test("behind a partition (no answer, nothing closed) clients wait at most stallMs; every row is written once when it heals", async () => {
    const url = new URL(await postgres().createDatabase());
    const relay = await startTcpRelay(Number(url.port));
    url.port = String(relay.port);
    const { store } = await openPostgresStore(url.toString(), { poolMax: 2, connectTimeoutS: 2 });
    try {
      const pg = createUsageWriter(store, { retryMs: 50, logEveryMs: 60_000, stallMs: 300 });
      pg.insert(row("before"));
      await pg.written();
      relay.silence();
      for (let i = 0; i < 3; i++) pg.insert(row(`stuck-${i}`));
      const started = performance.now();
      await pg.written(); // the commit is sent and never answered: the clients are served after stallMs
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(pg.status()).toMatchObject({ writing: false, fault: "unreachable" });
      expect(pg.status().error).toContain("no answer within 300 ms");
      pg.insert(row("held"));
      const heldAt = performance.now();
      await pg.written(); // held at once: no client waits behind the stalled commit
      expect(performance.now() - heldAt).toBeLessThan(100);
      expect(pg.status().pending).toBe(1);
      await pg.flush(); // bounded too (a shutdown behind a partition)
      relay.restore(); // the partition heals: the stalled insert is answered, the held row follows
      await waitUntil("the rows to be written", async () => pg.status().writing, 15_000);
      expect(pg.status()).toMatchObject({ pending: 0, dropped: 0, fault: null });
      expect(await idsIn(store)).toEqual(["before", "held", "stuck-0", "stuck-1", "stuck-2"]);
    } finally {
      relay.close();
      await closePostgresStore(store);
    }
  }, 30_000);
});
