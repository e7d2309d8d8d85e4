// Claude subscription quota windows from Anthropic's `anthropic-ratelimit-unified-*` response headers.
//
// Header names and shapes as observed on Pro/Max OAuth responses and parsed by usage tools (e.g. ccLoad's
// anthropic passive usage, claude usage bars): `-5h-utilization` / `-7d-utilization` are fractions 0..1,
// `-5h-reset` / `-7d-reset` unix seconds, `-5h-status` / `-7d-status` and the overall `-status` are
// `allowed`, `allowed_warning` or `rejected`; `-representative-claim` names the binding window
// (`five_hour`, `seven_day`) and `-reset` when it starts over.
import type { QuotaWindow, QuotaWindowName } from "../../accounts/quota.ts";

const PREFIX = "anthropic-ratelimit-unified";
const WINDOWS: Array<{ key: string; name: QuotaWindowName; claim: string }> = [
  { key: "5h", name: "5h", claim: "five_hour" },
  { key: "7d", name: "weekly", claim: "seven_day" },
];

function num(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Unix seconds (or ms, or an RFC 3339 date) as epoch ms. */
function resetTime(value: string | null): number | undefined {
  const n = num(value);
  if (n !== undefined) return n < 10_000_000_000 ? n * 1000 : n;
  if (value && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return undefined;
}

/** The 5-hour and weekly windows the headers describe (none when the response carries no unified headers). */
export function claudeQuotaWindows(headers: Headers): QuotaWindow[] {
  const overall = headers.get(`${PREFIX}-status`);
  const claim = headers.get(`${PREFIX}-representative-claim`);
  const out: QuotaWindow[] = [];
  for (const w of WINDOWS) {
    const utilization = num(headers.get(`${PREFIX}-${w.key}-utilization`));
    const status = headers.get(`${PREFIX}-${w.key}-status`);
    let resetsAt = resetTime(headers.get(`${PREFIX}-${w.key}-reset`));
    if (utilization === undefined && status === null && resetsAt === undefined) continue;
    // The overall status binds to the representative window when the per-window one is missing.
    const binding = claim === w.claim;
    if (resetsAt === undefined && binding) resetsAt = resetTime(headers.get(`${PREFIX}-reset`));
    const rejected = status === "rejected" || (status === null && binding && overall === "rejected");
    out.push({
      name: w.name,
      ...(utilization !== undefined ? { usedPercent: Math.round(utilization * 1000) / 10 } : {}),
      ...(resetsAt !== undefined ? { resetsAt } : {}),
      ...(rejected ? { exhausted: true } : {}),
    });
  }
  // A rejection naming no window we know still blocks until the overall reset.
  if (!out.some((w) => w.exhausted) && overall === "rejected") {
    const name: QuotaWindowName = claim === "seven_day" ? "weekly" : "5h";
    const resetsAt = resetTime(headers.get(`${PREFIX}-reset`));
    const existing = out.find((w) => w.name === name);
    if (existing) existing.exhausted = true;
    else out.push({ name, exhausted: true, ...(resetsAt !== undefined ? { resetsAt } : {}) });
  }
  return out;
}
