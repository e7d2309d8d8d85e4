// Files of backups: consistent snapshots of the store (SQLite or PostgreSQL) as SQLite files, the backups folder, temp folders that clean up.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../db/client.ts";
import { writePortableCopy } from "../db/portable-copy.ts";
import type { Store } from "../db/store.ts";
import { ensurePrivateFile } from "../db/private-file.ts";

export const BACKUPS_FOLDER = "backups";

export function backupsDir(dataDir: string): string {
  return join(dataDir, BACKUPS_FOLDER);
}

/** A timestamp safe in file names on every OS: `2026-05-01T12-30-45.123Z`. */
export function fileTimestamp(at = new Date()): string {
  return at.toISOString().replaceAll(":", "-");
}

/**
 * A consistent copy of the live database at `target` (which must not exist): `VACUUM INTO` reads one snapshot
 * of the database, WAL included, and writes a compact standalone file. Never a raw copy of a WAL database.
 */
export function snapshotDatabase(db: Db, target: string): void {
  // VACUUM INTO writes into an empty file as it finds it: created 0600 first, the copy is never readable by others.
  ensurePrivateFile(target);
  db.$client.query("VACUUM INTO ?").run(target);
}

/**
 * The store as one consistent SQLite file at `target` (which must not exist): the embedded database's snapshot,
 * or on PostgreSQL every table copied into a new SQLite database from one repeatable-read snapshot. Either opens
 * in any OmniRoute and imports into either dialect. A copy that fails half-way leaves no file.
 */
export async function snapshotStore(store: Store, target: string): Promise<void> {
  if (store.dialect === "sqlite") return snapshotDatabase(store.sqlite, target);
  try {
    await writePortableCopy(store, target);
  } catch (err) {
    for (const leftover of [target, `${target}-wal`, `${target}-journal`]) rmSync(leftover, { force: true });
    throw err;
  }
}

/** Snapshot into `${dataDir}/backups/<prefix>-<timestamp>.sqlite`; returns the path. */
export function writeBackup(db: Db, dataDir: string, prefix: string): string {
  const path = backupPath(dataDir, prefix);
  snapshotDatabase(db, path);
  return path;
}

/** The store's snapshot (`snapshotStore`) into `${dataDir}/backups/<prefix>-<timestamp>.sqlite`; returns the path. */
export async function backupStore(store: Store, dataDir: string, prefix: string): Promise<string> {
  const path = backupPath(dataDir, prefix);
  await snapshotStore(store, path);
  return path;
}

function backupPath(dataDir: string, prefix: string): string {
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${prefix}-${fileTimestamp()}.sqlite`);
}

export function makeTempDir(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `omniroute-${purpose}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A byte stream that pulls from `source` and removes `dir` once the stream ends, fails or the client goes away,
 * so an export leaves no temp files behind.
 */
export function streamThenRemove(source: AsyncIterable<Uint8Array>, dir: string): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let cleaned = false;
  const clean = () => {
    if (cleaned) return;
    cleaned = true;
    removeDir(dir);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) {
          clean();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        clean();
        controller.error(err);
      }
    },
    async cancel() {
      try {
        await iterator.return?.();
      } finally {
        clean();
      }
    },
  });
}
