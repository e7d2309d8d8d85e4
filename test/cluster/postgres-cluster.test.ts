// Two gateway processes on one PostgreSQL behave as one: a change on one is served by the other within a second,
// usage from both is counted once, instances started together migrate once, and a kill -9 loses no acknowledged row.
import { afterAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { removeTempDirs } from "../process/support.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { startInstance, stopInstance, within, type Instance } from "./processes.ts";

afterAll(removeTempDirs);

const chat = (instance: Instance, key?: string, model = "ds/deepseek-chat") =>
  fetch(`${instance.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });

describeWithPostgres("two instances on one PostgreSQL", (postgres) => {
  test("instances started together migrate once; a key made on A works on B, and once revoked on A is refused by B within a second", async () => {
    const url = await postgres().createDatabase();
    const upstream = startOpenAIUpstream({ kind: "text", text: "hello from upstream" });
    const [a, b] = await Promise.all([startInstance(url, { REQUIRE_API_KEY: "true" }), startInstance(url, { REQUIRE_API_KEY: "true" })]);
    try {
      const sql = new SQL(url, { max: 1 });
      const [{ n }] = (await sql`select count(*)::int as n from drizzle.__drizzle_migrations`) as Array<{ n: number }>;
      const [{ files }] = (await sql`select count(*)::int as files from drizzle.__drizzle_migrations`) as Array<{ files: number }>;
      await sql.close();
      expect(n).toBe(files);
      expect(n).toBeGreaterThan(0);

      expect((await a.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` } })).status).toBe(201);
      const made = await a.api("/api/keys", { body: { name: "dev" } });
      expect(made.status).toBe(201);
      const created = (await made.json()) as { id: string; key: string };
      // B serves the connection and the key A just made.
      await within(1_000, "B to accept A's new key", async () => (await chat(b, created.key)).status === 200);
      expect((await a.api(`/api/keys/${created.id}`, { method: "DELETE" })).status).toBeLessThan(300);
      const took = await within(1_000, "B to refuse the key A revoked", async () => (await chat(b, created.key)).status === 401);
      expect(took).toBeLessThan(1_000);
    } finally {
      await Promise.all([stopInstance(a), stopInstance(b)]);
      await upstream.close();
    }
  }, 60_000);

  test("usage from both instances is counted once in either's views; kill -9 loses no row it acknowledged", async () => {
    const url = await postgres().createDatabase();
    const upstream = startOpenAIUpstream({ kind: "text", text: "counted" });
    const a = await startInstance(url);
    const b = await startInstance(url);
    try {
      expect((await a.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` } })).status).toBe(201);
      await within(1_000, "B to see the connection", async () => (await chat(b)).status === 200);
      const before = await totalRequests(a);
      const answers = await Promise.all([...Array.from({ length: 20 }, () => chat(a)), ...Array.from({ length: 20 }, () => chat(b))]);
      expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
      await Promise.all(answers.map((r) => r.text()));
      // B dies without a chance to flush anything: every answer it finished had its row committed first.
      b.proc.kill("SIGKILL");
      await b.proc.exited;
      expect(await totalRequests(a)).toBe(before + 40);
    } finally {
      await stopInstance(a);
      if (b.proc.exitCode === null) await stopInstance(b);
      await upstream.close();
    }
  }, 60_000);

  test("while PostgreSQL is away the instance serves from memory, /readyz says why, and the rows held are written when it returns", async () => {
    const url = await postgres().createDatabase();
    const upstream = startOpenAIUpstream({ kind: "text", text: "still here" });
    const a = await startInstance(url);
    try {
      expect((await a.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` } })).status).toBe(201);
      expect((await chat(a)).status).toBe(200);
      const before = await totalRequests(a);
      await postgres().pause();
      try {
        const during = await Promise.all(Array.from({ length: 5 }, () => chat(a)));
        expect(during.map((r) => r.status)).toEqual(Array(5).fill(200));
        await within(15_000, "/readyz to report the store", async () => (await fetch(`${a.url}/readyz`)).status === 503);
        const ready = (await (await fetch(`${a.url}/readyz`)).json()) as { reason: string };
        expect(ready.reason).toMatch(/PostgreSQL|database/);
        // A change cannot be saved: the API says so and where, and nothing half-happens.
        const write = await a.api("/api/keys", { body: { name: "during the outage" } });
        expect(write.status).toBe(503);
        expect(await write.text()).toContain("This change was not saved: the database server (127.0.0.1:");
      } finally {
        await postgres().resume();
      }
      await within(20_000, "/readyz to be ready again", async () => (await fetch(`${a.url}/readyz`)).status === 200);
      let seen = -1;
      await within(10_000, `the held rows to be written (${before} + 5)`, async () => (seen = await totalRequests(a)) === before + 5).catch(
        (e) => {
          throw new Error(`${e.message}; last seen ${seen}`);
        },
      );
    } catch (e) {
      console.log(a.log());
      throw e;
    } finally {
      await stopInstance(a);
      await upstream.close();
    }
  }, 90_000);
});

/** Requests the usage API counts today, grouped by provider and summed (the raw rows and rollups of both instances). */
async function totalRequests(instance: Instance): Promise<number> {
  const res = await instance.api("/api/usage?groupBy=provider");
  expect(res.status).toBe(200);
  return ((await res.json()) as Array<{ requests: number }>).reduce((sum, r) => sum + r.requests, 0);
}
