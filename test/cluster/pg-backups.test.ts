// Exports, imports and storage facts of gateways on PostgreSQL: an export gives the same rows back in a SQLite gateway,
// a refused import changes nothing, two imports at once on two instances run one after the other, the System page renders.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { x as extractTar } from "tar";
import { COPIED_TABLES, sqlName } from "../../src/db/copy-tables.ts";
import { closePostgresStore, openPostgresStore } from "../../src/db/pg-store.ts";
import { SHARED_SECRETS_KEY } from "../../src/db/queries/shared-secrets.ts";
import type * as schema from "../../src/db/schema.ts";
import type { Store } from "../../src/db/store.ts";
import { KEPT_SETTINGS } from "../../src/db/swap.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { removeTempDirs, signIn, tempDir } from "../process/support.ts";
import { bearer, exportBytes, importRequest } from "../support/db-backups.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { CLUSTER_SECRETS, startInstance, stopInstance, within, type Instance } from "./processes.ts";

afterAll(removeTempDirs);

/** Settings rows each gateway keeps as its own through an import, and the table it keeps whole. */
const OWN_SETTINGS = new Set<string>([...KEPT_SETTINGS, SHARED_SECRETS_KEY]);

/** Every copied table's rows in key order, but what an import keeps as the target's own. */
async function dump(s: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const c of COPIED_TABLES) {
    if (c.name === "resilienceState") continue;
    const table = s.t[c.name] as typeof schema.settings;
    const rows = await s.db
      .select()
      .from(table)
      .orderBy(...c.order(s.t).map((col) => asc(col)));
    out[sqlName(c.name)] = c.name === "settings" ? rows.filter((r) => !OWN_SETTINGS.has(r.key)) : rows;
  }
  return out;
}

async function download(instance: Instance, path: string): Promise<Uint8Array> {
  const res = await instance.api(path);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function importOn(instance: Instance, bytes: Uint8Array | string, name = "backup.sqlite"): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]), name);
  const cookie = await signIn(instance.url);
  return fetch(`${instance.url}/api/db-backups/import`, { method: "POST", headers: { cookie, origin: instance.url }, body: form });
}

const connectionNames = async (instance: Instance) =>
  ((await (await instance.api("/api/providers")).json()) as Array<{ name: string }>).map((c) => c.name).sort();

function namesInFile(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query("select name from provider_connections order by name").values() as string[][]).map((r) => r[0]!);
  } finally {
    db.close();
  }
}

describeWithPostgres("backups of a gateway on PostgreSQL", (postgres) => {
  test("export on PostgreSQL, imported into a SQLite gateway, gives the same rows back; exportAll holds the same file and says where it came from", async () => {
    const url = await postgres().createDatabase();
    const upstream = startOpenAIUpstream({ kind: "text", text: "round trip" });
    let a = await startInstance(url);
    let gw: TestGateway | undefined;
    try {
      expect(
        (
          await a.api("/api/providers", {
            body: { provider: "ds", name: "pg-conn", apiKey: "sk-pg-secret", baseUrl: `${upstream.url}/v1` },
          })
        ).status,
      ).toBe(201);
      const key = (await (await a.api("/api/keys", { body: { name: "bob" } })).json()) as { id: string; key: string };
      expect((await a.api("/api/combos", { body: { name: "pg-combo", models: ["ds/deepseek-chat"] } })).status).toBe(201);
      expect((await a.api("/api/usage/budget", { body: { keyId: key.id, period: "daily", limit: 5 } })).status).toBe(201);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${a.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
          body: JSON.stringify({ model: "pg-combo", messages: [{ role: "user", content: "hi" }] }),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
      // A restart flushes and rolls up everything, so nothing changes on PostgreSQL between the export and the comparison.
      await stopInstance(a);
      a = await startInstance(url);

      const file = await download(a, "/api/db-backups/export");
      gw = await startGateway({ ...CLUSTER_SECRETS });
      const imported = await importRequest(gw.url, file, await bearer(gw));
      expect(imported.status).toBe(200);
      expect(((await imported.json()) as { warnings: string[] }).warnings).toEqual([]);

      const { store: pg } = await openPostgresStore(url, { poolMax: 1 });
      try {
        const [there, here] = [await dump(pg), await dump(gw.services.store)];
        expect(there.usage_log).toHaveLength(2);
        expect(there.provider_connections).toHaveLength(1);
        expect(here).toEqual(there);
      } finally {
        await closePostgresStore(pg);
      }
      // The credential sealed on PostgreSQL opens in the SQLite gateway: it serves the combo with the same key.
      const served = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ model: "pg-combo", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(served.status).toBe(200);
      expect(upstream.requests.at(-1)?.headers.authorization).toBe("Bearer sk-pg-secret");

      const dir = tempDir();
      writeFileSync(join(dir, "all.tar.gz"), await download(a, "/api/db-backups/exportAll"));
      mkdirSync(join(dir, "out"));
      await extractTar({ file: join(dir, "all.tar.gz"), cwd: join(dir, "out") });
      const manifest = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8")) as {
        store: string;
        database: string;
        files: string[];
      };
      expect(manifest.store).toBe("postgres");
      expect(manifest.database).toContain("PostgreSQL");
      expect(manifest.files).toContain("omniroute.sqlite");
      expect(namesInFile(join(dir, "out", "omniroute.sqlite"))).toEqual(["pg-conn"]);
      const providers = JSON.parse(readFileSync(join(dir, "out", "providers.json"), "utf8")) as Array<{ name: string }>;
      expect(providers.map((p) => p.name)).toEqual(["pg-conn"]);
    } finally {
      await gw?.close();
      await stopInstance(a);
      await upstream.close();
    }
  }, 90_000);

  test("an import that fails its checks changes nothing on PostgreSQL; the System page shows the store's facts", async () => {
    const url = await postgres().createDatabase();
    const a = await startInstance(url);
    try {
      expect((await a.api("/api/providers", { body: { provider: "ds", name: "stays", apiKey: "sk-stays" } })).status).toBe(201);
      const dir = tempDir();

      const notSqlite = await importOn(a, "this is not a database");
      expect(notSqlite.status).toBe(400);
      expect(await notSqlite.text()).toContain("not_sqlite");

      const alien = join(dir, "alien.sqlite");
      const db = new Database(alien, { create: true });
      db.exec("create table settings (key text primary key, value text)");
      db.close();
      const missing = await importOn(a, new Uint8Array(readFileSync(alien)));
      expect(missing.status).toBe(422);
      expect(await missing.text()).toContain("missing_tables");

      // A real export with a column gone: refused by the comparison with this build's schema (no live SQLite to compare with).
      const damaged = join(dir, "damaged.sqlite");
      writeFileSync(damaged, await download(a, "/api/db-backups/export"));
      const edit = new Database(damaged);
      edit.exec("alter table combos drop column strategy");
      edit.close();
      const mismatch = await importOn(a, new Uint8Array(readFileSync(damaged)));
      expect(mismatch.status).toBe(422);
      const body = (await mismatch.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("schema_mismatch");
      expect(body.error.message).toContain("strategy");

      expect(await connectionNames(a)).toEqual(["stays"]);
      expect(() => readdirSync(join(a.dataDir, "backups"))).toThrow();

      const cookie = await signIn(a.url);
      const page = await fetch(`${a.url}/dashboard/system`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("PostgreSQL at");
      expect(html).toContain(new URL(url).pathname.slice(1));
      expect(html).toContain("Database size");
      expect(html).not.toContain("Write-ahead log");
      expect(html).toMatch(/<code>provider_connections<\/code><\/td>\s*<td>1<\/td>/);
      const partial = await fetch(`${a.url}/dashboard/partials/system/storage`, { headers: { cookie } });
      expect(partial.status).toBe(200);
      expect(await partial.text()).toContain("No backups yet.");
    } finally {
      await stopInstance(a);
    }
  }, 60_000);

  test("two imports at once on two instances run one after the other: the data is one file's whole, the later backup holds the earlier file", async () => {
    const sources = await Promise.all([startGateway(), startGateway()]);
    const files: Uint8Array[] = [];
    const names = [
      ["first-a", "first-b"],
      ["second-a", "second-b", "second-c"],
    ];
    try {
      for (const [i, gw] of sources.entries()) {
        for (const name of names[i]!)
          expect((await gw.api("/api/providers", { body: { provider: "ds", name, apiKey: `sk-${name}` } })).status).toBe(201);
        files.push(await exportBytes(gw));
      }
    } finally {
      await Promise.all(sources.map((gw) => gw.close()));
    }
    const url = await postgres().createDatabase();
    const [a, b] = await Promise.all([startInstance(url), startInstance(url)]);
    try {
      const [onA, onB] = await Promise.all([importOn(a, files[0]!), importOn(b, files[1]!)]);
      expect([onA.status, onB.status]).toEqual([200, 200]);
      const final = await connectionNames(a);
      const lastIsB = JSON.stringify(final) === JSON.stringify(names[1]);
      expect(final).toEqual(lastIsB ? names[1]! : names[0]!);
      await within(
        2_000,
        "the other instance to show the same connections",
        async () => JSON.stringify(await connectionNames(b)) === JSON.stringify(final),
      );
      // The later import saved what the earlier one had written, not the empty database both started from.
      const [later, earlierNames] = lastIsB ? [b, names[0]!] : [a, names[1]!];
      const [backup] = readdirSync(join(later.dataDir, "backups"));
      expect(namesInFile(join(later.dataDir, "backups", backup!))).toEqual(earlierNames);
    } finally {
      await Promise.all([stopInstance(a), stopInstance(b)]);
    }
  }, 90_000);
});
