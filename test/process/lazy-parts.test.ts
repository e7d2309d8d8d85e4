// The bundle `bun run start` serves keeps what boot never needs out of the code it loads at boot (idle memory, README
// "Performance"): tar with node:zlib and node:stream, the PostgreSQL store, prom-client's process metrics; each still works
// from its lazily loaded chunk.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { boot, removeTempDirs, ROOT, signIn, tempDir } from "./support.ts";

afterAll(removeTempDirs);

const DIST = join(ROOT, "dist");

/** dist/main.js and every chunk it imports statically, transitively: the code a gateway evaluates at boot. */
function bootChunks(): Map<string, string> {
  const chunks = new Map<string, string>();
  const visit = (name: string) => {
    if (chunks.has(name)) return;
    const code = readFileSync(join(DIST, name), "utf8");
    chunks.set(name, code);
    for (const m of code.matchAll(/\bfrom\s*"\.\/([^"]+\.js)"/g)) visit(m[1]!);
  };
  visit("main.js");
  return chunks;
}

describe("what the bundle loads at boot", () => {
  test("no tar, node:zlib, node:stream, PostgreSQL store or process metrics at boot; each loads at first use and works", async () => {
    const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    expect(build.exitCode, build.stderr.toString()).toBe(0);

    const atBoot = bootChunks();
    const everything = [...atBoot.values()].join("\n");
    expect([...atBoot.keys()]).toContain("main.js");
    for (const builtin of ["zlib", "stream", "tar"]) {
      expect(everything).not.toMatch(new RegExp(`from\\s*"(node:)?${builtin}"`));
    }
    // tar's own code (its error codes), pg-schema.ts's tables and the PostgreSQL migrator.
    expect(everything).not.toContain("TAR_BAD_ARCHIVE");
    expect(everything).not.toContain("migratePostgres");
    expect(everything).not.toMatch(/\bpgTable\(/);
    // prom-client's process metrics (their event-loop monitor among them) wait for the first scrape.
    expect(everything).not.toContain("nodejs_eventloop_lag");
    // ...all still in the bundle, behind import().
    expect(readFileSync(join(DIST, "main.js"), "utf8")).toMatch(/import\("\.\/chunk-[^"]+"\)/);

    const dataDir = tempDir();
    const { proc, url } = await boot([process.execPath, join(DIST, "main.js")], dataDir, { METRICS_PUBLIC: "true" });
    try {
      const cookie = await signIn(url);
      const res = await fetch(`${url}/api/db-backups/exportAll`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/gzip");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
      const tar = Bun.gunzipSync(bytes);
      // A ustar header names the first entry: the manifest.
      expect(new TextDecoder().decode(tar.subarray(0, 100))).toContain("manifest.json");
      // The first scrape loads the process metrics and shows them.
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toContain("omniroute_requests_total");
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  }, 60_000);
});
