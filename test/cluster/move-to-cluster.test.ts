// Moving a single gateway to a cluster, as the README says: export from the SQLite gateway, start the PostgreSQL
// instances with its three secrets, import on one; the other then serves its connection and key, and both show its usage.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { boot, removeTempDirs, signIn, tempDir } from "../process/support.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { startInstance, stopInstance, within, type Instance } from "./processes.ts";

afterAll(removeTempDirs);

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
  });

/** A management call with a signed-in cookie (as the dashboard makes it). */
function managedBy(url: string, cookie: string) {
  return (path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", cookie, origin: url },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

type UsageLogs = { data: Array<{ requestId: string; provider: string; keyId: string | null }> };

describeWithPostgres("moving a single gateway to a cluster", (postgres) => {
  test("a SQLite gateway's export, imported on A of a fresh two-instance cluster started with its secrets: B serves its connection and key, both show its usage", async () => {
    const upstream = startOpenAIUpstream({ kind: "text", text: "moved" });
    const singleDir = tempDir();
    // The single gateway sets no secrets: it generates them into DATA_DIR/secrets.json, as a first install does.
    const single = await boot([process.execPath, "src/main.ts"], singleDir);
    let a: Instance | undefined;
    let b: Instance | undefined;
    try {
      const api = managedBy(single.url, await signIn(single.url));
      const connection = await api("/api/providers", {
        provider: "ds",
        name: "team-deepseek",
        apiKey: "sk-moved-upstream-secret",
        baseUrl: `${upstream.url}/v1`,
      });
      expect(connection.status).toBe(201);
      const made = await api("/api/keys", { name: "alice" });
      expect(made.status).toBe(201);
      const key = (await made.json()) as { id: string; key: string };
      expect((await api("/api/combos", { name: "team-combo", models: ["ds/deepseek-chat"] })).status).toBe(201);
      expect((await api("/api/usage/budget", { keyId: key.id, period: "monthly", limit: 50 })).status).toBe(201);
      for (let i = 0; i < 3; i++) {
        const res = await chat(single.url, key.key);
        expect(res.status).toBe(200);
        await res.text();
      }
      const singleLogs = (await (await api("/api/usage/logs")).json()) as UsageLogs;
      expect(singleLogs.data).toHaveLength(3);

      const exported = await api("/api/db-backups/export");
      expect(exported.status).toBe(200);
      expect(exported.headers.get("content-disposition")).toMatch(/omniroute-.*\.sqlite/);
      const file = new Uint8Array(await exported.arrayBuffer());
      const stored = JSON.parse(readFileSync(join(singleDir, "secrets.json"), "utf8")) as Record<string, string>;
      single.proc.kill("SIGTERM");
      await single.proc.exited;

      const url = await postgres().createDatabase();
      const secrets = { JWT_SECRET: stored.jwtSecret!, API_KEY_SECRET: stored.apiKeySecret!, ENCRYPTION_KEY: stored.encryptionKey! };
      [a, b] = await Promise.all([
        startInstance(url, { ...secrets, REQUIRE_API_KEY: "true" }),
        startInstance(url, { ...secrets, REQUIRE_API_KEY: "true" }),
      ]);
      // Before the import the cluster knows no such key.
      expect((await chat(b.url, key.key)).status).toBe(401);

      const form = new FormData();
      form.append("file", new Blob([file]), "omniroute.sqlite");
      const cookieA = await signIn(a.url);
      const imported = await fetch(`${a.url}/api/db-backups/import`, {
        method: "POST",
        headers: { cookie: cookieA, origin: a.url },
        body: form,
      });
      const result = (await imported.json()) as { tables: Record<string, number>; warnings: string[]; backup: string };
      expect(imported.status).toBe(200);
      expect(result.warnings).toEqual([]);
      expect(result.tables).toMatchObject({ provider_connections: 1, api_keys: 1, combos: 1, budgets: 1, usage_log: 3 });
      expect(result.backup).toStartWith(join(a.dataDir, "backups", "pre-import-"));

      // B was told to reload: it serves the imported key through the imported connection (its sealed upstream key opened).
      const before = upstream.requests.length;
      await within(2_000, "B to serve the imported key", async () => {
        const res = await chat(b!.url, key.key);
        await res.text();
        return res.status === 200;
      });
      expect(upstream.requests.slice(before).at(-1)?.headers.authorization).toBe("Bearer sk-moved-upstream-secret");

      // The imported usage rows, the combo and the budget are there on either instance.
      for (const instance of [a, b]) {
        const logs = (await (await instance.api("/api/usage/logs?limit=500")).json()) as UsageLogs;
        const ids = new Set(logs.data.map((r) => r.requestId));
        for (const row of singleLogs.data) expect(ids).toContain(row.requestId);
        const combos = (await (await instance.api("/api/combos")).json()) as Array<{ name: string }>;
        expect(combos.map((c) => c.name)).toContain("team-combo");
        const budgets = (await (await instance.api("/api/usage/budget")).json()) as Array<{ keyId: string; limit: number }>;
        expect(budgets).toEqual([expect.objectContaining({ keyId: key.id, limit: 50 })]);
      }
      // New rows continue after the imported ones (the identity was moved past them).
      const total = (await (await a.api("/api/usage/logs?limit=500")).json()) as UsageLogs;
      expect(total.data.length).toBeGreaterThanOrEqual(4);
    } finally {
      if (single.proc.exitCode === null) single.proc.kill("SIGKILL");
      await Promise.all([a && stopInstance(a), b && stopInstance(b)]);
      await upstream.close();
    }
  }, 90_000);
});
