// Copies a response body while it streams to the client, for the response cache and idempotent replays.

export interface CapturedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** Answers larger than this are passed on but not kept. */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/**
 * The same response, whose body is also collected; `done` resolves with the copy once the client has
 * read it all, or with undefined when it was cut short or too large to keep.
 */
export function captureResponse(response: Response): { response: Response; done: Promise<CapturedResponse | undefined> } {
  const headers = [...response.headers.entries()];
  if (!response.body) {
    return { response, done: Promise.resolve({ status: response.status, headers, body: new Uint8Array(0) }) };
  }
  let settle!: (v: CapturedResponse | undefined) => void;
  const done = new Promise<CapturedResponse | undefined>((resolve) => (settle = resolve));
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: finished } = await reader.read();
        if (finished) {
          controller.close();
          settle(size <= MAX_CAPTURE_BYTES ? { status: response.status, headers, body: Buffer.concat(chunks) } : undefined);
          return;
        }
        size += value.byteLength;
        if (size <= MAX_CAPTURE_BYTES) chunks.push(value.slice());
        controller.enqueue(value);
      } catch (err) {
        settle(undefined);
        controller.error(err);
      }
    },
    cancel(reason) {
      settle(undefined);
      return reader.cancel(reason);
    },
  });
  return { response: new Response(body, { status: response.status, headers: response.headers }), done };
}

export function replay(captured: CapturedResponse, extraHeaders: Record<string, string>): Response {
  const headers = new Headers(captured.headers);
  for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
  return new Response(captured.body as Uint8Array<ArrayBuffer>, { status: captured.status, headers });
}
