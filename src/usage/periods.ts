// Budget periods in UTC: a day from midnight, a week from Monday, a month from the 1st.

export type Period = "daily" | "weekly" | "monthly";

export function periodStart(period: Period, now: number): number {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case "daily":
      return day;
    case "weekly":
      return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    case "monthly":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

export function periodEnd(period: Period, now: number): number {
  const start = periodStart(period, now);
  const d = new Date(start);
  switch (period) {
    case "daily":
      return start + 86_400_000;
    case "weekly":
      return start + 7 * 86_400_000;
    case "monthly":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

export const PERIOD_LABEL: Record<Period, string> = { daily: "Daily", weekly: "Weekly", monthly: "Monthly" };
