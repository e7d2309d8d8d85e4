// /api/db-backups/import: older schemas migrated, foreign ENCRYPTION_KEY reported, streams in flight, .tar.gz archives.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { reloadCachedState } from "../../src/db/swap.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { bearer, connectionNames, exportBytes, importRequest, sourceGateway as startSource } from "../support/db-backups.ts";
import { rawDatabase, startGateway, type TestGateway } from "../support/gateway.ts";

const scratch = mkdtempSync(join(tmpdir(), "omniroute-dbtest-"));
let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startOpenAIUpstream({ kind: "text", text: "hello" });
});
afterAll(async () => {
  await upstream.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sourceGateway = (env: Record<string, string> = {}) => startSource(upstream, env);

describe("import of a database from an older OmniRoute", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  test("is migrated forward before the swap and reports where it came from", async () => {
    const folder = join(scratch, "old-migrations");
    cpSync(join(import.meta.dir, "../../drizzle"), folder, { recursive: true });
    const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
    const first = journal.entries[0].tag;
    journal.entries = journal.entries.slice(0, 1);
    writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
    const path = join(scratch, "old.sqlite");
    rmSync(path, { force: true });
    const sqlite = new Database(path, { create: true });
    migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
    sqlite
      .query("insert into combos (id, name, strategy, models) values ('c1', 'old-combo', 'priority', ?)")
      .run(JSON.stringify([{ model: "ds/deepseek-chat" }]));
    sqlite.close();

    const res = await importRequest(gw.url, new Uint8Array(readFileSync(path)), await bearer(gw));
    const result = await res.json();
    expect(res.status).toBe(200);
    expect(result.migratedFrom).toBe(first);
    expect(gw.services.combos.byName("old-combo")).toBeDefined();
    const ours = JSON.parse(readFileSync(join(import.meta.dir, "../../drizzle/meta/_journal.json"), "utf8")).entries.length;
    expect(rawDatabase(gw.services).query("select count(*) as n from __drizzle_migrations").get()).toEqual({ n: ours });
  });
});

describe("import of credentials sealed with another ENCRYPTION_KEY", () => {
  test("succeeds, and says which connections need their keys re-entered", async () => {
    const b = await sourceGateway({ ENCRYPTION_KEY: "a-different-encryption-key-0123456789" });
    const a = await startGateway();
    try {
      const res = await importRequest(a.url, await exportBytes(b.gw), await bearer(a));
      expect(res.status).toBe(200);
      const result = await res.json();
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toContain("ENCRYPTION_KEY");
      expect(result.warnings[0]).toContain("from-b (deepseek)");
      expect(connectionNames(a)).toEqual(["from-b"]);
    } finally {
      await a.close();
      await b.gw.close();
    }
  });
});

describe("import while a stream is in flight", () => {
  test("the stream completes and its usage row is written into the imported database", async () => {
    const b = await sourceGateway();
    const a = await startGateway();
    try {
      await a.api("/api/providers", { body: { provider: "ds", name: "slow", apiKey: "sk-slow-123456", baseUrl: `${upstream.url}/v1` } });
      const exported = await exportBytes(b.gw);
      upstream.setScenario({ kind: "text", text: "one two three four five six seven eight nine ten", chunks: 10, delayMs: 60 });
      const res = await fetch(`${a.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "count" }] }),
      });
      expect(res.status).toBe(200);
      const requestId = res.headers.get("x-omniroute-request-id")!;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);

      const imported = await importRequest(a.url, exported, await bearer(a));
      expect(imported.status).toBe(200);
      expect(connectionNames(a)).toEqual(["from-b"]);
      expect(text).not.toContain("[DONE]"); // the swap happened mid-stream

      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
      expect(text).toContain("data: [DONE]");
      const content = text
        .split("\n")
        .filter((l) => l.startsWith("data: {"))
        .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? "")
        .join("");
      expect(content).toBe("one two three four five six seven eight nine ten");
      await Bun.sleep(50);
      const row = rawDatabase(a.services).query("select status, stream from usage_log where request_id = ?").get(requestId);
      expect(row).toEqual({ status: 200, stream: 1 });
      // The imported history is there too.
      expect(rawDatabase(a.services).query("select count(*) as n from usage_log").get()).toEqual({ n: 2 });
    } finally {
      upstream.setScenario({ kind: "text", text: "hello" });
      await a.close();
      await b.gw.close();
    }
  });
});

describe("import of an exportAll archive", () => {
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

  /** A .tar.gz written header by header (ustar), so hostile entries are exactly what the test says. */
  function craftedArchive(entries: Array<{ name: string; type?: "0" | "1" | "2" | "5"; link?: string; data?: Uint8Array }>): Uint8Array {
    const blocks: Uint8Array[] = [];
    const enc = new TextEncoder();
    for (const e of entries) {
      const data = e.data ?? new Uint8Array(0);
      const h = new Uint8Array(512);
      const put = (text: string, at: number, len: number) => h.set(enc.encode(text).slice(0, len), at);
      const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0");
      put(e.name, 0, 100);
      put(octal(0o644, 8), 100, 8);
      put(octal(0, 8), 108, 8);
      put(octal(0, 8), 116, 8);
      put(octal(data.length, 12), 124, 12);
      put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
      put("        ", 148, 8);
      put(e.type ?? "0", 156, 1);
      put(e.link ?? "", 157, 100);
      put("ustar\u000000", 257, 8);
      put(
        octal(
          h.reduce((sum, b) => sum + b, 0),
          7,
        ),
        148,
        7,
      );
      blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
    }
    blocks.push(new Uint8Array(1024));
    return Bun.gzipSync(Buffer.concat(blocks));
  }

  async function refusedArchive(bytes: Uint8Array, pattern: RegExp) {
    const res = await importRequest(a.url, bytes, await bearer(a), "evil.tar.gz");
    const body = await res.json();
    expect({ status: res.status, message: body.error?.message }).toMatchObject({ status: 422, message: expect.stringMatching(pattern) });
    expect(connectionNames(a)).toEqual(["from-a"]);
  }

  test("refuses entries with '..', absolute paths, symlinks and hard links, and writes nothing outside", async () => {
    const db = await exportBytes(b.gw);
    const good = { name: "omniroute.sqlite", data: db };
    const escapee = `omniroute-evil-${crypto.randomUUID()}.txt`;
    await refusedArchive(
      craftedArchive([good, { name: `../../${escapee}`, data: new TextEncoder().encode("pwned") }]),
      /climbs out of the folder/,
    );
    expect(existsSync(join(tmpdir(), escapee))).toBe(false);

    const absoluteTarget = join(scratch, `abs-${crypto.randomUUID()}.txt`);
    writeFileSync(absoluteTarget, "original");
    await refusedArchive(craftedArchive([good, { name: absoluteTarget, data: new TextEncoder().encode("pwned") }]), /is an absolute path/);
    expect(readFileSync(absoluteTarget, "utf8")).toBe("original");

    await refusedArchive(craftedArchive([{ name: "omniroute.sqlite", type: "2", link: "/etc/passwd" }]), /symbolic link/);
    await refusedArchive(
      craftedArchive([
        { name: "real.sqlite", data: db },
        { name: "omniroute.sqlite", type: "1", link: "real.sqlite" },
      ]),
      /hard link/,
    );
    await refusedArchive(
      craftedArchive([
        { name: "x/", type: "5" },
        { name: "x/../../omniroute.sqlite", data: db },
      ]),
      /climbs out/,
    );
    await refusedArchive(craftedArchive([{ name: "notes.txt", data: new TextEncoder().encode("hi") }]), /has no omniroute.sqlite/);
    expect(existsSync(join(a.config.dataDir, "backups"))).toBe(false);

    // The crafted format itself is accepted when nothing in it is hostile (other files are skipped).
    const ok = await importRequest(
      a.url,
      craftedArchive([{ name: "notes.txt", data: new TextEncoder().encode("hi") }, good]),
      await bearer(a),
      "crafted.tar.gz",
    );
    expect(ok.status).toBe(200);
    expect(connectionNames(a)).toEqual(["from-b"]);
  });

  test("takes the database out of a good archive and imports it", async () => {
    const res = await b.gw.api("/api/db-backups/exportAll");
    // The previous test imported b's database, so b's manage key now opens a.
    const imported = await importRequest(
      a.url,
      new Uint8Array(await res.arrayBuffer()),
      { authorization: `Bearer ${b.key}` },
      "all.tar.gz",
    );
    expect(imported.status).toBe(200);
    const result = await imported.json();
    expect(result.tables.provider_connections).toBe(1);
    expect(connectionNames(a)).toEqual(["from-b"]);
    expect(readdirSync(join(a.config.dataDir, "backups"))).toHaveLength(2);
  });
});

describe("reloadCachedState", () => {
  test("reaches every service that caches database state", async () => {
    const gw = await startGateway();
    try {
      const reloaded = await reloadCachedState(gw.services);
      for (const name of ["settings", "resilience", "pricing", "providers", "accounts", "apiKeys", "combos", "budgets"])
        expect(reloaded).toContain(name);
    } finally {
      await gw.close();
    }
  });
});
