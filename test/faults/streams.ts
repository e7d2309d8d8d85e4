// Broken streams: upstreams that cut a stream mid-way or end its body before the answer finished (every client
// format x every upstream format), clients that leave mid-stream, non-stream bodies cut mid-way, and an upstream that sends headers and then nothing.
import {
  FORMATS,
  expectStatus,
  pool,
  streamEnd,
  streamRequest,
  usageRows,
  type GatewayProcess,
  type StreamEnd,
  type Upstreams,
} from "./rig.ts";

const LONG_TEXT = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";

export interface BrokenStreams {
  streams: number;
  refusedBeforeStart: number;
  ends: Record<StreamEnd, number>;
  /** Rows written for those streams, and how many of them say 200 although the stream broke. */
  rows: number;
  rowsSaying200: number;
}

/**
 * `n` streams, each broken by its upstream after two pieces: the connection cut ("cut"), or the body ended cleanly
 * without the finish ("truncated"). A client must see its format's error event every time.
 */
export async function brokenStreams(
  gw: GatewayProcess,
  up: Upstreams,
  n: number,
  kind: "cut" | "truncated" = "cut",
): Promise<BrokenStreams> {
  for (const f of FORMATS) up.fakes[f].setScenario({ kind, text: LONG_TEXT, afterChunks: 2 });
  const result: BrokenStreams = {
    streams: 0,
    refusedBeforeStart: 0,
    ends: { completed: 0, error_event: 0, silent: 0 },
    rows: 0,
    rowsSaying200: 0,
  };
  const ids: string[] = [];
  const pairs = Array.from({ length: n }, (_, i) => ({ client: FORMATS[i % 4]!, upstream: FORMATS[Math.floor(i / 4) % 4]! }));
  await pool(pairs, 16, async ({ client, upstream }) => {
    const req = streamRequest(gw.url, client, up.model[upstream]);
    const res = await fetch(req.url, { method: "POST", headers: { "content-type": "application/json" }, body: req.body });
    const text = await res.text().catch(() => "");
    if (res.status !== 200) {
      result.refusedBeforeStart++;
      return;
    }
    result.streams++;
    result.ends[streamEnd(client, text)]++;
    const id = res.headers.get("x-omniroute-request-id");
    if (id) ids.push(id);
  });
  const rows = new Map((await usageRows(gw)).map((r) => [r.requestId, r]));
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) continue;
    result.rows++;
    if (row.status === 200) result.rowsSaying200++;
  }
  return result;
}

export interface ClientKilled {
  streams: number;
  upstreamCancelled: number;
  rows499: number;
  rowsMissing: number;
}

/** `n` clients that read the first bytes of a slow stream and leave: the upstream call must stop and the row say 499. */
export async function clientKilledStreams(gw: GatewayProcess, up: Upstreams, n: number): Promise<ClientKilled> {
  for (const f of FORMATS) up.fakes[f].setScenario({ kind: "text", text: LONG_TEXT, chunks: 16, delayMs: 25 });
  const abortedBefore = FORMATS.reduce((s, f) => s + up.fakes[f].aborted, 0);
  const ids: string[] = [];
  const pairs = Array.from({ length: n }, (_, i) => ({ client: FORMATS[i % 4]!, upstream: FORMATS[Math.floor(i / 4) % 4]! }));
  await pool(pairs, 16, async ({ client, upstream }) => {
    const req = streamRequest(gw.url, client, up.model[upstream]);
    const abort = new AbortController();
    const res = await fetch(req.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: req.body,
      signal: abort.signal,
    });
    const id = res.headers.get("x-omniroute-request-id");
    if (id) ids.push(id);
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
  });
  // The gateway sees each client leave on its own time: wait for the rows (bounded), do not guess.
  let rows = new Map<string, { status: number }>();
  for (const started = Date.now(); Date.now() - started < 10_000; await Bun.sleep(100)) {
    rows = new Map((await usageRows(gw)).map((r) => [r.requestId, r]));
    if (ids.every((id) => rows.has(id))) break;
  }
  const abortedAfter = FORMATS.reduce((s, f) => s + up.fakes[f].aborted, 0);
  return {
    streams: ids.length,
    upstreamCancelled: abortedAfter - abortedBefore,
    rows499: ids.filter((id) => rows.get(id)?.status === 499).length,
    rowsMissing: ids.filter((id) => !rows.has(id)).length,
  };
}

/** An OpenAI-compatible upstream whose answers go wrong in one way: a non-stream body cut half-way, or a stream that stalls after its first frame. */
export function startMisbehavingUpstream(kind: "cut-body" | "stall"): { url: string; close(): Promise<void> } {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      await request.text();
      const encoder = new TextEncoder();
      if (kind === "cut-body") {
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(
                encoder.encode(
                  '{"id":"chatcmpl-cut","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"half an ans',
                ),
              );
              setTimeout(() => controller.error(new Error("connection reset")), 5);
            },
          }),
          { headers: { "content-type": "application/json" } },
        );
      }
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(
              encoder.encode(
                `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "first and last" }, finish_reason: null }] })}\n\n`,
              ),
            );
            request.signal.addEventListener("abort", () => {
              try {
                controller.close();
              } catch {
                /* gone */
              }
            });
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
}

/** Register a misbehaving upstream as a provider node; returns the model name that reaches it. */
export async function connectMisbehaving(gw: GatewayProcess, prefix: string, url: string): Promise<string> {
  await expectStatus(
    gw.api("/api/provider-nodes", { body: { name: `Faults ${prefix}`, prefix, apiType: "openai", baseUrl: `${url}/v1` } }),
    201,
  );
  await expectStatus(gw.api("/api/providers", { body: { provider: prefix, apiKey: "k" } }), 201);
  return `${prefix}/fault-model`;
}

export interface CutBodies {
  requests: number;
  statuses: Record<string, number>;
  rows: number;
}

/** `n` non-stream calls whose upstream body is cut half-way: the README promises a 502 with the reason, and a row. */
export async function cutBodies(gw: GatewayProcess, model: string, n: number): Promise<CutBodies> {
  const statuses: Record<string, number> = {};
  const ids: string[] = [];
  await pool(Array.from({ length: n }), 8, async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.text().catch(() => "");
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const id = res.headers.get("x-omniroute-request-id");
    if (id) ids.push(id);
  });
  const rows = new Set((await usageRows(gw)).map((r) => r.requestId));
  return { requests: n, statuses, rows: ids.filter((id) => rows.has(id)).length };
}

export interface Stalled {
  streams: number;
  waitedMs: number;
  endedWithErrorEvent: number;
  endedSilently: number;
  stillOpen: number;
}

/** `n` streams whose upstream sends one frame and then nothing: does the client's stream end, and how? Waits `waitMs` at most. */
export async function stalledStreams(gw: GatewayProcess, model: string, n: number, waitMs: number): Promise<Stalled> {
  const out: Stalled = { streams: n, waitedMs: waitMs, endedWithErrorEvent: 0, endedSilently: 0, stillOpen: 0 };
  await Promise.all(
    Array.from({ length: n }, async () => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), waitMs);
      const req = streamRequest(gw.url, "openai-chat", model);
      try {
        const res = await fetch(req.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: req.body,
          signal: abort.signal,
        });
        const text = await res.text();
        if (streamEnd("openai-chat", text) === "error_event") out.endedWithErrorEvent++;
        else out.endedSilently++;
      } catch {
        out.stillOpen++;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return out;
}
