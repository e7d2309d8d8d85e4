// Reads the finished response object out of a Responses answer on its way to the client (JSON body or SSE stream).
//
// The stream is passed on chunk by chunk, never held back: only the bytes of an unfinished frame are
// kept between chunks, and only a frame holding a terminal event's name is parsed.

export interface FinishedResponse {
  id: string;
  output: unknown[];
}

const TERMINAL = [Buffer.from("response.completed"), Buffer.from("response.incomplete")];
const FRAME_END = Buffer.from("\n\n");

function finished(value: unknown): FinishedResponse | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as { id?: unknown; output?: unknown; status?: unknown };
  if (typeof r.id !== "string" || !Array.isArray(r.output)) return undefined;
  if (r.status !== "completed" && r.status !== "incomplete") return undefined;
  return { id: r.id, output: r.output };
}

/** The response object a terminal SSE frame carries, if this frame is one. */
function terminalFrame(frame: string): FinishedResponse | undefined {
  const data = frame
    .split(/\r?\n/)
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(l.charCodeAt(5) === 32 ? 6 : 5))
    .join("\n");
  if (!data) return undefined;
  try {
    const event = JSON.parse(data) as { type?: unknown; response?: unknown };
    return event.type === "response.completed" || event.type === "response.incomplete" ? finished(event.response) : undefined;
  } catch {
    return undefined;
  }
}

function hasTerminalName(buf: Buffer): boolean {
  return TERMINAL.some((marker) => buf.includes(marker));
}

/** Finds the terminal frame among complete frames (a region ending at a frame boundary). */
function scanFrames(region: Buffer): FinishedResponse | undefined {
  if (!hasTerminalName(region)) return undefined;
  for (const frame of region.toString("utf8").split(/\r?\n\r?\n/)) {
    if (!frame.includes("response.completed") && !frame.includes("response.incomplete")) continue;
    const found = terminalFrame(frame);
    if (found) return found;
  }
  return undefined;
}

/**
 * The same response; `onFinished` gets the finished response object and the answer's size once the client
 * has read it all. A failed, cut or abandoned answer calls nothing.
 */
export function watchFinishedResponse(response: Response, onFinished: (finished: FinishedResponse, bytes: number) => void): Response {
  if (!response.body || response.status !== 200) return response;
  const sse = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  const reader = response.body.getReader();
  let pending: Buffer | undefined;
  const json: Uint8Array[] = [];
  let size = 0;
  let found: FinishedResponse | undefined;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          if (!sse) {
            try {
              found = finished(JSON.parse(Buffer.concat(json).toString("utf8")));
            } catch {
              found = undefined;
            }
          } else if (!found && pending) {
            found = scanFrames(pending);
          }
          if (found) onFinished(found, size);
          return;
        }
        size += value.byteLength;
        if (!sse) json.push(value.slice());
        else if (!found) {
          const buf: Buffer = pending ? Buffer.concat([pending, value]) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
          const end = buf.lastIndexOf(FRAME_END);
          if (end === -1) pending = Buffer.from(buf);
          else {
            found = scanFrames(buf.subarray(0, end));
            pending = end + 2 < buf.length ? Buffer.from(buf.subarray(end + 2)) : undefined;
          }
        }
        controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
