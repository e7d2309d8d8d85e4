// Turns what an official SDK threw into a ClientError, reading each format's documented error body.
import type { ClientError } from "./types.ts";

/** openai SDK (Chat Completions and Responses): APIError.error is the body's `error` object {message, type, code}. */
export function openaiError(err: any): ClientError {
  const body = err?.error;
  const shaped = !!body && typeof body === "object" && typeof body.message === "string" && "type" in body;
  return {
    status: err?.status,
    type: body?.type ?? undefined,
    message: String(body?.message ?? err?.message ?? err),
    shaped,
    raw: body ?? err,
  };
}

/** @anthropic-ai/sdk: APIError.error is the whole body {type:"error", error:{type, message}}. */
export function anthropicError(err: any): ClientError {
  const body = err?.error;
  const inner = body?.error;
  const shaped = body?.type === "error" && typeof inner?.type === "string" && typeof inner?.message === "string";
  return { status: err?.status, type: inner?.type, message: String(inner?.message ?? err?.message ?? err), shaped, raw: body ?? err };
}

/**
 * @google/genai: ApiError.status is the HTTP status (or the error chunk's code mid-stream) and ApiError.message
 * holds the JSON body {error:{code, message, status}} (after "got status: X. " for a stream error chunk).
 */
export function geminiError(err: any): ClientError {
  const text = String(err?.message ?? "");
  let body: any;
  try {
    body = JSON.parse(text.slice(Math.max(0, text.indexOf("{"))));
  } catch {
    body = undefined;
  }
  const inner = body?.error;
  const shaped = typeof inner?.code === "number" && typeof inner?.message === "string" && typeof inner?.status === "string";
  return {
    status: err?.status,
    type: inner?.status,
    message: String(inner?.message ?? err?.message ?? err),
    shaped,
    raw: body ?? String(err?.message ?? err),
  };
}
