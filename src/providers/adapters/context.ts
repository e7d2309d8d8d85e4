// What a provider adapter gets for one call, built from the gateway's parts: never the gateway itself.
import type { Account, AccountPool } from "../../accounts/pool.ts";
import type { QuotaStore } from "../../accounts/quota.ts";
import { getConnection, updateConnection } from "../../db/queries/connections.ts";
import type { Store } from "../../db/store.ts";
import { scopedFetch, type UpstreamScope } from "../../network/upstream-fetch.ts";
import type { AdapterContext } from "./types.ts";
import { flowContext, type FlowDeps } from "../oauth/flow-context.ts";
import type { CredentialKeeper } from "../oauth/tokens.ts";
import type { ProviderSpec } from "../types.ts";

export interface AdapterDeps extends FlowDeps {
  store: Store;
  /** Re-read after a connection's metadata changed here (and tell the other instances). */
  accounts: AccountPool;
  credentials: CredentialKeeper;
  quotas: Pick<QuotaStore, "report">;
}

export interface AdapterCall {
  spec: ProviderSpec;
  account: Account;
  model: string;
  stream: boolean;
  signal: AbortSignal;
  /** Who the call is for, for the outbound proxy (API key, combo); provider and account are added. */
  scope?: Omit<UpstreamScope, "provider" | "account">;
}

export function adapterContext(deps: AdapterDeps, call: AdapterCall): AdapterContext {
  const { spec, account } = call;
  return {
    spec,
    account,
    model: call.model,
    stream: call.stream,
    signal: call.signal,
    fetch: scopedFetch(deps.proxies, { ...call.scope, provider: spec.id, account }),
    credentials: { fresh: (flow, opts) => deps.credentials.fresh(account, flow, opts) },
    flow: flowContext(deps, spec.id, call.signal),
    reportQuota: (windows, now) => deps.quotas.report(account, windows, now),
    metadata: {
      // From the pool's copy, opened with the credentials: no database read on the request path.
      read: () => account.metadata ?? undefined,
      update: async (change) => {
        const row = await getConnection(deps.store, account.id);
        if (!row) return;
        const metadata = change(row.metadata ?? {});
        await updateConnection(deps.store, account.id, { metadata });
        account.metadata = metadata;
        await deps.accounts.changed();
      },
    },
  };
}
