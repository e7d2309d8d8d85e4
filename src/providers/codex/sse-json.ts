// The ChatGPT Codex backend only streams: a non-stream call is sent streamed and its SSE folded back into one Responses JSON.
//
// The final `response.completed` (or `response.incomplete`) event carries the response object; the backend may
// leave its `output` empty, so the items of the `response.output_item.done` events fill it, by output_index
// (as CLIProxyAPI's codex executor does). `response.failed` and `error` events become an OpenAI-style error body.
import { parseSse } from "../../canonical/sse.ts";

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The HTTP status an error code of the stream stands for. */
function statusForCode(code: string | undefined): number {
  switch (code) {
    case "rate_limit_exceeded":
    case "usage_limit_reached":
    case "usage_not_included":
    case "insufficient_quota":
      return 429;
    case "context_length_exceeded":
    case "invalid_prompt":
    case "invalid_request_error":
      return 400;
    case "server_is_overloaded":
    case "slow_down":
      return 503;
    default:
      return 502;
  }
}

function errorResponse(status: number, message: string, code: string | null, headers: Headers): Response {
  const out = new Headers(headers);
  out.set("content-type", "application/json");
  out.delete("content-length");
  const type = status === 429 ? "rate_limit_error" : status === 400 ? "invalid_request_error" : "server_error";
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), { status, headers: out });
}

/** Read the whole stream and answer with the Responses object a non-stream call returns. */
export async function sseToResponseJson(response: Response): Promise<Response> {
  if (!response.body) return errorResponse(502, "The Codex backend answered with an empty body.", null, response.headers);
  const items = new Map<number, unknown>();
  const unindexed: unknown[] = [];
  for await (const frame of parseSse(response.body)) {
    let event: unknown;
    try {
      event = JSON.parse(frame.data);
    } catch {
      continue;
    }
    if (!isRecord(event)) continue;
    const type = typeof event.type === "string" ? event.type : frame.event;
    if (type === "response.output_item.done" && isRecord(event.item)) {
      if (typeof event.output_index === "number") items.set(event.output_index, event.item);
      else unindexed.push(event.item);
    } else if ((type === "response.completed" || type === "response.incomplete") && isRecord(event.response)) {
      const final = event.response;
      if (!Array.isArray(final.output) || final.output.length === 0) {
        final.output = [...[...items.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item), ...unindexed];
      }
      const headers = new Headers(response.headers);
      headers.set("content-type", "application/json");
      headers.delete("content-length");
      headers.delete("content-encoding");
      return new Response(JSON.stringify(final), { status: response.status, headers });
    } else if (type === "response.failed" || type === "error") {
      const failed =
        isRecord(event.response) && isRecord(event.response.error) ? event.response.error : isRecord(event.error) ? event.error : event;
      const code =
        typeof failed.code === "string"
          ? failed.code
          : typeof failed.type === "string" && failed.type !== "error"
            ? failed.type
            : undefined;
      const message = typeof failed.message === "string" ? failed.message : "The Codex backend reported a failure.";
      return errorResponse(statusForCode(code), message, code ?? null, response.headers);
    }
  }
  return errorResponse(502, "The Codex backend closed the stream before response.completed.", null, response.headers);
}
