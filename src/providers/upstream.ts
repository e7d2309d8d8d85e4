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
    case "bearer": return { authorization: `Bearer ${secret}` };
    case "x-api-key": return { "x-api-key": secret };
    case "x-goog-api-key": return { "x-goog-api-key": secret };
  }
}

export function upstreamCall(spec: ProviderSpec, account: Account, format: WireFormat, model: string, stream: boolean): UpstreamCall {
  const secret = account.credentials.accessToken ?? account.credentials.apiKey;
  return {
    url: format.upstreamUrl(account.baseUrl ?? spec.baseUrl, model, stream),
    headers: {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      ...spec.headers,
      ...authHeaders(spec.authHeader, secret),
    },
  };
}
