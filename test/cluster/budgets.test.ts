// Budget holds shared across instances: a burst on one key spread over two gateways holds, all together, what one
// gateway would: the calls in flight at once are those the budget can pay, plus one at most.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { estimateCost } from "../../src/usage/estimate.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import type { TestGateway } from "../support/gateway.ts";
import { describeWithRedis } from "../support/redis.ts";
import { chat, configureBoth, connectBoth, flushRedis, keyOnBoth, startPair } from "./support.ts";

describeWithRedis("shared budget holds (two gateways, one Redis)", (redis) => {
  let pair: [TestGateway, TestGateway];
  let up: FakeUpstream;
  beforeEach(async () => {
    await flushRedis(redis().url);
    pair = await startPair(redis().url);
    up = startOpenAIUpstream({ kind: "text", text: "ok" });
  });
  afterEach(async () => {
    await Promise.all(pair.map((gw) => gw.close()));
    await up.close();
  });

  test("a burst of 50 over both instances: in flight together, only what the budget pays for plus one call", async () => {
    const [a, b] = pair;
    await connectBoth(pair, "ds", up, "k");
    const { id, key } = await keyOnBoth(pair, "burst");
    const body = { model: "ds/deepseek-chat", stream: true, max_tokens: 4000, messages: [{ role: "user", content: "hi" }] };
    const estimate = estimateCost({ pricing: a.services.pricing }, a.services.router.resolve(body.model)[0], body);
    expect(estimate).toBeGreaterThan(0);
    // Three calls' likely cost and a half: three hold their estimate, a fourth what is left; nothing else may start.
    const limit = estimate * 3.5;
    // A cheap call on each instance first: with no cost seen for the model, a call would hold all that is left.
    up.setScenario({ kind: "text", text: "warm", usage: { input: 1, output: 1 } });
    for (const gw of pair) expect((await chat(gw, body.model)).status).toBe(200);
    const warmUps = up.requests.length;
    await configureBoth(pair, "/api/usage/budget", { body: { keyId: id, limit, period: "daily" } });
    // Each call costs more than the whole budget once it settles, and takes a while, so the first wave is all in flight.
    up.setScenario({ kind: "text", text: "one two three", usage: { input: 200_000, output: 200_000 }, delayMs: 150, chunks: 3 });
    let inFlightAtFirstAnswer = -1;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${(i % 2 ? b : a).url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        }).then(async (r) => {
          await r.text();
          if (r.status === 200 && inFlightAtFirstAnswer < 0) inFlightAtFirstAnswer = up.requests.length - warmUps;
          return r.status;
        }),
      ),
    );
    // One gateway alone would let 4 through; two without shared holds, 8.
    expect(inFlightAtFirstAnswer).toBeGreaterThanOrEqual(3);
    expect(inFlightAtFirstAnswer).toBeLessThanOrEqual(4);
    expect(answers.filter((s) => s === 200).length).toBe(up.requests.length - warmUps);
    expect(answers.every((s) => s === 200 || s === 429)).toBe(true);
  }, 60_000);
});
