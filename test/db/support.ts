// Temp folders and databases for the database tests, closed and removed after each test.
import { afterEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase, type Db } from "../../src/db/client.ts";

/** Call at a test file's top level: `tempDir()` and `open(path)` are cleaned up after every test. */
export function useTempDatabases() {
  const dirs: string[] = [];
  const opened: Db[] = [];
  afterEach(() => {
    for (const db of opened.splice(0)) closeDatabase(db);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempDir(): string {
      const dir = mkdtempSync(join(tmpdir(), "omniroute-db-"));
      dirs.push(dir);
      return dir;
    },
    async open(path: string): Promise<Db> {
      const db = await openDatabase(path);
      opened.push(db);
      return db;
    },
  };
}
