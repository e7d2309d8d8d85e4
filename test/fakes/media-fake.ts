// The shell of a fake media upstream: a real Bun server that keeps each request's raw bytes beside its parsed JSON.
import { hangingResponse } from "./scenario.ts";

export interface MediaRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else undefined. */
  body: any;
  bytes: Uint8Array;
}

/** What the fake should do, whatever the provider: answer, fail in the provider's own error shape, or hang. */
export type MediaScenario =
  | { kind: "ok"; promptTokens?: number }
  | { kind: "error"; status: number; message: string; headers?: Record<string, string> }
  | { kind: "hang" };

export type MediaScenarioSource = MediaScenario | ((req: MediaRequest, call: number) => MediaScenario);

export interface MediaFake {
  url: string;
  requests: MediaRequest[];
  setScenario(source: MediaScenarioSource): void;
  close(): Promise<void>;
}

export function startMediaFake(
  answer: (scenario: MediaScenario, req: MediaRequest, fake: MediaFake) => Response | Promise<Response>,
  initial: MediaScenarioSource = { kind: "ok" },
): MediaFake {
  let source = initial;
  const fake: MediaFake = {
    url: "",
    requests: [],
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
      const bytes = new Uint8Array(await request.arrayBuffer());
      let body: any;
      if ((request.headers.get("content-type") ?? "").includes("json")) {
        try {
          body = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          /* not JSON after all */
        }
      }
      const recorded: MediaRequest = {
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body,
        bytes,
      };
      fake.requests.push(recorded);
      const scenario = typeof source === "function" ? source(recorded, fake.requests.length) : source;
      if (scenario.kind === "hang") return hangingResponse(request.signal);
      return answer(scenario, recorded, fake);
    },
  });
  fake.url = `http://127.0.0.1:${server.port}`;
  return fake;
}

/** OpenAI's error body: {"error":{message,type,param,code}}, with the type and code OpenAI sends for the status. */
export function openaiError(s: { status: number; message: string; headers?: Record<string, string> }): Response {
  const type = s.status === 429 ? "requests" : s.status >= 500 ? "server_error" : "invalid_request_error";
  const code = s.status === 401 ? "invalid_api_key" : s.status === 429 ? "rate_limit_exceeded" : null;
  return Response.json({ error: { message: s.message, type, param: null, code } }, { status: s.status, headers: s.headers });
}
