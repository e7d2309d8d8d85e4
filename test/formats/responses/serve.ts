// Test support: a real local server that answers POST /v1/responses with the Responses encoder's output.
import OpenAI from "openai";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";
import type { CanonicalEvent, CanonicalResponse } from "../../../src/canonical/response.ts";
import { SSE_HEADERS } from "../../../src/canonical/sse.ts";
import { responsesFormat } from "../../../src/formats/responses/index.ts";

export interface EncoderServer {
  client: OpenAI;
  /** The canonical requests the server decoded, in order. */
  requests: CanonicalRequest[];
  close(): Promise<void>;
}

export type Answer = { events: CanonicalEvent[] } | { response: CanonicalResponse };

async function* play(events: CanonicalEvent[]): AsyncGenerator<CanonicalEvent> {
  for (const e of events) {
    await Bun.sleep(0);
    yield e;
  }
}

/** Serves `answer` through responsesFormat: streamed with encodeStream, or whole with encodeResponse. */
export function serveEncoder(answer: Answer): EncoderServer {
  const requests: CanonicalRequest[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const req = responsesFormat.decodeRequest(await request.json());
      requests.push(req);
      if ("response" in answer) return Response.json(responsesFormat.encodeResponse(answer.response, req));
      const encoder = new TextEncoder();
      const frames = responsesFormat.encodeStream(play(answer.events), req)[Symbol.asyncIterator]();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await frames.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
      return new Response(body, { headers: SSE_HEADERS });
    },
  });
  return {
    client: new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "test", maxRetries: 0 }),
    requests,
    close: () => server.stop(true),
  };
}

/** Collects every SSE frame the encoder writes for `events` (no server). */
export async function encodeAll(events: CanonicalEvent[], req: CanonicalRequest): Promise<Array<{ event: string; data: any }>> {
  const out: Array<{ event: string; data: any }> = [];
  for await (const frame of responsesFormat.encodeStream(play(events), req)) {
    const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "";
    const data = JSON.parse(/^data: (.*)$/m.exec(frame)![1]);
    out.push({ event, data });
  }
  return out;
}
