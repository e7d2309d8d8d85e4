// Small shared pieces of the Chat Completions wire shape: the format id, narrowing helpers, data URLs.
import { GatewayError } from "../../canonical/errors.ts";

export const FORMAT_ID = "openai-chat";

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function invalid(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** A finite number, or undefined for null/absent; anything else is a 400 on `param`. */
export function optionalNumber(body: Json, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalid(`'${key}' must be a number.`, key);
  return v;
}

/** A string from a field that may be absent, or undefined. */
export function stringOr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * `extra["messages[].name"]`: the `name` field of input messages, by canonical message index, so an
 * OpenAI -> OpenAI translation keeps it (canonical messages have no name). Not a body field.
 */
export const MESSAGE_NAMES_KEY = "messages[].name";

/** Extra keys that describe the request rather than being body fields to pass through. */
export const INTERNAL_EXTRA_KEYS: readonly string[] = [MESSAGE_NAMES_KEY];

export interface DataUrl {
  mediaType: string;
  data: string;
}

/** `data:<media type>;base64,<data>` split into its parts; undefined for any other URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1] || "application/octet-stream", data: url.slice(match[0].length) };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** input_audio `format` <-> media type (the two formats Chat takes as input audio). */
export const AUDIO_MEDIA_TYPES: Record<string, string> = { wav: "audio/wav", mp3: "audio/mpeg" };

export function audioFormatFor(mediaType: string): string | undefined {
  const mt = mediaType.toLowerCase();
  if (mt === "audio/wav" || mt === "audio/x-wav" || mt === "audio/wave") return "wav";
  if (mt === "audio/mpeg" || mt === "audio/mp3") return "mp3";
  return undefined;
}

/** Wire shapes of a tool call, as in an assistant message and in a response message. */
export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}
