// What a fake upstream should answer, independent of wire format: each fake speaks it in its own format.

export interface FakeUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
  /** Gemini only: the thoughtSignature on the functionCall part (Gemini 3 wants it back on the next turn). */
  signature?: string;
}

export type Scenario =
  /** Plain text, streamed as `chunks` pieces. */
  | { kind: "text"; text: string; usage?: FakeUsage; chunks?: number; finish?: "stop" | "length"; delayMs?: number }
  /** One or more tool calls (parallel when several), optional text before them. */
  | { kind: "tool-calls"; calls: FakeToolCall[]; text?: string; usage?: FakeUsage }
  /** Thinking (with a signature where the format has one), then text. */
  | { kind: "thinking"; thinking: string; signature: string; text: string; usage?: FakeUsage }
  /** An error answer in the format's own error shape. */
  | { kind: "error"; status: number; message: string; headers?: Record<string, string> }
  /** Accept the request and never answer (until the client goes away). */
  | { kind: "hang" }
  /** Stream `afterChunks` text pieces of `text`, then cut the connection. */
  | { kind: "cut"; text: string; afterChunks: number }
  /** Stream `afterChunks` text pieces of `text`, then end the body cleanly, without the format's finish or end event. */
  | { kind: "truncated"; text: string; afterChunks: number }
  /** Send the headers and `afterChunks` text pieces of `text` (unstreamed: the first bytes of the body), then nothing more, the connection left open. */
  | { kind: "stall"; text: string; afterChunks: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

/** Chooses the scenario per request: a fixed one, or a function of the request and call number. */
export type ScenarioSource = Scenario | ((req: RecordedRequest, call: number) => Scenario);

export function pickScenario(source: ScenarioSource, req: RecordedRequest, call: number): Scenario {
  return typeof source === "function" ? source(req, call) : source;
}

/** Split text into n nearly equal pieces (at least one). */
export function splitText(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length || 1));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [""];
}

export const DEFAULT_USAGE: FakeUsage = { input: 12, output: 7 };

/**
 * The shared shell of a fake upstream: a real Bun server on a random loopback port that records
 * every request and answers through the format's `answer` function.
 */
export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** How many requests were aborted by the client before the answer finished. */
  aborted: number;
  setScenario(source: ScenarioSource): void;
  close(): Promise<void>;
}

/** Extra response headers per request (e.g. a provider's quota headers), added to every answer. */
export interface UpstreamOptions {
  headers?: (req: RecordedRequest) => Record<string, string> | undefined;
}

export function startFake(
  answerScenario: (scenario: Scenario, req: RecordedRequest, signal: AbortSignal) => Response | Promise<Response>,
  initial: ScenarioSource,
  opts: UpstreamOptions = {},
): FakeUpstream {
  const extra = opts.headers;
  const answer = !extra
    ? answerScenario
    : async (scenario: Scenario, req: RecordedRequest, signal: AbortSignal) => {
        const res = await answerScenario(scenario, req, signal);
        const add = extra(req);
        if (!add) return res;
        const headers = new Headers(res.headers);
        for (const [k, v] of Object.entries(add)) headers.set(k, v);
        return new Response(res.body, { status: res.status, headers });
      };
  let source = initial;
  const requests: RecordedRequest[] = [];
  const fake: FakeUpstream = {
    url: "",
    port: 0,
    requests,
    aborted: 0,
    setScenario(s) {
      source = s;
    },
    async close() {
      await server.stop(true);
    },
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = await request.text();
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body,
      };
      requests.push(recorded);
      request.signal.addEventListener("abort", () => {
        fake.aborted++;
      });
      return answer(pickScenario(source, recorded, requests.length), recorded, request.signal);
    },
  });
  fake.port = server.port!;
  fake.url = `http://127.0.0.1:${server.port}`;
  return fake;
}

/** A streamed body from frames, optionally cut (connection closed with an error) after some frames. */
export function frameStream(
  frames: string[],
  opts: { cutAfter?: number; stallAfter?: number; endAfter?: number; delayMs?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  let stalled: (() => void) | undefined;
  return new ReadableStream({
    async pull(controller) {
      if (opts.stallAfter !== undefined && i >= opts.stallAfter) {
        // Silent from now on, until the reader goes away.
        await new Promise<void>((resolve) => (stalled = resolve));
        return;
      }
      if (opts.cutAfter !== undefined && i >= opts.cutAfter) {
        controller.error(new Error("fake upstream cut the connection"));
        return;
      }
      if (i >= frames.length || (opts.endAfter !== undefined && i >= opts.endAfter)) {
        controller.close();
        return;
      }
      if (opts.delayMs) await Bun.sleep(opts.delayMs);
      controller.enqueue(encoder.encode(frames[i++]));
    },
    cancel() {
      stalled?.();
    },
  });
}

/** A response that never sends a byte until the client aborts. */
export function hangingResponse(signal: AbortSignal): Promise<Response> {
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })));
  });
}
