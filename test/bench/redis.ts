// The "several instances" scenario: what REDIS_URL costs. One gateway on its own in-memory state against two gateways
// sharing one redis-server: added latency at c=1 (each call takes its account's concurrency slot in Redis) and
// throughput at c=64 (split over the two instances).
import { startRedis } from "../support/redis.ts";
import { alternate, pickLoadClient, timeRequest, type Endpoint } from "./load.ts";
import { BENCH_PASSWORD, startGateway, stopChild, tempDir } from "./procs.ts";
import { median, type Row } from "./report.ts";
import { connectGateway } from "./scenarios.ts";

export interface RedisBenchOptions {
  upstreamUrl: string;
  floorUrl: string;
  log: (m: string) => void;
  waitHealthy: (url: string) => Promise<void>;
}

/** A concurrency limit no call reaches: every call still takes (and frees) its account's slot, as with real limits. */
const LIMITS = { limits: { maxConcurrent: 10_000 } };

export async function redisRows(o: RedisBenchOptions): Promise<Row[]> {
  const scenario = "Several instances (REDIS_URL)";
  const redis = await startRedis();
  try {
    const alone = await startGateway(tempDir("omniroute-bench-alone-"), { via: "bundle" });
    const shared = [
      await startGateway(tempDir("omniroute-bench-shared-"), { via: "bundle", env: { REDIS_URL: redis.url } }),
      await startGateway(tempDir("omniroute-bench-shared-"), { via: "bundle", env: { REDIS_URL: redis.url } }),
    ];
    const all = [alone, ...shared];
    for (const gw of all) await o.waitHealthy(gw.url);
    for (const gw of all)
      await (await connectGateway(gw.url, o.upstreamUrl, o.floorUrl, BENCH_PASSWORD)).manage("PATCH", "/api/resilience", LIMITS);
    const ep = (url: string): Endpoint => ({
      url: `${url}/v1/chat/completions`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "ds/deepseek-chat",
        messages: [{ role: "user", content: "Say something short. bench:short" }],
        max_tokens: 64,
      }),
      stream: false,
    });

    o.log("redis: latency, one instance alone vs an instance on Redis (sequential, alternating)");
    await alternate([ep(alone.url), ep(shared[0]!.url)], 200, 50, timeRequest);
    const [aloneMs, sharedMs] = await alternate([ep(alone.url), ep(shared[0]!.url)], 2000, 100, timeRequest);

    o.log("redis: throughput at c=64, one instance alone vs two instances on Redis (32 connections each)");
    const client = pickLoadClient();
    const watch = { gateway: alone.child.pid };
    const runs = { alone: [] as number[], shared: [] as number[] };
    for (let round = 0; round < 3; round++) {
      runs.alone.push((await client.run(ep(alone.url), { concurrency: 64, seconds: 5, warmupSeconds: 1, watch })).rps);
      const both = await Promise.all(
        shared.map((gw) => client.run(ep(gw.url), { concurrency: 32, seconds: 5, warmupSeconds: 1, watch: { gateway: gw.child.pid } })),
      );
      runs.shared.push(both.reduce((sum, r) => sum + r.rps, 0));
    }
    for (const gw of all) await stopChild(gw.child, 5000);
    const note = "direct column: one instance without Redis; gateway column: with REDIS_URL";
    return [
      {
        scenario,
        measure: "latency p50, non-stream chat, one call at a time",
        direct: median(aloneMs!),
        gateway: median(sharedMs!),
        unit: "ms",
        digits: 3,
        note: `${note} (one Lua script per call for the account's slot, and its release)`,
      },
      {
        scenario,
        measure: `throughput, 64 connections (${client.name}); two instances on Redis share them`,
        direct: median(runs.alone),
        gateway: median(runs.shared),
        unit: "req/s",
        digits: 0,
        note: `${note}; the two instances, Redis and the load client share the same cores`,
      },
    ];
  } finally {
    await redis.stop();
  }
}
