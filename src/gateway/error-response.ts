// Turns any thrown error into a Response in the caller's own wire format, with the right status.
import { GatewayError, toGatewayError } from "../canonical/errors.ts";
import type { FormatId } from "../formats/types.ts";
import { getFormat, hasFormat } from "../formats/registry.ts";

/** The wire format a client path speaks, or "management" for /api and the dashboard. */
export function formatOfPath(path: string): FormatId | "management" {
  if (path.startsWith("/api/") || path === "/api" || path.startsWith("/dashboard") || path === "/login") return "management";
  if (path.startsWith("/v1beta/")) return "gemini";
  // @google/genai calls /v1/models/{model}:{method} by default.
  if (path.startsWith("/v1/models/") && path.includes(":")) return "gemini";
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path === "/v1/responses" || path === "/responses" || path.startsWith("/v1/responses/")) return "responses";
  return "openai-chat";
}

export function managementErrorBody(err: GatewayError): { error: { message: string; code: string; field?: string } } {
  return { error: { message: err.message, code: err.code ?? err.kind, ...(err.param ? { field: err.param } : {}) } };
}

export function errorResponse(path: string, thrown: unknown): Response {
  const err = toGatewayError(thrown);
  const headers: Record<string, string> = {};
  if (err.retryAfter !== undefined) headers["retry-after"] = String(Math.max(0, Math.ceil(err.retryAfter)));
  const format = formatOfPath(path);
  if (format === "management") return Response.json(managementErrorBody(err), { status: err.status, headers });
  const id = hasFormat(format) ? format : "openai-chat";
  return Response.json(getFormat(id).encodeError(err), { status: err.status, headers });
}

export { GatewayError };
