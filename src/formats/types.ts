// The contract every wire format module fulfils: pure mappings to and from the canonical model.
import type { CanonicalRequest } from "../canonical/request.ts";
import type { CanonicalEvent, CanonicalResponse } from "../canonical/response.ts";
import type { GatewayError } from "../canonical/errors.ts";
import type { SseEvent } from "../canonical/sse.ts";
import type { FinishReason, Usage } from "../canonical/usage.ts";

export type FormatId = "openai-chat" | "anthropic" | "responses" | "gemini";

export interface EncodedRequest {
  body: Record<string, unknown>;
  /** Canonical fields this format cannot express, by name, for the X-OmniRoute-Dropped header. */
  dropped: string[];
}

/** What the route knows that the body may not say (Gemini puts model and streaming in the URL). */
export interface RouteHints {
  model?: string;
  stream?: boolean;
}

/**
 * The fast path: when client and upstream speak the same format, the body and the stream pass
 * through untouched but for these few format-specific touches.
 */
export interface Passthrough {
  /**
   * The client's body as the upstream should receive it: the model replaced by the upstream id, and
   * anything needed for usage reporting added. `addedUsageFrame` tells the stream tap to hide the
   * usage frame the client did not ask for.
   */
  forwardBody(body: Record<string, unknown>, model: string, stream: boolean): { body: Record<string, unknown>; addedUsageFrame: boolean };
  /** Usage carried by one parsed stream frame (`data` JSON), if any. */
  frameUsage(data: unknown): Partial<Usage> | undefined;
  /** True when this frame is the usage-only frame that `forwardBody` asked for (to hide it). */
  isUsageOnlyFrame(data: unknown): boolean;
  /** True when this frame reports an error (so the request is logged as failed). */
  isErrorFrame(data: unknown, event?: string): boolean;
  /**
   * Byte patterns found only in the stream frames that carry usage or the finish (or end the stream), so the fast
   * path's tap parses those and passes the others by (error frames it finds itself).
   */
  streamMarkers: readonly string[];
  /**
   * The frame(s) that tell a client of this format the stream failed after it started. `sent`: how many
   * frames of this stream the client already got (Responses numbers its events from 0, so the error is `sent`).
   */
  streamErrorFrames(err: GatewayError, sent?: number): string;
  /** Usage from a non-streamed answer body. */
  responseUsage(body: unknown): Partial<Usage> | undefined;
  /** Why the answer ended, when this parsed stream frame says it (the frames the tap parses for usage carry it). */
  frameFinish(data: unknown): FinishReason | undefined;
  /** Why a non-streamed answer ended. */
  responseFinish(body: unknown): FinishReason | undefined;
  /** The sampling temperature a client body asks for (the response cache only keeps temperature-0 answers). */
  temperature(body: Record<string, unknown>): number | undefined;
  /**
   * An `event: progress` frame (X-OmniRoute-Progress) shaped so this format's official SDK passes over it.
   */
  progressFrame(progress: StreamProgress): string;
}

export interface StreamProgress {
  /** Content frames streamed so far (most providers send about one token per frame). */
  tokens: number;
  elapsedMs: number;
}

/**
 * A stream decoder fed by hand: the translated path pushes each upstream read's SSE events through it synchronously
 * (no async step per event). One decoder per stream; it keeps the stream's state between pushes.
 */
export interface StreamDecoder {
  /** The canonical events this SSE event makes, in order (none, one or several). Ignored (returns []) once `done`. */
  push(event: SseEvent): CanonicalEvent[];
  /** The stream is over for this decoder (its end marker, or an error event it decoded): stop reading the upstream. */
  readonly done: boolean;
  /**
   * The upstream's events ended (or `done` was reached): the events that closes the stream with (a finish held for
   * the usage after it; an error event when the stream ended before it finished). [] after an error was decoded.
   */
  end(): CanonicalEvent[];
}

/** A stream encoder fed by hand, one canonical event at a time (see StreamDecoder). One encoder per stream. */
export interface StreamEncoder {
  /** The frames this event makes, in order (complete `event:`/`data:` frames; none, one or several). */
  push(event: CanonicalEvent): string[];
  /** Nothing more may be written (the stream's last frame or an error frame went out): stop feeding it. */
  readonly done: boolean;
  /** The events ended: the closing frames (an error frame when the stream never finished). [] once `done`. */
  end(): string[];
  /** The events broke off with `err` (the upstream failed mid-stream): the error frame(s). [] once `done`. */
  fail(err: GatewayError): string[];
}

export interface WireFormat {
  readonly id: FormatId;

  /** A client's body as canonical. Throws GatewayError("invalid_request", ..., { param }) on bad input. */
  decodeRequest(body: unknown, hints?: RouteHints): CanonicalRequest;
  /** The canonical request as this format's upstream takes it (model already resolved to the upstream id). */
  encodeRequest(req: CanonicalRequest): EncodedRequest;

  /** An upstream's non-streamed JSON answer as canonical. */
  decodeResponse(body: unknown): CanonicalResponse;
  /** A canonical answer as this format's client expects it. */
  encodeResponse(res: CanonicalResponse, req: CanonicalRequest): unknown;

  /** An upstream's SSE events as canonical events, in order, as they arrive. */
  decodeStream(events: AsyncIterable<SseEvent>): AsyncIterable<CanonicalEvent>;
  /** Canonical events as this format's SSE frames (complete `event:`/`data:` frames), one or more per event. */
  encodeStream(events: AsyncIterable<CanonicalEvent>, req: CanonicalRequest): AsyncIterable<string>;
  /** The same decoding, fed one SSE event at a time (decodeStream is this over an async iterable). */
  streamDecoder(): StreamDecoder;
  /** The same encoding, fed one canonical event at a time (encodeStream is this over an async iterable). */
  streamEncoder(req: CanonicalRequest): StreamEncoder;

  /** An error body in this format (the HTTP status is err.status). */
  encodeError(err: GatewayError): unknown;
  /** The human message inside an upstream's error body in this format (falls back to the raw text). */
  decodeErrorMessage(body: string): string;

  /** The upstream URL for this format, from a provider base URL as the format's official SDK takes it. */
  upstreamUrl(baseUrl: string, model: string, stream: boolean): string;
}
