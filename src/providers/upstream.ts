// Builds the upstream HTTP call for a provider account from data: URL shape, auth header, fixed headers.
import type { Account } from "../accounts/pool.ts";
import type { WireFormat } from "../formats/types.ts";
import type { AuthHeader, ProviderSpec } from "./types.ts";

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
}

function authHeaders(kind: AuthHeader, secret: string | undefined): Record<string, string> {
  if (!secret) return {};
  switch (kind) {
    case "bearer":
      return { authorization: `Bearer ${secret}` };
    case "x-api-key":
      return { "x-api-key": secret };
    case "x-goog-api-key":
      return { "x-goog-api-key": secret };
    case "token":
      return { authorization: `Token ${secret}` };
    case "raw":
      return { authorization: secret };
  }
}

/** The account's credential as its provider wants it, over the provider's fixed headers. */
export function credentialHeaders(spec: ProviderSpec, account: Account): Record<string, string> {
  return { ...spec.headers, ...authHeaders(spec.authHeader, account.credentials.accessToken ?? account.credentials.apiKey) };
}

/** The base URL calls to this account go to: its own override, else the provider's. */
export function accountBaseUrl(spec: ProviderSpec, account: Account): string {
  return (account.baseUrl ?? spec.baseUrl).replace(/\/+$/, "");
}

export function upstreamCall(spec: ProviderSpec, account: Account, format: WireFormat, model: string, stream: boolean): UpstreamCall {
  return {
    url: format.upstreamUrl(account.baseUrl ?? spec.baseUrl, model, stream),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      ...credentialHeaders(spec, account),
    },
  };
}
