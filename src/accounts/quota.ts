// Quota windows per account (5-hour, weekly, daily, monthly), reported by the provider or counted locally; an exhausted window cools the account until it resets.
import type { Store } from "../db/store.ts";
import { readResilienceState, writeResilienceState } from "../db/queries/resilience-state.ts";
import { createSnapshotWriter } from "../db/snapshot-writer.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import type { AccountCooldowns } from "./cooldowns.ts";
import { PLAN_WINDOWS } from "./plan-windows.ts";
import type { Profile } from "./profiles.ts";

export type QuotaWindowName = "5h" | "weekly" | "daily" | "monthly";

/** What a provider (or local counting) says about one window of an account's plan. */
export interface QuotaWindow {
  name: QuotaWindowName;
  /** Amount used in this window (requests or tokens, see `unit`), when known. */
  used?: number;
  limit?: number;
  unit?: "requests" | "tokens";
  /** 0..100, when the provider reports a share rather than counts. */
  usedPercent?: number;
  /** Epoch ms when the window starts over. */
  resetsAt?: number;
  /** The provider said this window is used up (e.g. Anthropic's per-window status "rejected"), whatever the numbers. */
  exhausted?: boolean;
}

export interface TrackedWindow extends QuotaWindow {
  source: "provider" | "local";
  updatedAt: number;
}

/** The account a report is about (an Account from the pool fits). */
export interface QuotaAccount {
  id: string;
  provider: string;
}

/** A window a provider's plan has but does not report: counted here from the usage rows. */
export interface LocalQuotaRule {
  name: QuotaWindowName;
  /** The plan's limit; unset: counted and shown, closed only by an account's own limit (`limits.quota`). */
  limit?: number;
  unit: "requests" | "tokens";
}

/** An account's own plan limits per window (a connection's `limits.quota`), over the declared defaults. */
export type PlanLimits = Partial<Record<QuotaWindowName, number>>;

const ORDER: QuotaWindowName[] = ["5h", "daily", "weekly", "monthly"];
const LOCAL_RULES = new Map<string, LocalQuotaRule[]>(Object.entries(PLAN_WINDOWS));
const SNAPSHOT_KEY = "quotas";
const SNAPSHOT_DELAY_MS = 500;

/** Provider modules declare the windows to count locally, e.g. `declareLocalQuota("gemini-cli", [{ name: "daily", limit: 1000, unit: "requests" }])`. */
export function declareLocalQuota(provider: string, rules: LocalQuotaRule[]): void {
  LOCAL_RULES.set(provider, rules);
}

/** The windows counted locally for a provider (empty when it reports its own or has none). */
export function localQuotaRules(provider: string): readonly LocalQuotaRule[] {
  return LOCAL_RULES.get(provider) ?? [];
}

/** Share used, 0..100, from the percent or the counts. */
export function percentUsed(w: QuotaWindow): number | undefined {
  if (typeof w.usedPercent === "number") return Math.max(0, Math.min(100, w.usedPercent));
  if (typeof w.used === "number" && typeof w.limit === "number" && w.limit > 0) return Math.max(0, Math.min(100, (w.used / w.limit) * 100));
  return undefined;
}

export function isExhausted(w: QuotaWindow, now = Date.now()): boolean {
  if (w.resetsAt !== undefined && w.resetsAt <= now) return false;
  return w.exhausted === true || (percentUsed(w) ?? 0) >= 100;
}

/** When a locally counted window that starts at `start` ends: fixed calendar windows (UTC) for daily and monthly, rolling for 5h and weekly. */
export function localWindowEnd(name: QuotaWindowName, start: number): number {
  const d = new Date(start);
  switch (name) {
    case "5h":
      return start + 5 * 3_600_000;
    case "weekly":
      return start + 7 * 86_400_000;
    case "daily":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    case "monthly":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

export interface QuotaDeps {
  cooldowns: AccountCooldowns;
  profile(provider: string): Profile;
  /** The account's own plan limits, when its connection sets them. */
  planLimits?(account: QuotaAccount): PlanLimits | undefined;
}

export class QuotaStore {
  private readonly byAccount = new Map<string, Map<QuotaWindowName, TrackedWindow>>();

  constructor(
    private readonly deps: QuotaDeps,
    private readonly onChange: () => void = () => {},
  ) {}

  /**
   * The provider's own usage report (headers or a usage endpoint) for an account: replaces those windows. A window
   * used up cools the whole account until it resets, so routing (and a combo) moves on at once.
   */
  report(account: QuotaAccount, windows: QuotaWindow[], now = Date.now()): void {
    if (!windows.length) return;
    const mine = this.accountWindows(account.id);
    for (const w of windows) mine.set(w.name, { ...mine.get(w.name), ...w, source: "provider", updatedAt: now });
    this.onChange();
    this.coolIfExhausted(account, windows, now);
  }

  /** One served request (and its tokens) against the locally counted windows of its provider. */
  countLocal(account: QuotaAccount, amounts: { requests: number; tokens: number }, now = Date.now()): void {
    const rules = LOCAL_RULES.get(account.provider);
    if (!rules) return;
    const mine = this.accountWindows(account.id);
    const counted: QuotaWindow[] = [];
    const own = this.deps.planLimits?.(account);
    for (const rule of rules) {
      const limit = own?.[rule.name] ?? rule.limit;
      const current = mine.get(rule.name);
      if (current?.source === "provider" && (current.resetsAt ?? Infinity) > now) continue; // the provider's numbers win
      const fresh = !current || current.source !== "local" || (current.resetsAt ?? 0) <= now;
      const used = (fresh ? 0 : (current.used ?? 0)) + (rule.unit === "requests" ? amounts.requests : amounts.tokens);
      const w: TrackedWindow = {
        name: rule.name,
        unit: rule.unit,
        used,
        ...(limit !== undefined ? { limit } : {}),
        resetsAt: fresh ? localWindowEnd(rule.name, now) : current.resetsAt,
        source: "local",
        updatedAt: now,
      };
      mine.set(rule.name, w);
      counted.push(w);
    }
    if (!counted.length) return;
    this.onChange();
    this.coolIfExhausted(account, counted, now);
  }

  /**
   * The provider answered that the account's usage limit is reached, with no time it resets: the windows counted
   * here for its plan are used up, and the account cools until the latest of them resets. False when its provider
   * has no locally counted window (the caller's usual backoff applies then).
   */
  exhaustLocal(account: QuotaAccount, now = Date.now()): boolean {
    const rules = LOCAL_RULES.get(account.provider);
    if (!rules) return false;
    const mine = this.accountWindows(account.id);
    const spent: TrackedWindow[] = rules.map((rule) => {
      const current = mine.get(rule.name);
      const running = current && (current.resetsAt ?? 0) > now;
      const w: TrackedWindow = {
        ...(running ? current : {}),
        name: rule.name,
        unit: rule.unit,
        exhausted: true,
        resetsAt: running ? current.resetsAt : localWindowEnd(rule.name, now),
        source: running ? current.source : "local",
        updatedAt: now,
      };
      mine.set(rule.name, w);
      return w;
    });
    this.onChange();
    this.coolIfExhausted(account, spent, now);
    return true;
  }

  /** The account's windows still running, in display order (5h, daily, weekly, monthly). */
  windowsOf(accountId: string, now = Date.now()): TrackedWindow[] {
    const mine = this.byAccount.get(accountId);
    if (!mine) return [];
    return [...mine.values()]
      .filter((w) => w.resetsAt === undefined || w.resetsAt > now)
      .sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  }

  /** Every account with a window still running. */
  all(now = Date.now()): Array<{ accountId: string; windows: TrackedWindow[] }> {
    return [...this.byAccount.keys()]
      .map((accountId) => ({ accountId, windows: this.windowsOf(accountId, now) }))
      .filter((a) => a.windows.length);
  }

  /** Forget accounts' windows (a reset from the dashboard, or a deleted connection). */
  reset(accountIds?: ReadonlySet<string>): void {
    if (!accountIds) this.byAccount.clear();
    else for (const id of accountIds) this.byAccount.delete(id);
    this.onChange();
  }

  snapshot(): Record<string, TrackedWindow[]> {
    return Object.fromEntries([...this.byAccount].map(([id, m]) => [id, [...m.values()]]));
  }

  restore(saved: Record<string, TrackedWindow[]>, now = Date.now()): void {
    for (const [id, windows] of Object.entries(saved)) {
      const running = windows.filter((w) => w.resetsAt === undefined || w.resetsAt > now);
      if (running.length) this.byAccount.set(id, new Map(running.map((w) => [w.name, w])));
    }
  }

  private accountWindows(accountId: string): Map<QuotaWindowName, TrackedWindow> {
    let mine = this.byAccount.get(accountId);
    if (!mine) this.byAccount.set(accountId, (mine = new Map()));
    return mine;
  }

  /** Cool the account until the latest reset among its exhausted windows, unless it already cools that long. */
  private coolIfExhausted(account: QuotaAccount, windows: QuotaWindow[], now: number): void {
    const spent = windows.filter((w) => isExhausted(w, now));
    if (!spent.length) return;
    const until = Math.max(...spent.map((w) => w.resetsAt ?? 0));
    const current = this.deps.cooldowns.active(now).find((c) => c.accountId === account.id && c.model === null);
    if (current && until && current.until >= until) return;
    const names = spent.map((w) => (w.name === "5h" ? "5-hour" : w.name)).join(" and ");
    const when = until ? `; it resets at ${new Date(until).toISOString()}` : "";
    this.deps.cooldowns.penalize(
      account.id,
      null,
      {
        kind: "quota",
        status: 429,
        message: `the ${names} quota of this account is used up${when}`,
        ...(until ? { retryAt: until } : {}),
      },
      this.deps.profile(account.provider),
      now,
    );
  }
}

/** The store, restored from its last snapshot and written back shortly after every change. */
export async function createQuotaStore(data: Store, deps: QuotaDeps): Promise<QuotaStore & { flush(): Promise<void> }> {
  const snapshot = createSnapshotWriter(() => writeResilienceState(data, SNAPSHOT_KEY, store.snapshot()), SNAPSHOT_DELAY_MS);
  const store = Object.assign(new QuotaStore(deps, snapshot.changed), { flush: snapshot.flush });
  const saved = await readResilienceState<Record<string, TrackedWindow[]>>(data, SNAPSHOT_KEY);
  if (saved) store.restore(saved);
  return store;
}

/** The usage-row hook: every served request also counts against its account's locally counted windows. */
export function countingQuotas(recorder: UsageRecorder, quotas: QuotaStore): UsageRecorder {
  return {
    ...recorder,
    record(r) {
      const cost = recorder.record(r);
      if (r.connectionId && r.provider && r.status < 400 && r.cache !== "hit" && r.cache !== "replay" && LOCAL_RULES.has(r.provider)) {
        const tokens = (r.usage?.inputTokens ?? 0) + (r.usage?.outputTokens ?? 0);
        quotas.countLocal({ id: r.connectionId, provider: r.provider }, { requests: 1, tokens }, r.startedAt + r.latencyMs);
      }
      return cost;
    },
  };
}
