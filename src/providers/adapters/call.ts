// One upstream call outside the chat pipeline (the connection Test, count_tokens) shaped by the provider's adapter:
// fresh credentials and envelope, one refresh and retry after a 401, the answer in the provider's declared format.
import type { Account } from "../../accounts/pool.ts";
import { upstreamFetch, type UpstreamScope } from "../../network/upstream-fetch.ts";
import type { Services } from "../../services.ts";
import type { ProviderSpec } from "../types.ts";
import { adapterFor } from "./index.ts";
import type { AdapterContext, PreparedCall } from "./types.ts";

export interface AdaptedCall {
  services: Services;
  spec: ProviderSpec;
  account: Account;
  model: string;
  stream: boolean;
  call: PreparedCall;
  signal: AbortSignal;
  scope?: Omit<UpstreamScope, "provider" | "account">;
}

/**
 * POST the call as the pipeline would for this provider. Throws GatewayError("authentication") when the
 * account needs a new login (the adapter could not get a credential), and whatever fetch throws.
 */
export async function sendAdapted(o: AdaptedCall): Promise<Response> {
  const adapter = adapterFor(o.spec.id);
  const ctx: AdapterContext = { services: o.services, spec: o.spec, account: o.account, model: o.model, stream: o.stream, signal: o.signal };
  const send = async (): Promise<Response> => {
    const call = adapter?.prepare ? await adapter.prepare(o.call, ctx) : o.call;
    return upstreamFetch(o.services, call.url, {
      method: "POST",
      headers: call.headers,
      body: JSON.stringify(call.body),
      signal: o.signal,
    }, { ...o.scope, provider: o.spec.id, account: o.account }, { stream: o.stream });
  };
  let response = await send();
  if (adapter?.refreshAfterUnauthorized && (response.status === 401 || (await adapter.isExpiredCredential?.(response, ctx)))) {
    const refreshed = await adapter.refreshAfterUnauthorized(ctx).catch(() => false);
    if (refreshed) {
      await response.body?.cancel().catch(() => {});
      response = await send();
    }
  }
  return adapter?.wrapResponse ? adapter.wrapResponse(response, ctx) : response;
}
