// The migrations this build ships, and how a database's drizzle history compares with them (older, same, newer, foreign).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const MIGRATIONS_TABLE = "__drizzle_migrations";

export interface ShippedMigration {
  tag: string;
  /** The journal's `when`: drizzle stores it as `created_at` and decides what to run by it alone. */
  when: number;
  /** sha256 of the file as drizzle computes it, with LF and CRLF variants (a checkout may convert line ends). */
  hashes: ReadonlySet<string>;
}

/** One row of `__drizzle_migrations` as drizzle-orm's SQLite migrator writes it: (hash, created_at = journal `when`). */
export interface AppliedMigration {
  hash: string;
  createdAt: number;
}

export type HistoryVerdict =
  | { kind: "current" }
  | { kind: "older"; applied: number; lastTag: string | undefined }
  | { kind: "newer"; detail: string }
  | { kind: "unknown"; detail: string };

// Bun's hasher, not node:crypto: no boot loads that module just to hash the migrations.
const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

export function shippedMigrations(folder: string): ShippedMigration[] {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: Array<{ tag: string; when: number }>;
  };
  return journal.entries.map((entry) => {
    const text = readFileSync(join(folder, `${entry.tag}.sql`), "utf8");
    const lf = text.replaceAll("\r\n", "\n");
    return { tag: entry.tag, when: entry.when, hashes: new Set([sha256(text), sha256(lf), sha256(lf.replaceAll("\n", "\r\n"))]) };
  });
}

/**
 * A database is importable when its history is a prefix of ours: the same migrations, in order, maybe fewer
 * (then ours bring it forward). A migration we do not know, dated after our last, means a newer OmniRoute.
 */
export function compareHistory(applied: readonly AppliedMigration[], ours: readonly ShippedMigration[]): HistoryVerdict {
  const sorted = [...applied].sort((a, b) => a.createdAt - b.createdAt);
  const latest = ours.at(-1)?.when ?? 0;
  for (const [i, row] of sorted.entries()) {
    const mine = ours[i];
    if (!mine || row.createdAt !== mine.when || !mine.hashes.has(row.hash)) {
      if (row.createdAt > latest) {
        return {
          kind: "newer",
          detail: `its schema has ${sorted.length} migration(s), the last from ${new Date(sorted.at(-1)!.createdAt).toISOString()}; this version knows ${ours.length}, up to ${ours.at(-1)?.tag ?? "none"}`,
        };
      }
      return {
        kind: "unknown",
        detail: `migration #${i + 1} (from ${new Date(row.createdAt).toISOString()}) is not ${mine ? `this version's "${mine.tag}"` : "one this version ships"}`,
      };
    }
  }
  if (sorted.length === ours.length) return { kind: "current" };
  return { kind: "older", applied: sorted.length, lastTag: ours[sorted.length - 1]?.tag };
}
