// Concurrency places held in Redis are leases: a live instance keeps its place as long as its call runs, one that
// dies without a word (kill -9) lets it lapse, so a crash cannot take an account's place for good.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { RedisAccountLimiter } from "../../src/cluster/account-limiter.ts";
import { Leases } from "../../src/cluster/leases.ts";
import { RedisLink } from "../../src/cluster/link.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeWithRedis } from "../support/redis.ts";
import { flushRedis } from "./support.ts";

const LIMITS = { rpm: 0, minIntervalMs: 0, maxConcurrent: 1 };
const LEASE_MS = 300;

describeWithRedis("account slots as leases", (redis) => {
  const opened: Array<{ link: RedisLink; leases: Leases }> = [];
  async function instance() {
    const link = new RedisLink(redis().url);
    await link.start();
    const leases = new Leases(link, LEASE_MS);
    opened.push({ link, leases });
    return { link, leases, limiter: new RedisAccountLimiter(link, leases) };
  }
  beforeEach(() => flushRedis(redis().url));
  afterEach(() => {
    for (const { link, leases } of opened.splice(0)) {
      leases.stop();
      link.close();
    }
  });

  test("a live instance keeps its place past the lease; another is refused until it releases", async () => {
    const one = await instance();
    const two = await instance();
    const held = await one.limiter.tryAcquire("acct", LIMITS);
    expect("slot" in held).toBe(true);
    const started = Date.now();
    await waitUntil("three leases to pass", async () => Date.now() - started > LEASE_MS * 3, 5_000);
    expect(await two.limiter.tryAcquire("acct", LIMITS)).toEqual({ waitMs: Number.POSITIVE_INFINITY });
    if ("slot" in held) held.slot.release();
    await waitUntil("the place to free", async () => "slot" in (await two.limiter.tryAcquire("acct", LIMITS)), 2_000);
  });

  test("an instance that dies holding a place (no release, no renewal) frees it within a lease", async () => {
    const one = await instance();
    const two = await instance();
    expect("slot" in (await one.limiter.tryAcquire("acct", LIMITS))).toBe(true);
    one.leases.stop();
    one.link.close();
    expect(await two.limiter.tryAcquire("acct", LIMITS)).toEqual({ waitMs: Number.POSITIVE_INFINITY });
    await waitUntil(
      "the dead instance's place to lapse",
      async () => "slot" in (await two.limiter.tryAcquire("acct", LIMITS)),
      LEASE_MS * 5,
    );
  });
});
