// The answer when no target could serve: 429 with the earliest reset if everything was rate limited, else 503,
// naming every model and account tried and why.
import { GatewayError, kindForStatus } from "../canonical/errors.ts";
import type { Failure } from "../accounts/failure.ts";
import type { Target } from "../routing/resolve.ts";

export interface Attempt {
  target: Target;
  accountId?: string;
  accountName?: string;
  /** Set when the upstream was called and failed. */
  failure?: Failure;
  /** Set when the target or account was not called, with why. */
  skipped?: string;
  /** When the skipped account or provider may serve again. */
  until?: number;
  rateLimited?: boolean;
  noAccount?: boolean;
}

function describe(a: Attempt, now: number): string {
  const who = `${a.target.label}${a.accountName ? ` via "${a.accountName}"` : ""}`;
  if (a.failure) return `${who}: ${a.failure.status} ${a.failure.message}`;
  const when = a.until ? ` (until ${new Date(a.until).toISOString()}, in ${Math.ceil((a.until - now) / 1000)} s)` : "";
  return `${who}: ${a.skipped}${when}`;
}

export function exhaustedError(attempts: Attempt[], now = Date.now()): GatewayError {
  const called = attempts.filter((a) => a.failure);
  // One target, one call: the upstream's own status and words, as the client would have seen them directly.
  if (attempts.length === 1 && called.length === 1) {
    const { target, failure } = called[0]!;
    const f = failure!;
    if (f.kind === "connection")
      return new GatewayError("unreachable", `Provider ${target.provider.name} could not be reached: ${f.message}`, {
        code: "upstream_unreachable",
      });
    if (f.kind === "timeout")
      return new GatewayError("timeout", `Provider ${target.provider.name} did not answer for ${target.label}: ${f.message}`, {
        code: "upstream_timeout",
      });
    return new GatewayError(
      kindForStatus(f.status),
      `Provider ${target.provider.name} answered ${f.status} for ${target.label}: ${f.message}`,
      {
        status: f.status,
        code: "upstream_error",
        retryAfter: f.retryAt ? Math.max(1, Math.ceil((f.retryAt - now) / 1000)) : undefined,
      },
    );
  }
  if (attempts.length > 0 && attempts.every((a) => a.noAccount)) {
    const labels = attempts.map((a) => a.target.label).join(", ");
    return new GatewayError(
      "unavailable",
      `Cannot serve ${labels}: no active connection for ${attempts.length > 1 ? "these providers" : `provider "${attempts[0]!.target.provider.id}"`}. Connect an account in the dashboard (Providers) or with POST /api/providers.`,
      { code: "no_connection" },
    );
  }
  const lines = attempts.map((a) => `- ${describe(a, now)}`).join("\n");
  const limited =
    attempts.length > 0 && attempts.every((a) => a.rateLimited || a.failure?.kind === "rate_limit" || a.failure?.kind === "quota");
  if (limited) {
    const resets = attempts.map((a) => a.until ?? a.failure?.retryAt).filter((t): t is number => t !== undefined && t > now);
    const earliest = resets.length ? Math.min(...resets) : undefined;
    return new GatewayError(
      "rate_limit",
      `Every account is rate limited or out of quota; the earliest resets ${earliest ? `at ${new Date(earliest).toISOString()}` : "soon"}. Tried:\n${lines}`,
      {
        code: "all_rate_limited",
        retryAfter: earliest ? Math.max(1, Math.ceil((earliest - now) / 1000)) : undefined,
      },
    );
  }
  return new GatewayError("unavailable", `No model could serve this request. Tried:\n${lines}`, { code: "all_targets_failed" });
}
