// Turns any thrown error into a Response in the caller's own wire format, with the right status.
import { GatewayError, toGatewayError } from "../canonical/errors.ts";
import type { FormatId } from "../formats/types.ts";
import { getFormat, hasFormat } from "../formats/registry.ts";

/** The wire format a client path speaks, "management" for /api, "html" for the dashboard. */
export function formatOfPath(path: string): FormatId | "management" | "html" {
  if (path.startsWith("/dashboard") || path === "/login" || path === "/logout") return "html";
  if (path.startsWith("/api/") || path === "/api") return "management";
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
  if (format === "html") {
    // htmx 4 swaps error responses too: the message lands where the action's result would have.
    return new Response(`<p class="form-message error" role="alert">${escapeHtml(err.message)}</p>`, {
      status: err.status,
      headers: { ...headers, "content-type": "text/html; charset=utf-8" },
    });
  }
  const id = hasFormat(format) ? format : "openai-chat";
  return Response.json(getFormat(id).encodeError(err), { status: err.status, headers });
}

export { GatewayError };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
