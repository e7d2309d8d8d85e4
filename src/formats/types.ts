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

  /** An error body in this format (the HTTP status is err.status). */
  encodeError(err: GatewayError): unknown;
  /** The human message inside an upstream's error body in this format (falls back to the raw text). */
  decodeErrorMessage(body: string): string;

  /** The upstream URL for this format, from a provider base URL as the format's official SDK takes it. */
  upstreamUrl(baseUrl: string, model: string, stream: boolean): string;
}
