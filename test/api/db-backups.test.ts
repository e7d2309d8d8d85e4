// /api/db-backups: export (consistent SQLite, .tar.gz without secrets) and import checks (a bad file changes nothing).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { list as listTar, extract as extractTar } from "tar";
import { dbBackupRoutes } from "../../src/api/db-backups.ts";
import { errorResponse } from "../../src/gateway/error-response.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { bearer, connectionNames, exportBytes, importRequest, sourceGateway as startSource } from "../support/db-backups.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const scratch = mkdtempSync(join(tmpdir(), "omniroute-dbtest-"));
let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startOpenAIUpstream({ kind: "text", text: "hello" });
});
afterAll(async () => {
  await upstream.close();
  rmSync(scratch, { recursive: true, force: true });
});

const tempsOf = (prefix: string) =>
  readdirSync(tmpdir())
    .filter((n) => n.startsWith(prefix))
    .sort();
const saveScratch = (name: string, bytes: Uint8Array) => {
  const p = join(scratch, name);
  writeFileSync(p, bytes);
  return p;
};
const sourceGateway = () => startSource(upstream);

describe("export", () => {
  let gw: TestGateway;
  let secretConnId: string;
  beforeAll(async () => {
    gw = await startGateway();
    const conn = await (
      await gw.api("/api/providers", {
        body: {
          provider: "ds",
          name: "main",
          apiKey: "sk-live-topsecret-999",
          baseUrl: `${upstream.url}/v1`,
          proxy: { type: "http", host: "proxy.local", port: 8080, password: "proxy-pass-777" },
        },
      })
    ).json();
    secretConnId = conn.id;
    await gw.api("/api/combos", { body: { name: "fast", models: ["ds/deepseek-chat"] } });
    await gw.api("/api/provider-nodes", {
      body: {
        name: "Local",
        prefix: "loc",
        apiType: "openai",
        baseUrl: "http://127.0.0.1:9/v1",
        headers: { "x-api-key": "node-secret-abcdef", "x-team": "blue" },
      },
    });
  });
  afterAll(() => gw.close());

  test("the .sqlite download is a consistent SQLite database with our tables and the data", async () => {
    const before = tempsOf("omniroute-export-");
    const res = await gw.api("/api/db-backups/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.sqlite3");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="omniroute-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.sqlite"$/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 16))).toBe("SQLite format 3\0");
    const db = new Database(saveScratch("export.sqlite", bytes), { readonly: true });
    expect(db.query("pragma integrity_check").values()).toEqual([["ok"]]);
    const tables = (db.query("select name from sqlite_schema where type='table'").values() as string[][]).map((r) => r[0]);
    for (const t of ["provider_connections", "provider_nodes", "combos", "api_keys", "settings", "usage_log", "__drizzle_migrations"])
      expect(tables).toContain(t);
    expect(db.query("select name from provider_connections").values()).toEqual([["main"]]);
    expect(db.query("select name from combos").values()).toEqual([["fast"]]);
    db.close();
    expect(tempsOf("omniroute-export-")).toEqual(before);
  });

  test("the .tar.gz holds the database and JSON documents, and no secret", async () => {
    const res = await gw.api("/api/db-backups/exportAll");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/filename="omniroute-.*\.tar\.gz"/);
    const archive = saveScratch("all.tar.gz", new Uint8Array(await res.arrayBuffer()));
    const entries: string[] = [];
    await listTar({
      file: archive,
      onReadEntry: (e) => {
        entries.push(e.path);
      },
    });
    expect(entries.sort()).toEqual([
      "api-keys.json",
      "combos.json",
      "manifest.json",
      "omniroute.sqlite",
      "provider-nodes.json",
      "providers.json",
      "settings.json",
    ]);

    const out = join(scratch, "all");
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    await extractTar({ file: archive, cwd: out });
    const read = (n: string) => readFileSync(join(out, n), "utf8");
    const providers = JSON.parse(read("providers.json"));
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({
      id: secretConnId,
      name: "main",
      provider: "deepseek",
      hasCredentials: true,
      proxy: { host: "proxy.local", hasPassword: true },
    });
    expect("apiKey" in providers[0]).toBe(false);
    const everyJson = ["providers.json", "provider-nodes.json", "api-keys.json", "settings.json", "combos.json"].map(read).join("\n");
    for (const secret of ["sk-live-topsecret-999", "topsecret", "proxy-pass-777", "node-secret-abcdef", "v1."])
      expect(everyJson).not.toContain(secret);
    const nodes = JSON.parse(read("provider-nodes.json"));
    // Every header value is masked: a node's headers are sealed like credentials, whatever their name.
    expect(nodes[0].headers["x-team"]).toBe("••••");
    // The secrets are not in the archive; its manifest names the file to keep with it.
    expect(JSON.parse(read("manifest.json")).secrets).toContain("keep that gateway's secrets.json");
    expect(everyJson + read("manifest.json")).not.toContain(gw.config.encryptionKey);
    const keys = JSON.parse(read("api-keys.json"));
    expect(keys[0]).toMatchObject({ name: "test-admin", scopes: ["manage"] });
    expect(Object.keys(keys[0]).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "prefix", "scopes"]);
    expect(JSON.parse(read("combos.json"))[0]).toMatchObject({ name: "fast" });
    expect(JSON.parse(read("settings.json"))).toHaveProperty("settings.routingStrategy");
    const db = new Database(join(out, "omniroute.sqlite"), { readonly: true });
    expect(db.query("select count(*) as n from provider_connections").get()).toEqual({ n: 1 });
    db.close();
  });
});

describe("import of a good database from another gateway", () => {
  let a: TestGateway;
  let b: Awaited<ReturnType<typeof sourceGateway>>;
  beforeAll(async () => {
    b = await sourceGateway();
    a = await startGateway();
    await a.api("/api/providers", {
      body: { provider: "ds", name: "from-a", apiKey: "sk-a-secret-000000", baseUrl: `${upstream.url}/v1` },
    });
  });
  afterAll(async () => {
    await a.close();
    await b.gw.close();
  });

  test("its connections, combos and keys appear at once; the previous database is in backups/", async () => {
    const cookie = await a.login();
    const aKey = await a.adminKey();
    const res = await importRequest(a.url, await exportBytes(b.gw), await bearer(a));
    expect(res.status).toBe(200);
    const result = await res.json();
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.migratedFrom).toBeUndefined();
    expect(result.tables).toMatchObject({ provider_connections: 1, combos: 1, api_keys: 2, usage_log: 1 });
    expect(result.backup).toStartWith(join(a.config.dataDir, "backups", "pre-import-"));

    // The previous database, as it was, is kept.
    const backup = new Database(result.backup, { readonly: true });
    expect(backup.query("select name from provider_connections").values()).toEqual([["from-a"]]);
    backup.close();

    // Every service sees the new data without a restart.
    const bAuth = { authorization: `Bearer ${b.key}` };
    const conns = await (await fetch(`${a.url}/api/providers`, { headers: bAuth })).json();
    expect(conns.map((c: any) => c.name)).toEqual(["from-b"]);
    expect(conns[0].apiKey).toBe("sk-b…3456");
    expect((await (await fetch(`${a.url}/api/combos`, { headers: bAuth })).json()).map((c: any) => c.name)).toEqual(["b-combo"]);
    expect((await fetch(`${a.url}/api/keys`, { headers: { authorization: `Bearer ${aKey}` } })).status).toBe(401);

    // The imported connection serves requests with its own (readable) credential, through the imported combo.
    upstream.requests.length = 0;
    const chat = await fetch(`${a.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "b-combo", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer sk-b-secret-123456");

    // This gateway's password and sessions stay.
    expect((await fetch(`${a.url}/api/auth/status`, { headers: { cookie } })).status).toBe(200);
    expect(await (await fetch(`${a.url}/api/auth/status`, { headers: { cookie } })).json()).toMatchObject({ authenticated: true });
    await a.login("test-password");
  });
});

describe("import refuses a bad file and changes nothing", () => {
  let gw: TestGateway;
  let good: Uint8Array;
  beforeAll(async () => {
    gw = await startGateway();
    await gw.api("/api/providers", { body: { provider: "ds", name: "keep-me", apiKey: "sk-keep-123456", baseUrl: `${upstream.url}/v1` } });
    good = await exportBytes(gw);
  });
  afterAll(() => gw.close());

  async function refused(bytes: Uint8Array | string, status: number, pattern: RegExp) {
    const res = await importRequest(gw.url, bytes, await bearer(gw));
    const body = await res.json();
    expect({ status: res.status, message: body.error?.message }).toMatchObject({ status, message: expect.stringMatching(pattern) });
    expect(body.error.field).toBe("file");
    expect(connectionNames(gw)).toEqual(["keep-me"]);
    expect(existsSync(join(gw.config.dataDir, "backups"))).toBe(false);
  }

  test("a text file", async () => {
    await refused("name,value\nnot,a database\n", 400, /not a SQLite database/);
  });

  test("a corrupt SQLite file", async () => {
    const bytes = good.slice();
    const pageSize = (bytes[16]! << 8) | bytes[17]!;
    expect(bytes.length / pageSize).toBeGreaterThan(4);
    // Scribble over every page but the first: the header still says SQLite, the b-trees are garbage.
    for (let i = pageSize; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    await refused(bytes, 422, /damaged/);
  });

  test("a SQLite file whose index page is garbage (found by the integrity check)", async () => {
    const path = saveScratch("index.sqlite", good);
    const probe = new Database(path, { readonly: true });
    const { rootpage } = probe.query("select rootpage from sqlite_schema where name = 'provider_connections_provider_idx'").get() as {
      rootpage: number;
    };
    probe.close();
    const bytes = new Uint8Array(readFileSync(path));
    const pageSize = (bytes[16]! << 8) | bytes[17]!;
    // A leaf index page with one cell pointing past the end of the page.
    bytes.fill(0, (rootpage - 1) * pageSize, rootpage * pageSize);
    bytes.set([0x0a, 0, 0, 0, 1, 0xff, 0xf0, 0, 0xff, 0xf0], (rootpage - 1) * pageSize);
    await refused(bytes, 422, /damaged \(integrity check\)/);
  });

  test("a truncated SQLite file", async () => {
    await refused(good.slice(0, Math.floor(good.length / 2)), 422, /damaged/);
  });

  test("a SQLite database without our tables", async () => {
    const path = join(scratch, "other.sqlite");
    rmSync(path, { force: true });
    const db = new Database(path, { create: true });
    db.exec("create table settings (key text primary key, value text); create table notes (id integer primary key, body text)");
    db.close();
    await refused(new Uint8Array(readFileSync(path)), 422, /no provider_connections, provider_nodes, combos, api_keys tables/);
  });

  test("a database from a newer OmniRoute", async () => {
    const path = saveScratch("newer.sqlite", good);
    const db = new Database(path);
    db.query("insert into __drizzle_migrations (hash, created_at) values (?, ?)").run("f".repeat(64), Date.now() + 86_400_000 * 365);
    db.exec("create table future_things (id text primary key)");
    db.close();
    await refused(new Uint8Array(readFileSync(path)), 422, /made by a newer OmniRoute/);
  });

  test("a database whose schema history is not ours", async () => {
    const path = saveScratch("forked.sqlite", good);
    const db = new Database(path);
    db.exec("update __drizzle_migrations set hash = 'deadbeef' where created_at = (select min(created_at) from __drizzle_migrations)");
    db.close();
    await refused(new Uint8Array(readFileSync(path)), 422, /schema history is not one this OmniRoute knows/);
  });

  test("a database with a trigger OmniRoute never makes", async () => {
    const path = saveScratch("trigger.sqlite", good);
    const db = new Database(path);
    db.exec("create trigger sneaky after insert on combos begin delete from api_keys; end");
    db.close();
    await refused(new Uint8Array(readFileSync(path)), 422, /trigger "sneaky"/);
  });

  test("no file field, or not multipart", async () => {
    const form = new FormData();
    form.append("other", "x");
    const noFile = await fetch(`${gw.url}/api/db-backups/import`, { method: "POST", headers: await bearer(gw), body: form });
    expect(noFile.status).toBe(400);
    expect((await noFile.json()).error.message).toContain('field named "file"');
    const json = await gw.api("/api/db-backups/import", { body: { file: "x" } });
    expect(json.status).toBe(400);
    expect(connectionNames(gw)).toEqual(["keep-me"]);
  });

  test("a file over the limit: 413, from Content-Length and while streaming", async () => {
    const app = new Hono().route("/api/db-backups", dbBackupRoutes(gw.services, { maxImportBytes: 1024 }));
    app.onError((err, c) => errorResponse(c.req.path, err));
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(good)]), "big.sqlite");
    const declared = await app.request("/api/db-backups/import", { method: "POST", body: form });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.message).toContain("1024 bytes import limit");

    // No Content-Length: the body is cut off once it passes the limit, never read whole.
    const encoded = new Response(form);
    const boundaryType = encoded.headers.get("content-type")!;
    const raw = new Uint8Array(await encoded.arrayBuffer());
    let pulled = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= raw.length) return controller.close();
        controller.enqueue(raw.slice(pulled, pulled + 16 * 1024));
        pulled += 16 * 1024;
      },
    });
    const streamed = await app.request("/api/db-backups/import", {
      method: "POST",
      headers: { "content-type": boundaryType },
      body: chunked,
    });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(raw.length);
    expect(connectionNames(gw)).toEqual(["keep-me"]);
  });
});
