// The real PostgreSQL and Redis the storage tests start: they answer Bun's own clients, stop cleanly, and a machine without them skips the suite saying why.
import { describe, expect, test } from "bun:test";
import { RedisClient, SQL } from "bun";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithPostgres } from "./postgres.ts";
import { portIsOpen, waitUntil } from "./real-servers.ts";
import { describeWithRedis } from "./redis.ts";

describeWithPostgres("a test PostgreSQL", (postgres) => {
  test("answers Bun.SQL, gives each test a separate empty database, and runs as a real server", async () => {
    const sql = new SQL(postgres().url);
    try {
      const [row] = await sql`select current_user as who, current_setting('listen_addresses') as listen, version() as version`;
      expect(row.who).toBe("postgres");
      expect(row.listen).toBe("127.0.0.1");
      expect(row.version).toStartWith("PostgreSQL ");
      await sql`create table notes (id bigserial primary key, body text not null)`;
      await sql`insert into notes ${sql([{ body: "one" }, { body: "two" }])}`;
      expect((await sql`select body from notes order by id`).map((r: { body: string }) => r.body)).toEqual(["one", "two"]);
    } finally {
      await sql.close();
    }

    const other = new SQL(await postgres().createDatabase());
    try {
      const [{ n }] = await other`select count(*)::int as n from information_schema.tables where table_name = 'notes'`;
      expect(n).toBe(0);
    } finally {
      await other.close();
    }
  });

  test("carries LISTEN/NOTIFY between two clients (what config invalidation across instances will use)", async () => {
    const listener = new SQL(postgres().url);
    const notifier = new SQL(postgres().url);
    try {
      const heard: string[] = [];
      const subscription = await listener.listen("config_changed", (payload) => heard.push(payload));
      await notifier`select pg_notify('config_changed', 'api_keys')`;
      await waitUntil("the notification", async () => heard.length > 0, 5_000);
      expect(heard).toEqual(["api_keys"]);
      await subscription.unlisten();
    } finally {
      await Promise.all([listener.close(), notifier.close()]);
    }
  });

  test("stopped, it closes its port and removes its folder", async () => {
    const { url, port, folder } = postgres();
    expect(existsSync(join(folder, "data", "PG_VERSION"))).toBe(true);
    await postgres().stop();
    expect(await portIsOpen(port)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    const sql = new SQL(url, { max: 1, connectionTimeout: 2 });
    try {
      expect(
        await sql`select 1`.then(
          () => "answered",
          () => "refused",
        ),
      ).toBe("refused");
    } finally {
      await sql.close();
    }
  }, 30_000);
});

describeWithRedis("a test Redis", (redis) => {
  test("answers Bun's RedisClient and keeps nothing on disk", async () => {
    const client = new RedisClient(redis().url);
    try {
      await client.set("greeting", "hello");
      expect(await client.get("greeting")).toBe("hello");
      expect(await client.send("CONFIG", ["GET", "save"])).toEqual({ save: "" });
      expect(await client.send("CONFIG", ["GET", "appendonly"])).toEqual({ appendonly: "no" });
    } finally {
      client.close();
    }
  });

  test("killed, it closes its port; restarted, it answers on the same port, empty", async () => {
    const client = new RedisClient(redis().url);
    await client.set("survives", "no");
    client.close();
    await redis().kill();
    expect(await portIsOpen(redis().port)).toBe(false);
    await redis().restart();
    const again = new RedisClient(redis().url);
    try {
      expect(await again.get("survives")).toBeNull();
    } finally {
      again.close();
    }
  }, 30_000);

  test("stopped, it closes its port and removes its folder", async () => {
    const { port, folder } = redis();
    expect(existsSync(folder)).toBe(true);
    await redis().stop();
    expect(await portIsOpen(port)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  }, 30_000);
});

describe("a suite whose server is missing", () => {
  test("is skipped, not failed, and says which suite and why", () => {
    const dir = mkdtempSync(join(tmpdir(), "omniroute-skip-"));
    try {
      const file = join(dir, "suite.ts");
      writeFileSync(
        file,
        `
        import { expect, test } from "bun:test";
        import { describeWithServer } from ${JSON.stringify(join(import.meta.dir, "real-servers.ts"))};
        describeWithServer("Fake", { ok: false, reason: "fake-server not found" }, async () => ({ stop: async () => {} }), "the fake suite", () => {
          test("would fail", () => expect(1).toBe(2));
        });
      `,
      );
      const run = Bun.spawnSync([process.execPath, "test", file], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
      const output = run.stdout.toString() + run.stderr.toString();
      expect(output).toContain(`[skipped] Fake suite "the fake suite": fake-server not found`);
      expect(output).toContain("the fake suite (skipped: fake-server not found)");
      expect(output).toMatch(/0 pass\s+1 skip\s+0 fail/);
      expect(run.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
