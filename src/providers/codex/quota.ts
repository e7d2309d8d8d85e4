// Codex (ChatGPT plan) quota windows from the `x-codex-*` response headers and the `usage_limit_reached` error.
//
// As the Codex CLI reads them (openai/codex codex-rs/codex-api/src/rate_limits.rs): `x-codex-primary-used-percent`,
// `-primary-window-minutes`, `-primary-reset-at` (unix seconds), the same for `secondary`; older backends sent
// `-reset-after-seconds` instead of `-reset-at`. The primary window is the 5-hour one (300 minutes), the secondary
// the weekly one (10080 minutes). A used-up plan answers 429 with
// {"error":{"type":"usage_limit_reached","resets_at":<unix s>,"resets_in_seconds":<s>,…}} (as CLIProxyAPI's codex executor parses it).
import type { QuotaWindow, QuotaWindowName } from "../../accounts/quota.ts";

function num(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The window a length names: about 5 hours is "5h", about a week "weekly", a day "daily", a month "monthly". */
function nameFor(minutes: number | undefined, fallback: QuotaWindowName): QuotaWindowName {
  if (minutes === undefined || minutes <= 0) return fallback;
  if (minutes <= 6 * 60) return "5h";
  if (minutes <= 36 * 60) return "daily";
  if (minutes <= (10 * 86_400) / 60) return "weekly";
  return "monthly";
}

export function codexQuotaWindows(headers: Headers, now = Date.now()): QuotaWindow[] {
  const out: QuotaWindow[] = [];
  for (const [slot, fallback] of [
    ["primary", "5h"],
    ["secondary", "weekly"],
  ] as const) {
    const usedPercent = num(headers.get(`x-codex-${slot}-used-percent`));
    if (usedPercent === undefined) continue;
    const minutes = num(headers.get(`x-codex-${slot}-window-minutes`));
    const resetAt = num(headers.get(`x-codex-${slot}-reset-at`));
    const resetAfter = num(headers.get(`x-codex-${slot}-reset-after-seconds`));
    const resetsAt =
      resetAt !== undefined
        ? resetAt < 10_000_000_000
          ? resetAt * 1000
          : resetAt
        : resetAfter !== undefined
          ? now + resetAfter * 1000
          : undefined;
    out.push({ name: nameFor(minutes, fallback), usedPercent, ...(resetsAt !== undefined ? { resetsAt } : {}) });
  }
  return out;
}

/** When a `usage_limit_reached` error body says the plan starts over (epoch ms), if it is one. */
export function usageLimitReset(body: unknown, now = Date.now()): number | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { type?: unknown; code?: unknown; resets_at?: unknown; resets_in_seconds?: unknown };
  if (e.type !== "usage_limit_reached" && e.code !== "usage_limit_reached") return undefined;
  if (typeof e.resets_at === "number" && e.resets_at * 1000 > now) return e.resets_at * 1000;
  if (typeof e.resets_in_seconds === "number" && e.resets_in_seconds > 0) return now + e.resets_in_seconds * 1000;
  return now + 60_000;
}
