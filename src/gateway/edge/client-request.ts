// The edge every client JSON request crosses before routing, the same-format fast path included: content type
// (415), size (413), JSON syntax and depth (400), then the shape its format's official API documents (400, the
// field named). A request refused here reaches nothing else: it throws from the route handler into app.onError,
// which answers in the caller's format. Only once the body is in is Bun's idle timeout lifted, for the answer.
import type { Context } from "hono";
import { GatewayError } from "../../canonical/errors.ts";
import type { AppEnv } from "../../context.ts";
import { isRecord } from "../../formats/request-shape.ts";
import { liftIdleTimeout } from "./idle-timeout.ts";
import { isJsonContentType, readJsonBody, unsupportedMediaType } from "./json-body.ts";

/** A format's shape check; throws a GatewayError naming the field. */
export type RequestCheck = (body: Record<string, unknown>) => void;

/** The checked body of a client JSON request; `check` is the ingress format's validator (none for embeddings/images). */
export async function receiveClientJson(c: Context<AppEnv>, check?: RequestCheck): Promise<Record<string, unknown>> {
  // A "simple" cross-site POST (text/plain, a form) from a web page is refused before anything is read or spent.
  if (!isJsonContentType(c.req.header("content-type"))) throw unsupportedMediaType(c.req.header("content-type"));
  const body = await readJsonBody(c.req.raw, { maxBytes: c.get("services").config.maxRequestBodyBytes });
  if (body === undefined)
    throw new GatewayError("invalid_request", "The request body is empty: send a JSON object.", { code: "invalid_json" });
  if (!isRecord(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object.", { code: "invalid_json" });
  check?.(body);
  liftIdleTimeout(c);
  return body;
}
