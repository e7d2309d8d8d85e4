// PostgreSQL migrations on a real server: instances started together migrate once, a rerun changes nothing, a failed one leaves nothing half done.
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sql";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { shippedMigrations } from "../../src/db/migrations.ts";
import {
  MIGRATION_LOCK_KEY,
  migratePostgres,
  pgMigrationsFolder,
  PG_MIGRATIONS_SCHEMA,
  PG_MIGRATIONS_TABLE,
} from "../../src/db/pg-migrate.ts";
import * as pgSchema from "../../src/db/pg-schema.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { waitUntil } from "../support/real-servers.ts";

const ourTables = Object.values(pgSchema as Record<string, unknown>)
  .filter((t): t is PgTable => is(t, PgTable))
  .map((t) => getTableConfig(t).name)
  .sort();

describeWithPostgres("PostgreSQL migrations", (postgres) => {
  /** A client on a fresh database, closed after the test. */
  const clients: SQL[] = [];
  const connect = (url: string) => {
    const client = new SQL(url, { max: 4 });
    clients.push(client);
    return client;
  };
  const closeAll = () => Promise.all(clients.splice(0).map((c) => c.close()));

  const publicTables = async (sql: SQL) =>
    (
      (await sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`) as Array<{
        table_name: string;
      }>
    ).map((r) => r.table_name);
  const history = async (sql: SQL) =>
    (await sql.unsafe(
      `select id, hash, created_at::text as created_at from "${PG_MIGRATIONS_SCHEMA}"."${PG_MIGRATIONS_TABLE}" order by id`,
    )) as Array<{ id: number; hash: string; created_at: string }>;

  test("two instances started at the same moment both succeed, and each migration is applied and recorded once", async () => {
    try {
      const url = await postgres().createDatabase();
      const [first, second] = await Promise.all([migratePostgres(connect(url)), migratePostgres(connect(url))]);
      const shipped = shippedMigrations(await pgMigrationsFolder());
      expect(shipped.length).toBeGreaterThan(0);
      expect([first.applied, second.applied].sort()).toEqual([0, shipped.length]);
      expect(first.total).toBe(shipped.length);
      expect(second.total).toBe(shipped.length);

      const sql = connect(url);
      const rows = await history(sql);
      expect(rows.map((r) => Number(r.created_at))).toEqual(shipped.map((m) => m.when));
      rows.forEach((row, i) => expect(shipped[i]!.hashes.has(row.hash)).toBe(true));
      expect(await publicTables(sql)).toEqual(ourTables);

      // A second run, as the next deploy of the same version: nothing applied, nothing changed.
      expect(await migratePostgres(sql)).toEqual({ applied: 0, total: shipped.length });
      expect(await history(sql)).toEqual(rows);
    } finally {
      await closeAll();
    }
  });

  test("rows written through drizzle come back in the SQLite schema's types: numbers, booleans, JSON, defaults, keys", async () => {
    try {
      const sql = connect(await postgres().createDatabase());
      await migratePostgres(sql);
      const db = drizzle({ client: sql, schema: pgSchema });
      const before = Date.now();
      await db.insert(pgSchema.apiKeys).values({ id: "k1", name: "ci", keyHash: "hash-1", keyPrefix: "sk-1", scopes: ["chat", "manage"] });
      await db.insert(pgSchema.budgets).values({ keyId: "k1", period: "daily", limitUsd: 2.5 });
      await db
        .insert(pgSchema.providerConnections)
        .values({ id: "c1", provider: "openai", name: "main", authType: "api-key", limits: { rpm: 60, quota: { "5h": 10 } } });
      await db.insert(pgSchema.settings).values([
        { key: "theme", value: "dark" },
        { key: "looks-like-a-number", value: "10" },
        { key: "number", value: 10 },
      ]);
      // A millisecond count past 2^32 and as large as a JS number holds exactly.
      const far = 2 ** 53 - 1;
      const row = { ts: far, endpoint: "chat.completions", modelRequested: "gpt-4o", status: 200, costUsd: 0.000123 };
      const ids = await db
        .insert(pgSchema.usageLog)
        .values([
          { ...row, requestId: "r1" },
          { ...row, requestId: "r2", stream: true },
        ])
        .returning({ id: pgSchema.usageLog.id });
      expect(ids).toEqual([{ id: 1 }, { id: 2 }]);

      const [key] = await db.select().from(pgSchema.apiKeys);
      expect(key).toEqual({
        id: "k1",
        name: "ci",
        keyHash: "hash-1",
        keyPrefix: "sk-1",
        scopes: ["chat", "manage"],
        createdAt: expect.any(Number),
        lastUsedAt: null,
      });
      expect(key!.createdAt).toBeGreaterThanOrEqual(before - 5_000);
      expect(key!.createdAt).toBeLessThanOrEqual(Date.now() + 5_000);
      const [connection] = await db.select().from(pgSchema.providerConnections);
      expect(connection).toMatchObject({
        priority: 1,
        isActive: true,
        limits: { rpm: 60, quota: { "5h": 10 } },
        metadata: null,
        lastUsedAt: null,
      });
      expect(
        await db
          .select({ key: pgSchema.settings.key, value: pgSchema.settings.value })
          .from(pgSchema.settings)
          .orderBy(pgSchema.settings.key),
      ).toEqual([
        { key: "looks-like-a-number", value: "10" },
        { key: "number", value: 10 },
        { key: "theme", value: "dark" },
      ]);
      await db
        .update(pgSchema.providerConnections)
        .set({ metadata: { email: "a@b.c" } })
        .where(eq(pgSchema.providerConnections.id, "c1"));
      expect(
        (await db.select({ metadata: pgSchema.providerConnections.metadata }).from(pgSchema.providerConnections))[0]?.metadata,
      ).toEqual({ email: "a@b.c" });
      const usage = await db.select().from(pgSchema.usageLog).orderBy(pgSchema.usageLog.id);
      expect(usage.map((u) => [u.id, u.ts, u.stream, u.costUsd, u.attempt, u.inputTokens])).toEqual([
        [1, far, false, 0.000123, 1, 0],
        [2, far, true, 0.000123, 1, 0],
      ]);

      // JSON is stored as JSON, not as a JSON string inside jsonb: the database can query into it.
      const [kinds] =
        (await sql`select (select jsonb_typeof(scopes) from api_keys) as scopes, (select limits->>'rpm' from provider_connections) as rpm,
        (select metadata->>'email' from provider_connections) as email, (select jsonb_typeof(value) from settings where key = 'looks-like-a-number') as setting`) as Array<
          Record<string, string>
        >;
      expect(kinds).toEqual({ scopes: "array", rpm: "60", email: "a@b.c", setting: "string" });

      const duplicate = await db
        .insert(pgSchema.apiKeys)
        .values({ id: "k2", name: "dup", keyHash: "hash-1", keyPrefix: "sk-2", scopes: [] })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(String(duplicate?.cause)).toContain(`duplicate key value violates unique constraint "api_keys_key_hash_unique"`);
      await db.delete(pgSchema.apiKeys);
      expect(await db.select().from(pgSchema.budgets)).toEqual([]);
    } finally {
      await closeAll();
    }
  });

  test("a migrator waits while another instance holds the lock, then applies what is left", async () => {
    try {
      const url = await postgres().createDatabase();
      const holder = await connect(url).reserve();
      await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      const observer = connect(url);
      const running = migratePostgres(connect(url));
      await waitUntil(
        "the migrator to wait on the advisory lock",
        async () => {
          const [row] =
            (await observer`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`) as Array<{
              n: number;
            }>;
          return row?.n === 1;
        },
        10_000,
      );
      expect(await publicTables(observer)).toEqual([]);

      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      holder.release();
      expect((await running).applied).toBeGreaterThan(0);
      expect(await publicTables(observer)).toEqual(ourTables);
    } finally {
      await closeAll();
    }
  }, 20_000);

  test("a migration that fails leaves no table behind, reports the database's error and frees the lock", async () => {
    const folder = mkdtempSync(join(tmpdir(), "omniroute-pg-migrations-"));
    try {
      cpSync(await pgMigrationsFolder(), folder, { recursive: true });
      const journalPath = join(folder, "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as {
        entries: Array<{ idx: number; version: string; when: number; tag: string; breakpoints: boolean }>;
      };
      const last = journal.entries.at(-1)!;
      journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: "9999_broken" });
      writeFileSync(journalPath, JSON.stringify(journal));
      writeFileSync(join(folder, "9999_broken.sql"), `ALTER TABLE "usage_log" ADD COLUMN "ts" bigint;`);

      const url = await postgres().createDatabase();
      const sql = connect(url);
      await expect(migratePostgres(sql, folder)).rejects.toThrow(
        /none was applied: Failed query: ALTER TABLE "usage_log" ADD COLUMN "ts" bigint; — column "ts" of relation "usage_log" already exists/,
      );
      expect(await publicTables(sql)).toEqual([]);
      expect(await history(sql)).toEqual([]);
      const [locks] =
        (await sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`) as Array<{
          n: number;
        }>;
      expect(locks?.n).toBe(0);

      // The broken migration fixed, the next start applies everything.
      writeFileSync(join(folder, "9999_broken.sql"), `ALTER TABLE "usage_log" ADD COLUMN "region" text;`);
      expect(await migratePostgres(sql, folder)).toEqual({ applied: journal.entries.length, total: journal.entries.length });
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await closeAll();
    }
  });
});
