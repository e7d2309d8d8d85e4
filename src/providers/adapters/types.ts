// Provider adapters: code for what catalog data cannot say (token exchange, request envelopes, odd response framing).
import type { Account } from "../../accounts/pool.ts";
import type { Services } from "../../services.ts";
import type { ProviderSpec } from "../types.ts";

export interface AdapterContext {
  services: Services;
  spec: ProviderSpec;
  account: Account;
  /** The upstream model id. */
  model: string;
  stream: boolean;
  signal: AbortSignal;
}

/** The HTTP call the data-driven part built; an adapter may change any of it. */
export interface PreparedCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Fields the provider's own API cannot take, reported to the client in X-OmniRoute-Dropped. */
  dropped?: string[];
}

export interface ProviderAdapter {
  /**
   * Final shape of the call: fresh credentials (refreshed ahead of expiry), provider headers, URL and body
   * envelope. Throws GatewayError("authentication") when the account needs a new login.
   */
  prepare?(call: PreparedCall, ctx: AdapterContext): Promise<PreparedCall>;
  /**
   * The upstream's answer as the provider's declared format speaks it (e.g. AWS event-stream frames
   * re-emitted as Anthropic SSE, or a Code Assist envelope unwrapped). Also the place to read quota headers.
   */
  wrapResponse?(response: Response, ctx: AdapterContext): Response | Promise<Response>;
  /**
   * The upstream also serves Anthropic's `POST /v1/messages/count_tokens` (through `prepare`). Without it, an
   * adapted provider's count_tokens is estimated locally (its `prepare` may send every call to a chat endpoint).
   */
  countTokens?: boolean;
  /**
   * Whether an answer other than 401 also says the access token expired (Kiro answers 403 "The bearer token included
   * in the request is invalid."), so it gets the same one refresh and retry. Reads a clone, never the answer itself.
   */
  isExpiredCredential?(response: Response, ctx: AdapterContext): Promise<boolean>;
  /** After a 401: refresh the credential once; true when the call should be retried with a fresh `prepare`. */
  refreshAfterUnauthorized?(ctx: AdapterContext): Promise<boolean>;
}
