// Copilot's monthly quota from GitHub's own report (copilot_internal/user), as a monthly window and a plan name.
//
// quota_snapshots holds `chat`, `completions` and `premium_interactions`, each {entitlement, remaining,
// percent_remaining, unlimited, overage_permitted, overage_count}; quota_reset_date ("YYYY-MM-DD") is when
// they start over (the 1st of the month, UTC). Paid plans have unlimited chat and a monthly budget of premium
// requests; Copilot Free limits chat too. The window shown is the tightest limited snapshot of chat and premium.
import type { QuotaWindow } from "../../accounts/quota.ts";

interface Snapshot {
  entitlement?: unknown;
  remaining?: unknown;
  percent_remaining?: unknown;
  unlimited?: unknown;
  overage_permitted?: unknown;
}

export interface CopilotUsage {
  plan?: string;
  monthly?: QuotaWindow;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function resetTime(report: Record<string, unknown>): number | undefined {
  for (const field of ["quota_reset_date_utc", "quota_reset_date"]) {
    const value = report[field];
    if (typeof value === "string") {
      const t = Date.parse(value);
      if (Number.isFinite(t)) return t;
    }
  }
  return undefined;
}

function windowOf(s: Snapshot, resetsAt: number | undefined): QuotaWindow | undefined {
  if (s.unlimited === true) return undefined;
  const limit = num(s.entitlement);
  const remaining = num(s.remaining);
  const percentLeft = num(s.percent_remaining);
  if (limit === undefined && percentLeft === undefined) return undefined;
  const used = limit !== undefined && remaining !== undefined ? Math.max(0, limit - remaining) : undefined;
  const window: QuotaWindow = {
    name: "monthly",
    unit: "requests",
    ...(resetsAt ? { resetsAt } : {}),
    ...(used !== undefined ? { used } : {}),
  };
  // With paid overage allowed, running past the entitlement does not stop the account: no limit is shown then.
  if (s.overage_permitted === true) return window;
  return {
    ...window,
    ...(limit !== undefined ? { limit } : {}),
    ...(percentLeft !== undefined ? { usedPercent: Math.max(0, Math.min(100, 100 - percentLeft)) } : {}),
    ...((remaining !== undefined && remaining <= 0) || (percentLeft !== undefined && percentLeft <= 0) ? { exhausted: true } : {}),
  };
}

const share = (w: QuotaWindow) => w.usedPercent ?? (w.used !== undefined && w.limit ? (w.used / w.limit) * 100 : 0);

export function readCopilotUsage(report: unknown): CopilotUsage {
  if (typeof report !== "object" || report === null) return {};
  const r = report as Record<string, unknown>;
  const plan = typeof r.copilot_plan === "string" ? r.copilot_plan : typeof r.access_type_sku === "string" ? r.access_type_sku : undefined;
  const snapshots = (typeof r.quota_snapshots === "object" && r.quota_snapshots !== null ? r.quota_snapshots : {}) as Record<
    string,
    Snapshot | undefined
  >;
  const resetsAt = resetTime(r);
  const windows = ["premium_interactions", "chat"]
    .map((k) => snapshots[k])
    .filter((s): s is Snapshot => typeof s === "object" && s !== null)
    .map((s) => windowOf(s, resetsAt))
    .filter((w): w is QuotaWindow => w !== undefined)
    .sort((a, b) => Number(b.exhausted === true) - Number(a.exhausted === true) || share(b) - share(a));
  return { ...(plan ? { plan } : {}), ...(windows[0] ? { monthly: windows[0] } : {}) };
}
