// An account's quota windows (5-hour, weekly, daily, monthly): used, left, and when each starts over.
/** @jsxImportSource hono/jsx */
import { percentUsed, type TrackedWindow } from "../../src/accounts/quota.ts";
import { Badge } from "../components/card.tsx";

const LABEL: Record<TrackedWindow["name"], string> = { "5h": "5-hour", weekly: "Weekly", daily: "Daily", monthly: "Monthly" };

/** "in 2 h 5 min", "in 3 d 4 h" until a moment. */
export function untilText(at: number, now = Date.now()): string {
  const m = Math.max(0, Math.round((at - now) / 60_000));
  if (m < 60) return `in ${m} min`;
  if (m < 24 * 60) return `in ${Math.floor(m / 60)} h ${m % 60} min`;
  return `in ${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

function amounts(w: TrackedWindow): string {
  const pct = percentUsed(w);
  const parts: string[] = [];
  if (typeof w.used === "number" && typeof w.limit === "number")
    parts.push(`${w.used} of ${w.limit} ${w.unit ?? ""} used`.replace(/ {2}/, " "));
  else if (typeof w.used === "number")
    parts.push(`${w.used.toLocaleString("en")} ${w.unit ?? ""} used (no plan limit set)`.replace(/ {2}/, " "));
  else if (pct !== undefined) parts.push(`${Math.round(pct)}% used`);
  if (pct !== undefined) parts.push(`${Math.max(0, Math.round(100 - pct))}% left`);
  return parts.join(", ") || "usage unknown";
}

export function QuotaWindows({ windows, now = Date.now() }: { windows: TrackedWindow[]; now?: number }) {
  if (!windows.length) return null;
  return (
    <ul class="quota-windows" aria-label="Quota windows">
      {windows.map((w) => {
        const spent = w.exhausted === true || (percentUsed(w) ?? 0) >= 100;
        const pct = percentUsed(w);
        return (
          <li>
            <strong>{LABEL[w.name]}</strong>{" "}
            {pct !== undefined ? (
              <meter min={0} max={100} low={70} high={90} optimum={0} value={pct} aria-label={`${LABEL[w.name]} quota used`}></meter>
            ) : null}{" "}
            <span>{amounts(w)}</span>
            {w.resetsAt ? (
              <small class="muted" title={new Date(w.resetsAt).toISOString()}>
                {" "}
                · resets {untilText(w.resetsAt, now)}
              </small>
            ) : null}
            {spent ? (
              <>
                {" "}
                <Badge kind="bad">used up</Badge>
              </>
            ) : null}
            {w.source === "local" ? <small class="muted"> (counted here)</small> : null}
          </li>
        );
      })}
    </ul>
  );
}
