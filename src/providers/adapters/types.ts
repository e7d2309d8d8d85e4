// Provider adapters: code for what catalog data cannot say (token exchange, request envelopes, odd response framing).
import type { Account, Credentials } from "../../accounts/pool.ts";
import type { QuotaWindow } from "../../accounts/quota.ts";
import type { UpstreamFetch } from "../../network/upstream-fetch.ts";
import type { FlowContext, OAuthFlow } from "../oauth/types.ts";
import type { ProviderSpec } from "../types.ts";

/** The account's credentials, kept fresh by the gateway: one refresh per account at a time. */
export interface AccountCredentials {
  /**
   * The credentials, refreshed first when they expire within a few minutes (or at once when `force`, after a 401).
   * A token pasted by hand (no refresh token) is used as it is. Throws GatewayError("authentication") when the
   * account needs a new login.
   */
  fresh(flow: OAuthFlow, opts?: { force?: boolean }): Promise<Credentials>;
}

/** The connection's stored metadata (e.g. Gemini CLI's Code Assist project), kept with the connection. */
export interface ConnectionMetadata {
  read(): Record<string, unknown> | undefined;
  /** Replace it with what `change` makes of the stored value. */
  update(change: (current: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

/** Everything an adapter may use for one call, and nothing of the gateway around it. */
export interface AdapterContext {
  spec: ProviderSpec;
  account: Account;
  /** The upstream model id. */
  model: string;
  stream: boolean;
  signal: AbortSignal;
  /** fetch through the outbound proxy this call's scope resolves to. */
  fetch: UpstreamFetch;
  credentials: AccountCredentials;
  /** The provider's endpoints, home folder and fetch, as its login flow sees them (tests point endpoints at fakes). */
  flow: FlowContext;
  /** Quota windows the provider's answer revealed for this account. */
  reportQuota(windows: QuotaWindow[], now?: number): void;
  metadata: ConnectionMetadata;
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
