// The usage writer's group commit: rows of one event-loop turn commit together at its end, and written()
// (which every answer awaits) resolves only then, or rejects when the commit failed.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { createUsageWriter, listUsageLogs, type NewUsageRow, type UsageWriter } from "../../src/db/queries/usage.ts";

const dir = mkdtempSync(join(tmpdir(), "omniroute-usage-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Db;
let writer: UsageWriter;
let n = 0;
beforeEach(async () => {
  db = await openDatabase(join(dir, `u${n++}.sqlite`));
  writer = createUsageWriter(db);
});

const row = (requestId: string): NewUsageRow => ({ ts: Date.now(), requestId, endpoint: "chat.completions", modelRequested: "ds/deepseek-chat", status: 200 });
const ids = () => listUsageLogs(db, { limit: 10 }).map((r) => r.requestId).sort();

describe("usage writer", () => {
  test("rows queued in one turn are committed together at its end; written() waits for that", async () => {
    writer.insert(row("a"));
    writer.insert(row("b"));
    expect(ids()).toEqual([]);
    await writer.written();
    expect(ids()).toEqual(["a", "b"]);
  });

  test("a failed scheduled commit rejects written()", async () => {
    writer.insert({ ...row("bad"), status: null as unknown as number });
    await expect(writer.written()).rejects.toThrow();
  });
});
