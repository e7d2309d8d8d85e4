// A local server that answers the official OpenAI SDK with openai-chat encoder output, for SDK-validated tests.
import OpenAI from "openai";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalEvent, CanonicalResponse } from "../../../src/canonical/response.ts";
import { SSE_HEADERS } from "../../../src/canonical/sse.ts";
import { openaiChatFormat as chat } from "../../../src/formats/openai-chat/index.ts";

export interface Answer {
  /** A non-streamed answer, encoded with encodeResponse. */
  response?: CanonicalResponse;
  /** Canonical events, encoded with encodeStream. */
  events?: CanonicalEvent[];
}

export interface SdkServer {
  client: OpenAI;
  /** The canonical requests the server decoded from the SDK's bodies. */
  requests: CanonicalRequest[];
  /** The raw SSE text of each streamed answer. */
  streams: string[];
  close(): Promise<void>;
}

async function* replay(events: CanonicalEvent[]): AsyncGenerator<CanonicalEvent> {
  for (const e of events) {
    await Bun.sleep(0);
    yield e;
  }
}

/** Serves /v1/chat/completions: decodes the body with decodeRequest, answers through `answer`. */
export function startSdkServer(answer: (req: CanonicalRequest) => Answer): SdkServer {
  const requests: CanonicalRequest[] = [];
  const streams: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const req = chat.decodeRequest(await request.json());
      requests.push(req);
      const a = answer(req);
      if (!req.stream) return Response.json(chat.encodeResponse(a.response!, req));
      const encoder = new TextEncoder();
      const frames = chat.encodeStream(replay(a.events ?? []), req)[Symbol.asyncIterator]();
      let text = "";
      streams.push("");
      const slot = streams.length - 1;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await frames.next();
          if (next.done) {
            streams[slot] = text;
            controller.close();
            return;
          }
          text += next.value;
          controller.enqueue(encoder.encode(next.value));
        },
      });
      return new Response(body, { headers: SSE_HEADERS });
    },
  });
  return {
    client: new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "test-key", maxRetries: 0 }),
    requests,
    streams,
    async close() {
      await server.stop(true);
    },
  };
}
