// The response cache and idempotency shared by two gateways on one Redis: a hit on either instance, and a duplicate
// on B while A still runs the first waits for A's answer instead of calling the upstream again.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import type { TestGateway } from "../support/gateway.ts";
import { waitUntil } from "../support/real-servers.ts";
import { describeWithRedis } from "../support/redis.ts";
import { configureBoth, connectBoth, flushRedis, keyOnBoth, startPair } from "./support.ts";

describeWithRedis("shared cache and idempotency (two gateways, one Redis)", (redis) => {
  let pair: [TestGateway, TestGateway];
  let up: FakeUpstream;
  let key: string;
  beforeEach(async () => {
    await flushRedis(redis().url);
    pair = await startPair(redis().url);
    up = startOpenAIUpstream({ kind: "text", text: "deterministic answer", chunks: 4 });
    await connectBoth(pair, "ds", up, "k");
    key = (await keyOnBoth(pair, "client")).key;
    await configureBoth(pair, "/api/settings", { method: "PUT", body: { cache: { enabled: true, ttlSeconds: 60 } } });
  });
  afterEach(async () => {
    await Promise.all(pair.map((gw) => gw.close()));
    await up.close();
  });
  const post = (gw: TestGateway, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(body),
    });

  test("an answer cached on A is a hit on B: same bytes, no upstream call, a $0 hit row on B", async () => {
    const [a, b] = pair;
    const body = { model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user", content: "cache me" }] };
    const first = await post(a, body);
    expect(first.headers.get("x-omniroute-cache")).toBe("MISS");
    const firstText = await first.text();
    // The answer is stored once the client has read it all: B sees it as soon as it is there.
    let second: Response | undefined;
    await waitUntil(
      "B to hit",
      async () => {
        second = await post(b, body);
        if (second.headers.get("x-omniroute-cache") === "HIT") return true;
        await second.text();
        return false;
      },
      3_000,
    );
    expect(await second!.text()).toBe(firstText);
    expect((await listUsageLogs(b.services.store, { limit: 1 }))[0]).toMatchObject({ cache: "hit", costUsd: 0, status: 200 });
    const calls = up.requests.length;
    // Streams too, replayed as SSE from the other instance.
    const streamed = { ...body, stream: true, messages: [{ role: "user", content: "stream me" }] };
    const original = await (await post(b, streamed)).text();
    await waitUntil(
      "A to hit the stream",
      async () => {
        const res = await post(a, streamed);
        const text = await res.text();
        return res.headers.get("x-omniroute-cache") === "HIT" && text === original;
      },
      3_000,
    );
    expect(up.requests.length).toBe(calls + 1);
    // Clearing on one instance (what the dashboard's "Clear cache" does) clears for all.
    b.services.cache.clear();
    await waitUntil(
      "A to miss after the clear",
      async () => {
        const res = await post(a, body);
        await res.text();
        return res.headers.get("x-omniroute-cache") === "MISS";
      },
      3_000,
    );
  });

  test("a duplicate on B while A runs the first waits for A's answer: the upstream is called once", async () => {
    const [a, b] = pair;
    up.setScenario({ kind: "text", text: "slow answer", chunks: 5, delayMs: 100 });
    const body = { model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "slow" }] };
    const first = await post(a, body, { "idempotency-key": "req-77" });
    expect(first.status).toBe(200);
    const duplicate = post(b, body, { "idempotency-key": "req-77" });
    const [firstText, dup] = await Promise.all([first.text(), duplicate]);
    expect(dup.headers.get("x-omniroute-idempotent")).toBe("true");
    expect(await dup.text()).toBe(firstText);
    expect(up.requests).toHaveLength(1);
    // Within the window, a later duplicate on either instance is a replay too.
    const later = await post(b, body, { "idempotency-key": "req-77" });
    expect(later.headers.get("x-omniroute-idempotent")).toBe("true");
    await later.text();
    expect(up.requests).toHaveLength(1);
  });

  test("when the first ends without an answer (its client left), the duplicate on the other instance runs on its own", async () => {
    const [a, b] = pair;
    up.setScenario((_, call) => (call === 1 ? { kind: "hang" } : { kind: "text", text: "whole answer" }));
    const body = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "left" }] };
    const leaving = new AbortController();
    const first = fetch(`${a.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "idempotency-key": "req-left" },
      body: JSON.stringify(body),
      signal: leaving.signal,
    }).catch(() => undefined);
    await waitUntil("the first to reach the upstream", async () => up.requests.length === 1, 3_000);
    const duplicate = post(b, body, { "idempotency-key": "req-left" });
    leaving.abort();
    await first;
    const dup = await duplicate;
    expect(dup.status).toBe(200);
    expect(dup.headers.get("x-omniroute-idempotent")).toBeNull();
    expect((await dup.json()).choices[0].message.content).toBe("whole answer");
    expect(up.requests).toHaveLength(2);
  });
});
