// The context a login flow (and an adapter's background reads) runs in: endpoints, the CLIs' home folder, a scoped fetch.
import type { Proxies } from "../../network/upstream-fetch.ts";
import { scopedFetch } from "../../network/upstream-fetch.ts";
import { endpointOf, type EndpointOverrides } from "./endpoints.ts";
import type { FlowContext } from "./types.ts";

export interface FlowDeps {
  proxies: Proxies;
  /** Tests only: endpoints replaced by fakes. */
  endpointOverrides?: EndpointOverrides;
  /** Where the official CLIs keep their logins (~/.claude, ~/.codex...): the user's, or a test's temp folder. */
  homeDir: string;
  /** Tests only: how flows wait between polls, instead of Bun.sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export function flowContext(deps: FlowDeps, provider: string, signal?: AbortSignal): FlowContext {
  return {
    fetch: scopedFetch(deps.proxies, { provider }),
    endpoint: (name) => endpointOf(deps.endpointOverrides, provider, name),
    homeDir: deps.homeDir,
    signal,
    sleep: deps.sleep ?? ((ms) => Bun.sleep(ms)),
  };
}
