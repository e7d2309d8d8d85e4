// The straight line every proxied chat request walks: resolve targets, pick accounts, send, fail over
// before the first byte, then answer in the client's format while usage is tapped.
import { GatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest } from "../canonical/request.ts";
import { canFallBack, type Failure } from "../accounts/failure.ts";
import type { Account } from "../accounts/pool.ts";
import { limitsOf, orderAccounts } from "../accounts/select.ts";
import type { GatewayFormat } from "../formats/registry.ts";
import type { RouteHints } from "../formats/types.ts";
import type { Target } from "../routing/resolve.ts";
import type { Services } from "../services.ts";
import type { UsageRecord } from "../usage/recorder.ts";
import { attemptUpstream } from "./attempt.ts";
import { exhaustedError, type Attempt } from "./exhausted.ts";
import { respond } from "./respond.ts";
import { estimateCost } from "../usage/estimate.ts";
import { applyTransforms, hasTransforms } from "./transforms.ts";

export interface ProxyRequest {
  requestId: string;
  keyId: string | null;
  keyName: string;
  endpoint: string;
  ingress: GatewayFormat;
  body: Record<string, unknown>;
  hints: RouteHints;
  signal: AbortSignal;
  startedAt: number;
  /** Wall-clock time of arrival, for the usage row. */
  receivedAt: number;
  /** Set on /v1/providers/{provider}/...: only that provider may serve. */
  pinProvider?: string;
  /** X-OmniRoute-Progress: true — interleave progress frames in the stream. */
  progress?: boolean;
  /** Told the final status once the usage row is written (cache and idempotency keep only complete answers). */
  onComplete?: (status: number) => void;
}

/** Longest we wait for an account's own limit (rpm, interval, concurrency) when nothing else is left. */
const MAX_LIMIT_WAIT_MS = 10_000;

export async function proxyChat(services: Services, req: ProxyRequest): Promise<Response> {
  const model = req.hints.model ?? req.body.model;
  if (typeof model !== "string" || model.length === 0) {
    throw new GatewayError("invalid_request", "The request must name a model (a string such as \"ds/deepseek-chat\").", { param: "model" });
  }
  const stream = req.hints.stream ?? req.body.stream === true;
  const targets = services.router.resolve(model).filter((t) => !req.pinProvider || t.provider.id === req.pinProvider);
  const attempts: Attempt[] = [];
  let calls = 0;
  let decoded: CanonicalRequest | undefined;
  const settings = services.settings.get();
  const transformed = hasTransforms(settings);
  const canonical = () => (decoded ??= transformed ? applyTransforms(req.ingress.decodeRequest(req.body, req.hints), settings) : req.ingress.decodeRequest(req.body, req.hints));

  // A spent budget stops the request here, before any upstream is called.
  const first = targets[0];
  const reservation = await services.budgets.reserve(req.keyId, req.keyName, () => estimateCost(services, first, req.body), first ? `${first.provider.id}/${first.model}` : model);
  const record = (r: Partial<UsageRecord> & { status: number }) => {
    services.usage.record({
      requestId: req.requestId, keyId: req.keyId, endpoint: req.endpoint, modelRequested: model, attempt: Math.max(1, calls), stream,
      startedAt: req.receivedAt, latencyMs: performance.now() - req.startedAt, ...r,
    });
    reservation.release();
    req.onComplete?.(r.status);
  };
  try {
    return await route();
  } catch (err) {
    reservation.release();
    throw err;
  }

  async function route(): Promise<Response> {

  /** One upstream call; a Response on success, undefined to move on. Client faults are thrown at once. */
  const tryAccount = async (target: Target, account: Account): Promise<Response | "next-target" | undefined> => {
    const { breakers, cooldowns, limiter } = services.health;
    const profile = services.resilience.profile(target.provider.id);
    calls++;
    limiter.start(account.id, limitsOf(services, account));
    services.accounts.markUsed(account.id, Date.now());
    services.recentUsage.record(target.label);
    let released = false;
    const release = () => {
      if (!released) limiter.end(account.id);
      released = true;
    };
    let result;
    try {
      result = await attemptUpstream({ req, target, account, stream, canonical, timeoutMs: profile.timeoutMs, transformed });
    } catch (err) {
      release();
      breakers.releaseProbe(target.provider.id);
      if (req.signal.aborted) {
        record({ provider: target.provider.id, connectionId: account.id, modelServed: target.model, combo: target.combo, status: 499, errorClass: "client_closed" });
        return new Response(null, { status: 499 });
      }
      throw err;
    }
    if (result.ok) {
      breakers.succeeded(target.provider.id);
      cooldowns.succeeded(account.id, target.model);
      return respond(services, req, {
        ...result, target, account, stream, canonical, fallbackAttempts: calls - 1, transformed,
        record: (r) => { release(); record({ ...r, provider: target.provider.id, connectionId: account.id, modelServed: target.model, combo: target.combo }); },
      });
    }
    release();
    const failure = result.failure;
    attempts.push({ target, accountId: account.id, accountName: account.name, failure });
    penalize(services, target, account, failure);
    if (!canFallBack(failure.kind)) throw clientFault(target, failure);
    return failure.kind === "context" ? "next-target" : undefined;
  };

  const waiting: Array<{ target: Target; account: Account; readyAt: number }> = [];
  for (const target of targets) {
    if (services.settings.get().blockedProviders.includes(target.provider.id)) {
      attempts.push({ target, skipped: `provider "${target.provider.id}" is blocked in settings` });
      continue;
    }
    const decision = services.health.breakers.check(target.provider.id);
    if (decision === "deny") {
      const until = services.health.breakers.list().find((b) => b.provider === target.provider.id)?.openUntil;
      attempts.push({ target, skipped: `circuit breaker for ${target.provider.name} is open`, until });
      continue;
    }
    const accounts = orderAccounts(services, target.provider.id);
    if (accounts.length === 0) attempts.push({ target, skipped: `no active connection for provider "${target.provider.id}"`, noAccount: true });
    let probed = false;
    for (const account of accounts) {
      if (decision === "probe" && probed) break;
      const now = Date.now();
      const coolingUntil = services.health.cooldowns.until(account.id, target.model, now);
      if (coolingUntil > now) {
        attempts.push({ target, accountId: account.id, accountName: account.name, skipped: "cooling down", until: coolingUntil, rateLimited: true });
        continue;
      }
      const wait = services.health.limiter.waitMs(account.id, limitsOf(services, account), now);
      if (wait > 0) {
        waiting.push({ target, account, readyAt: now + wait });
        attempts.push({ target, accountId: account.id, accountName: account.name, skipped: "at its request limit", until: Number.isFinite(wait) ? now + wait : undefined, rateLimited: true });
        continue;
      }
      probed = true;
      const outcome = await tryAccount(target, account);
      if (outcome instanceof Response) return outcome;
      if (outcome === "next-target") break;
    }
    if (decision === "probe" && !probed) services.health.breakers.releaseProbe(target.provider.id);
  }

  // Every account was busy at its own limit: wait for the first one that frees up, briefly.
  const soonest = waiting.filter((w) => Number.isFinite(w.readyAt)).sort((a, b) => a.readyAt - b.readyAt)[0];
  if (soonest && soonest.readyAt - Date.now() <= MAX_LIMIT_WAIT_MS) {
    await Bun.sleep(Math.max(0, soonest.readyAt - Date.now()));
    const outcome = await tryAccount(soonest.target, soonest.account);
    if (outcome instanceof Response) return outcome;
  }

  const failure = exhaustedError(attempts);
  record({ status: failure.status, errorClass: failure.code ?? failure.kind, provider: attempts.at(-1)?.target.provider.id });
  throw failure;
  }
}

/** What a failure costs the account and provider: cooldowns for limits and credentials, breaker strikes for outages. */
function penalize(services: Services, target: Target, account: Account, failure: Failure): void {
  const { breakers, cooldowns } = services.health;
  const profile = services.resilience.profile(target.provider.id);
  switch (failure.kind) {
    case "rate_limit": cooldowns.penalize(account.id, target.model, failure, profile); break;
    case "quota":
    case "auth": cooldowns.penalize(account.id, null, failure, profile); break;
    case "server":
    case "timeout":
    case "connection": breakers.failed(target.provider.id, profile); break;
    case "context":
    case "client": breakers.releaseProbe(target.provider.id); break;
  }
}

/** A client fault is answered at once with the upstream's status and words. */
function clientFault(target: Target, failure: Failure): GatewayError {
  return new GatewayError("invalid_request", `Provider ${target.provider.name} answered ${failure.status} for ${target.label}: ${failure.message}`, {
    status: failure.status,
    code: "upstream_rejected_request",
  });
}
