// One upstream call outside the chat pipeline (the connection Test, count_tokens), made exactly as the pipeline
// makes it: the provider's adapter, fresh credentials, one refresh after a 401, the same send and deadline.
import type { Failure } from "../../accounts/failure.ts";
import { scopedFetch } from "../../network/upstream-fetch.ts";
import { sendAdapted } from "../send.ts";
import { adapterContext, type AdapterCall, type AdapterDeps } from "./context.ts";
import type { Adapters } from "./index.ts";
import type { PreparedCall } from "./types.ts";

export interface OneShotCall extends AdapterCall {
  call: PreparedCall;
  timeoutMs: number;
  /** The provider's error body in words, for a failure's message. */
  readMessage: (text: string) => string;
}

/** The answer (any status, as the provider's declared format speaks it), or why none came. */
export async function sendOneShot(deps: AdapterDeps & { adapters: Adapters }, o: OneShotCall): Promise<Response | Failure> {
  const sent = await sendAdapted(
    {
      adapter: deps.adapters.get(o.spec.id),
      context: () => adapterContext(deps, o),
      fetch: scopedFetch(deps.proxies, { ...o.scope, provider: o.spec.id, account: o.account }),
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      call: o.call,
    },
    o.readMessage,
  );
  return "response" in sent ? sent.response : sent;
}
