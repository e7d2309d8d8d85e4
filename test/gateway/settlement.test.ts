// Whatever ends a request, and wherever it throws between "the upstream answered" and "the client has its answer":
// one usage row with the real outcome, the account's slot free, the budget settled, the upstream body let go.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listUsageLogs } from "../../src/db/queries/usage.ts";
import { getFormat } from "../../src/formats/registry.ts";
import { proxyChat, type PipelineStep } from "../../src/gateway/pipeline.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { connect } from "../routing/support.ts";

let gw: TestGateway;
let upstream: FakeUpstream;
let accountId: string;
let key: { id: string; key: string };

async function newKey(name: string) {
  const made = await gw.services.apiKeys.create(name, []);
  return { id: made.row.id, key: made.key };
}

beforeAll(async () => {
  gw = await startGateway();
  // A slow stream: its body is still open upstream when the gateway fails to answer.
  upstream = startOpenAIUpstream({ kind: "text", text: "a long answer in many small pieces", chunks: 30, delayMs: 15 });
  // One call at a time on the account: a slot never given back would refuse every later request.
  accountId = await connect(gw, "ds", upstream, "key-a", { limits: { maxConcurrent: 1 } });
  key = await newKey("budgeted");
  // A budget with no history reserves all its headroom for one call: a reservation never settled would hold the next call back.
  await gw.services.budgets.set(key.id, "daily", 5);
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const rowsOf = async (requestId: string) =>
  (await listUsageLogs(gw.services.store, { limit: 500 })).filter((r) => r.requestId === requestId);

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await Bun.sleep(10);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

function request(requestId: string, stream: boolean, failAt?: PipelineStep) {
  return proxyChat(gw.services, {
    requestId,
    keyId: key.id,
    keyName: "budgeted",
    endpoint: "chat.completions",
    ingress: getFormat("openai-chat"),
    body: { model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }], stream },
    hints: {},
    signal: new AbortController().signal,
    startedAt: performance.now(),
    receivedAt: Date.now(),
    onStep: (step) => {
      if (step === failAt) throw new Error(`injected at ${step}`);
    },
  });
}

describe("a throw at any step settles the request once", () => {
  const steps: PipelineStep[] = ["resolved", "reserved", "answered", "respond", "encode"];
  for (const stream of [false, true]) {
    for (const step of steps) {
      test(`${stream ? "stream" : "unstreamed"}, thrown at "${step}"`, async () => {
        const id = `inject-${stream}-${step}`;
        const abortedBefore = upstream.aborted;
        const callsBefore = upstream.requests.length;
        await expect(request(id, stream, step)).rejects.toThrow(`injected at ${step}`);
        await gw.services.usage.written();
        expect(await rowsOf(id)).toMatchObject([{ status: 500, errorClass: "internal" }]);
        expect(gw.services.health.limiter.inFlight(accountId)).toBe(0);
        // A stream the client never got is cancelled upstream, not left to run.
        const called = upstream.requests.length > callsBefore;
        if (stream && called) await waitFor(() => upstream.aborted > abortedBefore, "the upstream to see the stream cancelled");
        // The next call on the same key and account goes through at once: slot and reservation are free.
        const started = performance.now();
        const next = await request(`${id}-next`, stream);
        expect(next.status).toBe(200);
        await next.text();
        expect(performance.now() - started).toBeLessThan(3_000);
        await gw.services.usage.written();
        expect(await rowsOf(`${id}-next`)).toMatchObject([{ status: 200 }]);
      }, 15_000);
    }
  }
});

describe("a request's own fault never counts against the provider", () => {
  test("a body that cannot be sent upstream is the client's 400, however often: the breaker stays closed and the upstream is never called", async () => {
    const calls = upstream.requests.length;
    for (let i = 0; i < 8; i++) {
      // Nothing a client can send through JSON, but the same path as any body the gateway cannot serialize or translate.
      const body: Record<string, unknown> = { model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] };
      body.loop = body;
      const failed = await proxyChat(gw.services, {
        requestId: `own-fault-${i}`,
        keyId: null,
        keyName: "anonymous",
        endpoint: "chat.completions",
        ingress: getFormat("openai-chat"),
        body,
        hints: {},
        signal: new AbortController().signal,
        startedAt: performance.now(),
        receivedAt: Date.now(),
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failed).toMatchObject({ status: 400, code: "request_not_serializable" });
    }
    expect(upstream.requests.length).toBe(calls);
    expect(gw.services.health.breakers.list().filter((b) => b.provider === "deepseek")).toEqual([]);
    expect(gw.services.health.limiter.inFlight(accountId)).toBe(0);
    await gw.services.usage.written();
    expect(await rowsOf("own-fault-7")).toMatchObject([{ status: 400, errorClass: "request_not_serializable" }]);
  });

  test("an unstreamed answer cut short is a 502 naming the cause, with its row", async () => {
    const cut = startOpenAIUpstream({ kind: "cut", text: "never whole", afterChunks: 1 });
    const id = await connect(gw, "groq", cut, "key-cut");
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ model: "groq/llama-3.3-70b-versatile", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(502);
      // Cut before or after fetch resolved its headers: either way the reason is said.
      expect((await res.json()).error.message).toMatch(/Groq (cut its answer short|could not be reached)/);
      await gw.services.usage.written();
      expect(await rowsOf(res.headers.get("x-omniroute-request-id")!)).toMatchObject([{ status: 502, provider: "groq" }]);
      expect(gw.services.health.limiter.inFlight(id)).toBe(0);
    } finally {
      await cut.close();
    }
  });
});

describe("client text never breaks a response header", () => {
  for (const stream of [false, true]) {
    test(`a model name outside Latin-1 is served (${stream ? "stream" : "unstreamed"}), its header percent-encoded`, async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ model: "ds/deepseek-chat-ü-模型", messages: [{ role: "user", content: "hi" }], stream }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-omniroute-model")).toBe(encodeURIComponent("ds/deepseek-chat-ü-模型"));
      await res.text();
      const requestId = res.headers.get("x-omniroute-request-id")!;
      await gw.services.usage.written();
      expect(await rowsOf(requestId)).toMatchObject([{ status: 200, modelServed: "deepseek-chat-ü-模型" }]);
      expect(gw.services.health.limiter.inFlight(accountId)).toBe(0);
    });
  }
});

describe("every refusal leaves its row", () => {
  test("a spent budget: 429 and one row saying so", async () => {
    const spent = await newKey("spent");
    await gw.services.budgets.set(spent.id, "daily", 0.000001);
    gw.services.budgets.spend(spent.id, 1, Date.now());
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${spent.key}` },
      body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(429);
    const requestId = res.headers.get("x-omniroute-request-id")!;
    expect(await rowsOf(requestId)).toMatchObject([{ status: 429, errorClass: "budget_exceeded", costUsd: 0 }]);
  });

  test("a malformed body, a bad model name, a model nothing serves, an unknown pinned provider: each its status and one row", async () => {
    const send = (path: string, body: string) =>
      fetch(`${gw.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
        body,
      });
    const cases: Array<[string, string, number, string]> = [
      ["/v1/chat/completions", "{not json", 400, "invalid_json"],
      ["/v1/chat/completions", JSON.stringify({ model: "ds/../admin", messages: [{ role: "user", content: "hi" }] }), 400, "invalid_model"],
      [
        "/v1/chat/completions",
        JSON.stringify({ model: "nosuchprovider/x", messages: [{ role: "user", content: "hi" }] }),
        404,
        "model_not_found",
      ],
      [
        "/v1/providers/nosuch/chat/completions",
        JSON.stringify({ model: "x", messages: [{ role: "user", content: "hi" }] }),
        404,
        "provider_not_found",
      ],
      ["/v1/embeddings", JSON.stringify({ input: "no model" }), 400, "invalid_request"],
    ];
    for (const [path, body, status, errorClass] of cases) {
      const res = await send(path, body);
      expect({ path, status: res.status }).toEqual({ path, status });
      await gw.services.usage.written();
      expect(await rowsOf(res.headers.get("x-omniroute-request-id")!)).toMatchObject([{ status, errorClass, costUsd: 0 }]);
    }
  });

  test("an idempotent replay: the first answer again, and a cost-free row of its own", async () => {
    const send = () =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.key}`, "idempotency-key": "replay-me" },
        body: JSON.stringify({ model: "ds/deepseek-chat", messages: [{ role: "user", content: "once" }] }),
      });
    const first = await send();
    const firstBody = await first.text();
    const second = await send();
    expect(second.headers.get("x-omniroute-idempotent")).toBe("true");
    expect(await second.text()).toBe(firstBody);
    await gw.services.usage.written();
    const replayed = await rowsOf(second.headers.get("x-omniroute-request-id")!);
    expect(replayed).toMatchObject([{ status: 200, cache: "replay", costUsd: 0, attempt: 0 }]);
  });
});
