// The bodies of the six Health cards.
/** @jsxImportSource hono/jsx */
import type { healthSnapshot } from "../../src/api/health.ts";
import { hx } from "../components/attrs.ts";
import { Badge, bytes, formatNumber } from "../components/card.tsx";

type Snapshot = ReturnType<typeof healthSnapshot>;

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400),
    h = Math.floor((seconds % 86400) / 3600),
    m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

export function SystemCard({ s }: { s: Snapshot }) {
  return (
    <dl>
      <dt>Uptime</dt>
      <dd>{duration(s.uptimeSeconds)}</dd>
      <dt>Version</dt>
      <dd>{s.version}</dd>
      <dt>Memory</dt>
      <dd>
        {bytes(s.memory.rss)} RSS, {bytes(s.memory.heapUsed)} heap
      </dd>
      <dt>Data folder</dt>
      <dd>
        <code>{s.dataDir}</code>
      </dd>
      <dt>Usage rows</dt>
      <dd>
        <UsageRowsState s={s} />
      </dd>
      {s.sharedState ? (
        <>
          <dt>Shared state</dt>
          <dd>
            <SharedStateView shared={s.sharedState} />
          </dd>
        </>
      ) : (
        ""
      )}
    </dl>
  );
}

/** REDIS_URL: limits, breakers, cooldowns, holds, cache... shared with the other instances, or this one's own while Redis is away. */
function SharedStateView({ shared }: { shared: NonNullable<Snapshot["sharedState"]> }) {
  if (shared.state === "shared")
    return (
      <span>
        <Badge kind="ok">shared</Badge> through Redis at <code>{shared.redis}</code>
      </span>
    );
  return (
    <span role="alert">
      <Badge kind="warn">Redis unreachable</Badge> since {new Date(shared.since).toLocaleTimeString()} ({shared.reason}): requests are
      served on this instance's own limits, cooldowns, cache and holds; shared state resumes when Redis answers again.
    </span>
  );
}

/** Written, or not (a full disk): since when, why, how many are held in memory and how many were lost. */
function UsageRowsState({ s }: { s: Snapshot }) {
  const u = s.storage;
  const lost = u.dropped ? `, ${formatNumber(u.dropped)} lost` : "";
  if (u.usageRows === "writing")
    return (
      <span>
        <Badge kind="ok">written</Badge>
        {u.dropped ? <small class="muted"> {formatNumber(u.dropped)} lost since start</small> : ""}
      </span>
    );
  return (
    <span role="alert">
      <Badge kind="bad">not written</Badge> since {u.failingSince ? new Date(u.failingSince).toLocaleTimeString() : "now"}: {u.error}.{" "}
      Requests are still served; {formatNumber(u.pending)} rows are held in memory (at most {formatNumber(u.maxPending)}){lost} and are
      written when the database takes them again.
    </span>
  );
}

export function ProvidersCard({ s }: { s: Snapshot }) {
  if (!s.providers.length)
    return (
      <p>
        <Badge kind="closed">all closed</Badge> No provider has failed recently.
      </p>
    );
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col">Breaker</th>
          <th scope="col">Failures</th>
        </tr>
      </thead>
      <tbody>
        {s.providers.map((p) => (
          <tr>
            <td>{p.provider}</td>
            <td>
              <Badge kind={p.state}>{p.state.replace("_", "-")}</Badge>
            </td>
            <td>{p.failures}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RateLimitsCard({ s }: { s: Snapshot }) {
  if (!s.rateLimits.length) return <p>No account is cooling down.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Account</th>
          <th scope="col">Model</th>
          <th scope="col">Time left</th>
        </tr>
      </thead>
      <tbody>
        {s.rateLimits.map((r) => (
          <tr title={r.reason}>
            <td>
              {r.connectionName ?? r.connectionId} <small class="muted">{r.provider}</small>
            </td>
            <td>{r.model ?? "all"}</td>
            <td>{r.secondsLeft}s</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `body`: the id of the element the card sits in (the Health card, or Settings > Resilience), which Unlock re-renders. */
export function LockoutsCard({ s, body = "health-lockouts-body" }: { s: Snapshot; body?: string }) {
  const open = s.providers.filter((p) => p.state !== "closed");
  if (!open.length && !s.rateLimits.length && !s.lockouts.length) return <p>Nothing is locked.</p>;
  return (
    <ul>
      {open.map((p) => (
        <li>
          Provider <strong>{p.provider}</strong> <Badge kind={p.state}>{p.state.replace("_", "-")}</Badge>{" "}
          <button
            class="small outline"
            {...hx({
              post: "/dashboard/partials/health/reset",
              vals: { provider: p.provider, body },
              target: `#${body}`,
              swap: "innerHTML",
            })}
          >
            Unlock
          </button>
        </li>
      ))}
      {s.rateLimits.map((r) => (
        <li>
          Account <strong>{r.connectionName ?? r.connectionId}</strong> ({r.model ?? "all models"}), {r.secondsLeft}s left{" "}
          <button
            class="small outline"
            {...hx({
              post: "/dashboard/partials/health/reset",
              vals: { connectionId: r.connectionId, body },
              target: `#${body}`,
              swap: "innerHTML",
            })}
          >
            Unlock
          </button>
        </li>
      ))}
      {s.lockouts.map((l) => (
        <li>
          Sign-in from {l.ip} locked until {new Date(l.until).toLocaleTimeString()}
        </li>
      ))}
    </ul>
  );
}

export function CacheCard({ s }: { s: Snapshot }) {
  const total = s.cache.hits + s.cache.misses;
  return (
    <dl>
      <dt>Entries</dt>
      <dd>
        {formatNumber(s.cache.entries)} ({bytes(s.cache.bytes)})
      </dd>
      <dt>Hit rate</dt>
      <dd>
        {total ? `${Math.round((s.cache.hits / total) * 100)}%` : "—"} ({formatNumber(s.cache.hits)} hits, {formatNumber(s.cache.misses)}{" "}
        misses)
      </dd>
    </dl>
  );
}

export function LatencyCard({ s }: { s: Snapshot }) {
  if (!s.latency.length) return <p>No requests yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
        </tr>
      </thead>
      <tbody>
        {s.latency.map((l) => (
          <tr>
            <td>{l.provider}</td>
            <td>{l.p50} ms</td>
            <td>{l.p95} ms</td>
            <td>{l.p99} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
