// "Test connection": one real, minimal upstream call with the account's credential, timed.
import type { CanonicalRequest } from "../canonical/request.ts";
import { getFormat } from "../formats/registry.ts";
import { upstreamCall } from "../providers/upstream.ts";
import { sendOneShot } from "../providers/adapters/one-shot.ts";
import type { ProviderSpec } from "../providers/types.ts";
import type { AccountPool } from "./pool.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { SecretBox } from "../auth/secret-box.ts";
import type { Adapters } from "../providers/adapters/index.ts";
import type { AdapterDeps } from "../providers/adapters/context.ts";
import type { ConnectionRow } from "../db/queries/connections.ts";
import type { CustomModels } from "../providers/model-service.ts";
import { openConnectionProxy } from "../network/proxy-config.ts";
import { openCredentials, type Account } from "./pool.ts";

/** A connection test is one upstream call as the pipeline makes it, plus the connection it tests. */
export interface ConnectionTestDeps extends AdapterDeps {
  accounts: AccountPool;
  providers: ProviderRegistry;
  models: CustomModels;
  secrets: SecretBox;
  adapters: Adapters;
}

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  model?: string;
  error?: string;
}

const TEST_TIMEOUT_MS = 20_000;

function testModel(deps: ConnectionTestDeps, spec: ProviderSpec): string | undefined {
  return spec.models.find((m) => m.type === "chat")?.id ?? deps.models.list(spec.id).find((m) => m.type === "chat")?.modelId;
}

export async function testConnection(deps: ConnectionTestDeps, row: ConnectionRow, model?: string): Promise<ConnectionTestResult> {
  const spec = deps.providers.get(row.provider);
  if (!spec) return { ok: false, latencyMs: 0, error: `Provider "${row.provider}" no longer exists.` };
  const chosen = model ?? testModel(deps, spec);
  if (!chosen)
    return { ok: false, latencyMs: 0, error: "No chat model is known for this provider: add one with POST /api/provider-models." };
  const format = getFormat(spec.format);
  const request: CanonicalRequest = {
    model: chosen,
    messages: [{ role: "user", content: [{ type: "text", text: "ping" }] }],
    stream: false,
    maxTokens: 1,
    extra: {},
  };
  // The pool's own account when it is routed to, so a token refreshed here is the one routing uses next.
  const account: Account = deps.accounts.accountsOf(row.provider).find((a) => a.id === row.id) ?? {
    id: row.id,
    provider: row.provider,
    name: row.name,
    priority: row.priority,
    baseUrl: row.baseUrl,
    credentials: openCredentials(deps.secrets, row.credentials),
    limits: row.limits,
    proxy: openConnectionProxy(deps.secrets, row.proxy),
    metadata: row.metadata,
  };
  const call = upstreamCall(spec, account, format, chosen, false);
  const started = performance.now();
  const answer = await sendOneShot(deps, {
    spec,
    account,
    model: chosen,
    stream: false,
    signal: AbortSignal.timeout(TEST_TIMEOUT_MS + 1_000),
    timeoutMs: TEST_TIMEOUT_MS,
    call: { url: call.url, headers: call.headers, body: format.encodeRequest(request).body },
    readMessage: format.decodeErrorMessage,
  }).catch((err: unknown) => ({
    kind: "connection" as const,
    status: 502,
    message: `could not reach ${call.url}: ${err instanceof Error ? err.message : String(err)}`,
  }));
  const latencyMs = Math.round(performance.now() - started);
  if (!(answer instanceof Response)) {
    // A login that cannot be refreshed says so in its own words; a transport failure names what could not be reached.
    const error =
      answer.kind === "auth"
        ? answer.message
        : answer.kind === "timeout"
          ? `Could not reach ${call.url}: ${answer.message}`
          : capitalize(answer.message);
    return { ok: false, latencyMs, model: chosen, error };
  }
  const text = await answer.text().catch(() => "");
  if (answer.ok) return { ok: true, latencyMs, model: chosen };
  return { ok: false, latencyMs, model: chosen, error: `${spec.name} answered ${answer.status}: ${format.decodeErrorMessage(text)}` };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
