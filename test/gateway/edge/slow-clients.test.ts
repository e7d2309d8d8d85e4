// Slow and greedy clients: a body trickled byte by byte is cut off by the idle timeout (it is lifted only once the
// body is in), and one address holds at most MAX_CONNECTIONS_PER_IP requests in progress; everyone else is served.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { isErrorIn, startEdgeRig, validBody, type EdgeRig } from "./support.ts";
import { trickleBody } from "./raw-http.ts";

let rig: EdgeRig;
beforeAll(async () => {
  rig = await startEdgeRig({ IDLE_TIMEOUT_SECONDS: "1", MAX_CONNECTIONS_PER_IP: "4" });
});
afterAll(async () => {
  await rig.close();
});

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test("slowloris bodies are cut off by the idle timeout, the upstream never hears of them, and the cap turns away a fifth", async () => {
  const before = rig.upstreamCalls();
  // Three connections from this address send headers, then a byte every 100 ms: forever, if they were let.
  // A fourth sends its headers and then nothing.
  const slow = [
    ...[1, 2, 3].map(() => trickleBody(rig.gw.url, "/v1/chat/completions", 1_000_000, 100)),
    trickleBody(rig.gw.url, "/v1beta/models/x:generateContent", 500, 60_000),
  ];
  await waitFor("the four to have sent their headers", async () => slow.every((s) => s.socket.bytesWritten > 0));
  // With all four in progress (/healthz, which spends nothing, is turned away too)...
  await waitFor("the cap to refuse", async () => (await fetch(`${rig.gw.url}/healthz`)).status === 429);
  // ...this address's next client request is turned away in its caller's format.
  const answer = await fetch(`${rig.gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(validBody("anthropic", rig.model.anthropic)),
  });
  expect(answer.status).toBe(429);
  const body = await answer.json();
  expect(isErrorIn("anthropic", body, 429)).toBe(true);
  expect(body.error.message).toContain("MAX_CONNECTIONS_PER_IP");
  expect(answer.headers.get("retry-after")).toBe("1");

  // ...and the trickling ones are closed by the server within its idle timeout (Bun checks it every 4 s), unanswered.
  const closed = await Promise.all(slow.map((s) => s.closed));
  for (const c of closed) {
    expect(c.afterMs).toBeLessThan(9_000);
    expect(c.received).toBe("");
  }
  // Their slots are free again: a good request from the same address is served.
  await waitFor("the address to be served again", async () => {
    const res = await fetch(`${rig.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(validBody("openai", rig.model.openai)),
    });
    return res.status === 200;
  });
  // The one successful call above is the only one any upstream saw (the refused anthropic ones never left).
  expect(rig.upstreamCalls()).toBe(before + 1);
}, 20_000);
