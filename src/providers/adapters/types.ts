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
  /** After a 401: refresh the credential once; true when the call should be retried with a fresh `prepare`. */
  refreshAfterUnauthorized?(ctx: AdapterContext): Promise<boolean>;
}
