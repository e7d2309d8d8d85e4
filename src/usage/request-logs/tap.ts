// Keeps the first bytes of a response as it streams to the client, and logs the whole exchange once it ends.
import { capText, redactBodyText, redactHeaders, redactJson } from "./redact.ts";
import { MAX_BODY_BYTES, type RequestLogStore } from "./store.ts";

export interface Exchange {
  requestId: string;
  ts: number;
  endpoint: string;
  model: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The same response, passed through unchanged; when the client has read it (or it was cut short) the request
 * and what was sent (for a stream, the SSE text) are redacted, capped and queued in the store.
 */
export function logExchange(
  store: RequestLogStore,
  exchange: Exchange,
  response: Response,
  onError: (err: unknown) => void,
  maxBytes = MAX_BODY_BYTES,
): Response {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let logged = false;
  const finish = (ending?: string) => {
    if (logged) return;
    logged = true;
    try {
      const text = new TextDecoder().decode(Buffer.concat(chunks));
      store.add({
        requestId: exchange.requestId,
        ts: exchange.ts,
        endpoint: exchange.endpoint,
        model: exchange.model,
        status: response.status,
        requestHeaders: redactHeaders(exchange.headers),
        requestBody: capText(JSON.stringify(redactJson(exchange.body)), maxBytes),
        responseBody: capText(redactBodyText(text), maxBytes, total) + (ending ? `\n[${ending}]` : ""),
      });
    } catch (err) {
      onError(err);
    }
  };
  if (!response.body) {
    finish();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          finish();
          return;
        }
        total += value.byteLength;
        if (kept < maxBytes) {
          const part = value.subarray(0, maxBytes - kept);
          chunks.push(part.slice());
          kept += part.byteLength;
        }
        controller.enqueue(value);
      } catch (err) {
        finish(`response ended early: ${err instanceof Error ? err.message : String(err)}`);
        controller.error(err);
      }
    },
    cancel(reason) {
      finish("response cut short: the client went away");
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
