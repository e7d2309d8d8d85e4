// The Code Assist envelope around plain Gemini bodies: wrap the request, unwrap each answer (JSON or SSE chunk).
//
// From google-gemini/gemini-cli packages/core/src/code_assist/converter.ts and server.ts:
// - request:  POST <base>/v1internal:generateContent | :streamGenerateContent?alt=sse with
//             CAGenerateContentRequest {model, project?, user_prompt_id?, request: <GenerateContentRequest>}
// - response: CaGenerateContentResponse {response: <GenerateContentResponse>, traceId?}, one per `data:`
//             frame when streamed; fromGenerateContentResponse copies response.* and uses traceId as responseId.
import { parseSse, sseFrame, SSE_HEADERS } from "../../canonical/sse.ts";

export function codeAssistUrl(base: string, stream: boolean): string {
  return `${base.replace(/\/+$/, "")}/v1internal:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
}

export function wrapRequest(model: string, project: string, request: Record<string, unknown>): Record<string, unknown> {
  // The Gemini format puts the model in the URL; a `model` left in the body is not part of the inner request.
  const { model: _model, ...inner } = request;
  return { model, project, user_prompt_id: crypto.randomUUID(), request: inner };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One Code Assist answer as the plain GenerateContentResponse it carries (errors and unknown shapes pass as they are). */
export function unwrapAnswer(answer: unknown): unknown {
  if (!isRecord(answer) || !isRecord(answer.response)) return answer;
  const inner: Record<string, unknown> = { ...answer.response };
  if (inner.responseId === undefined && typeof answer.traceId === "string") inner.responseId = answer.traceId;
  return inner;
}

/** The SSE stream with every `data:` frame unwrapped, frame by frame as they arrive. */
export function unwrapStream(body: ReadableStream<Uint8Array>, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const events = parseSse(body, signal)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await events.next();
        if (next.done) {
          controller.close();
          return;
        }
        let data = next.value.data;
        try {
          data = JSON.stringify(unwrapAnswer(JSON.parse(data)));
        } catch {
          /* not JSON: the decoder reports it */
        }
        controller.enqueue(encoder.encode(sseFrame(data, next.value.event)));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await events.return?.(undefined);
    },
  });
}

/** The upstream's successful answer with the envelope taken off, keeping its status and non-length headers. */
export async function unwrapResponse(response: Response, stream: boolean, signal?: AbortSignal): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  if (stream && response.body) {
    for (const [k, v] of Object.entries(SSE_HEADERS)) if (!headers.has(k)) headers.set(k, v);
    return new Response(unwrapStream(response.body, signal), { status: response.status, headers });
  }
  const text = await response.text();
  let body = text;
  try {
    body = JSON.stringify(unwrapAnswer(JSON.parse(text)));
  } catch {
    /* not JSON: the decoder reports it */
  }
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(body, { status: response.status, headers });
}
