// The PostgreSQL column: what DATABASE_URL costs. One gateway on its SQLite file against one on a local PostgreSQL (and
// two on it, splitting the load): added latency at c=1 (the usage row's commit is the only database work per call)
// and throughput at c=64 (rows of calls that finish together go in one multi-row insert).
import { postgresAvailability, startPostgres } from "../support/postgres.ts";
import { alternate, pickLoadClient, timeRequest, type Endpoint } from "./load.ts";
import { BENCH_PASSWORD, startGateway, stopChild, tempDir } from "./procs.ts";
import { median, type Row } from "./report.ts";
import { connectGateway } from "./scenarios.ts";

export interface PostgresBenchOptions {
  upstreamUrl: string;
  floorUrl: string;
  log: (m: string) => void;
  waitHealthy: (url: string) => Promise<void>;
}

export { postgresAvailability };

export async function postgresRows(o: PostgresBenchOptions): Promise<Row[]> {
  const scenario = "Several instances (DATABASE_URL)";
  const postgres = await startPostgres();
  try {
    const url = await postgres.createDatabase();
    const onSqlite = await startGateway(tempDir("omniroute-bench-sqlite-"), { via: "bundle" });
    const onPostgres = [
      await startGateway(tempDir("omniroute-bench-pg-"), { via: "bundle", env: { DATABASE_URL: url } }),
      await startGateway(tempDir("omniroute-bench-pg-"), { via: "bundle", env: { DATABASE_URL: url } }),
    ];
    const all = [onSqlite, ...onPostgres];
    for (const gw of all) await o.waitHealthy(gw.url);
    // The SQLite gateway and the first PostgreSQL one are configured; the second hears of it through the change feed.
    await connectGateway(onSqlite.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD);
    await connectGateway(onPostgres[0]!.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD);
    const ep = (base: string): Endpoint => ({
      url: `${base}/v1/chat/completions`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "ds/deepseek-chat",
        messages: [{ role: "user", content: "Say something short. bench:short" }],
        max_tokens: 64,
      }),
      stream: false,
    });
    const pgB = ep(onPostgres[1]!.url);
    for (let tries = 0; (await fetch(pgB.url, { method: "POST", headers: pgB.headers, body: pgB.body })).status !== 200; tries++) {
      if (tries > 50) throw new Error("the second PostgreSQL instance never served the configured provider");
      await Bun.sleep(100);
    }

    o.log("postgres: latency, one instance on SQLite vs one on PostgreSQL (sequential, alternating)");
    await alternate([ep(onSqlite.url), ep(onPostgres[0]!.url)], 200, 50, timeRequest);
    const [sqliteMs, pgMs] = await alternate([ep(onSqlite.url), ep(onPostgres[0]!.url)], 2000, 100, timeRequest);

    o.log("postgres: throughput at c=64, SQLite vs one instance on PostgreSQL vs two on it (32 connections each)");
    const client = pickLoadClient();
    const runs = { sqlite: [] as number[], one: [] as number[], two: [] as number[] };
    for (let round = 0; round < 3; round++) {
      const opts = (pid: number, concurrency: number) => ({
        concurrency,
        seconds: 5,
        warmupSeconds: 1,
        watch: { gateway: pid },
      });
      runs.sqlite.push((await client.run(ep(onSqlite.url), opts(onSqlite.child.pid, 64))).rps);
      runs.one.push((await client.run(ep(onPostgres[0]!.url), opts(onPostgres[0]!.child.pid, 64))).rps);
      const both = await Promise.all(onPostgres.map((gw) => client.run(ep(gw.url), opts(gw.child.pid, 32))));
      runs.two.push(both.reduce((sum, r) => sum + r.rps, 0));
    }
    for (const gw of all) await stopChild(gw.child, 5000);
    const note = "direct column: one instance on its SQLite file; gateway column: on PostgreSQL (local, same cores)";
    return [
      {
        scenario,
        measure: "latency p50, non-stream chat, one call at a time",
        direct: median(sqliteMs!),
        gateway: median(pgMs!),
        unit: "ms",
        digits: 3,
        note: `${note}; the row's commit is a round trip to PostgreSQL`,
      },
      {
        scenario,
        measure: `throughput, 64 connections (${client.name}), one instance`,
        direct: median(runs.sqlite),
        gateway: median(runs.one),
        unit: "req/s",
        digits: 0,
        note,
      },
      {
        scenario,
        measure: `throughput, 64 connections (${client.name}), two instances on PostgreSQL (32 each)`,
        direct: median(runs.sqlite),
        gateway: median(runs.two),
        unit: "req/s",
        digits: 0,
        note: `${note}; the two instances, PostgreSQL and the load client share the same cores`,
      },
    ];
  } finally {
    await postgres.stop();
  }
}
