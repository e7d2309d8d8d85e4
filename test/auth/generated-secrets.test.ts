// The secrets file: atomic, never overwritten when damaged; a folder from before it keeps opening what the public defaults sealed; data files 0600.
import { sqliteOf } from "../support/sqlite-of.ts";
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyHasher } from "../../src/auth/api-key-hash.ts";
import { readOrCreateSecrets } from "../../src/auth/generated-secrets.ts";
import { createSecretBox } from "../../src/auth/secret-box.ts";
import { ConfigError, DEFAULT_API_KEY_SECRET, DEFAULT_ENCRYPTION_KEY } from "../../src/config.ts";
import { closeDatabase, openDataDir } from "../../src/db/client.ts";
import { writeBackup } from "../../src/backups/files.ts";
import { startGateway, rawDatabase } from "../support/gateway.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-secrets-"));
  dirs.push(dir);
  return dir;
}
const mode = (path: string) => statSync(path).mode & 0o777;

describe("secrets.json", () => {
  test("created once with no temp file left; a damaged one stops startup and is left as it was", () => {
    const dir = join(tempDir(), "data");
    const first = readOrCreateSecrets(dir);
    expect(first.created).toBe(true);
    expect(readdirSync(dir)).toEqual(["secrets.json"]);
    expect(readOrCreateSecrets(dir)).toEqual({ secrets: first.secrets, created: false });
    writeFileSync(join(dir, "secrets.json"), '{"jwtSecret": "tru');
    expect(() => readOrCreateSecrets(dir)).toThrow(ConfigError);
    expect(() => readOrCreateSecrets(dir)).toThrow(/unreadable.*Restore it from the backup kept with the database/);
    expect(readFileSync(join(dir, "secrets.json"), "utf8")).toBe('{"jwtSecret": "tru');
  });

  test("gateways starting at once on a new folder all end up with the same secrets", async () => {
    const dir = join(tempDir(), "data");
    const module = join(import.meta.dir, "../../src/auth/generated-secrets.ts");
    const script = `const { readOrCreateSecrets } = await import(${JSON.stringify(module)}); process.stdout.write(readOrCreateSecrets(${JSON.stringify(dir)}).secrets.jwtSecret);`;
    const procs = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" }));
    const seen = await Promise.all(procs.map((p) => new Response(p.stdout).text()));
    expect(seen[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(seen).size).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8")).jwtSecret).toBe(seen[0]!);
    expect(readdirSync(dir)).toEqual(["secrets.json"]);
  });

  test("a folder that holds other things (a shared DATA_DIR such as /tmp) keeps its mode; its files are still 0600", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "someone-elses-file"), "x");
    chmodSync(dir, 0o755);
    readOrCreateSecrets(dir);
    expect(mode(dir)).toBe(0o755);
    expect(mode(join(dir, "secrets.json"))).toBe(0o600);
  });

  test("an existing folder too open is tightened to 0700, a too-open secrets file to 0600", () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    readOrCreateSecrets(dir);
    chmodSync(join(dir, "secrets.json"), 0o644);
    readOrCreateSecrets(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "secrets.json"))).toBe(0o600);
  });
});

describe("a data folder from before generated secrets", () => {
  test("credentials sealed and API keys stored under the public defaults still work; a key moves to the new secret on use", async () => {
    const dataDir = join(tempDir(), "data");
    mkdirSync(dataDir, { recursive: true });
    const db = await openDataDir(dataDir);
    const oldKey = "sk-omni-legacy-key-0123456789abcdef";
    db.$client
      .query("insert into api_keys (id, name, key_hash, key_prefix, scopes, created_at) values (?, ?, ?, ?, ?, ?)")
      .run("k1", "old", createKeyHasher(DEFAULT_API_KEY_SECRET)(oldKey), oldKey.slice(0, 12), JSON.stringify(["manage"]), Date.now());
    closeDatabase(db);
    const sealedBefore = createSecretBox(DEFAULT_ENCRYPTION_KEY).seal("sk-upstream-secret");

    const gw = await startGateway({ DATA_DIR: dataDir, JWT_SECRET: "", API_KEY_SECRET: "", ENCRYPTION_KEY: "" });
    try {
      expect(gw.config.olderSecrets).toEqual({ encryptionKey: DEFAULT_ENCRYPTION_KEY, apiKeySecret: DEFAULT_API_KEY_SECRET });
      expect(gw.config.encryptionKey).not.toBe(DEFAULT_ENCRYPTION_KEY);
      expect(gw.services.secrets.open(sealedBefore)).toBe("sk-upstream-secret");
      // New seals use the generated key only.
      expect(() => createSecretBox(DEFAULT_ENCRYPTION_KEY).open(gw.services.secrets.seal("x"))).toThrow();
      expect((await fetch(`${gw.url}/api/keys`, { headers: { authorization: `Bearer ${oldKey}` } })).status).toBe(200);
      const row = rawDatabase(gw.services).query("select key_hash from api_keys where id = 'k1'").get() as { key_hash: string };
      expect(row.key_hash).toBe(createKeyHasher(gw.config.apiKeySecret)(oldKey));
    } finally {
      await gw.close();
    }
  });
});

describe("data files", () => {
  test("the database, the request log and backups are 0600 even in a world-readable folder under a permissive umask", async () => {
    const dataDir = join(tempDir(), "data");
    const previous = process.umask(0o022);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o755 });
      const gw = await startGateway({ DATA_DIR: dataDir, ENABLE_REQUEST_LOGS: "true" });
      try {
        expect(mode(join(dataDir, "omniroute.sqlite"))).toBe(0o600);
        expect(mode(join(dataDir, "request-logs.sqlite"))).toBe(0o600);
        const backup = writeBackup(sqliteOf(gw.services.store), dataDir, "manual");
        expect(existsSync(backup)).toBe(true);
        expect(mode(backup)).toBe(0o600);
        expect(new Database(backup, { readonly: true }).query("select count(*) as n from api_keys").get()).toEqual({ n: 0 });
      } finally {
        await gw.close();
      }
    } finally {
      process.umask(previous);
    }
  });
});
