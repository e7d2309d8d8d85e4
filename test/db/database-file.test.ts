// The database file: held by one gateway at a time, released at once when it closes.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseInUseError, closeDatabase, openDatabase } from "../../src/db/client.ts";
import { sqliteStore } from "../../src/db/store.ts";
import { createUsageWriter } from "../../src/db/usage-writer.ts";
import { useTempDatabases } from "./support.ts";

const { tempDir, open } = useTempDatabases();

describe("the database file", () => {
  test("one gateway holds it: a second opener is refused at once, with a message naming the file", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    await open(path);
    const started = performance.now();
    const second = openDatabase(path);
    await expect(second).rejects.toThrow(DatabaseInUseError);
    await second.catch((err: Error) => expect(err.message).toContain(`${path} is in use by another process`));
    expect(performance.now() - started).toBeLessThan(1000);
    // The WAL index lives in the gateway's memory: no -shm file beside the database.
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(existsSync(`${path}-shm`)).toBe(false);
  });

  test("closed, it opens again at once, with what was committed, though prepared statements were left unfinalized", async () => {
    const path = join(tempDir(), "omniroute.sqlite");
    const first = await openDatabase(path);
    const writer = createUsageWriter(sqliteStore(first)); // holds a prepared statement nobody finalizes
    writer.insert({ ts: 1, requestId: "r1", endpoint: "chat.completions", modelRequested: "m", status: 200 });
    await writer.flush();
    closeDatabase(first);
    const again = await open(path);
    expect(again.$client.query("select request_id from usage_log").all()).toEqual([{ request_id: "r1" }]);
  });
});
