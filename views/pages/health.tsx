// Health: six cards, each an htmx partial that refreshes itself every 10 s, and "Reset all".
/** @jsxImportSource hono/jsx */
import { hx } from "../components/attrs.ts";
import { Card } from "../components/card.tsx";
import { Layout } from "../components/layout.tsx";

export const HEALTH_CARDS = [
  { id: "system", title: "System status" },
  { id: "providers", title: "Provider health" },
  { id: "rate-limits", title: "Rate limits" },
  { id: "lockouts", title: "Active lockouts" },
  { id: "cache", title: "Cache" },
  { id: "latency", title: "Latency (p50 / p95 / p99)" },
] as const;

export function HealthPage(props: { defaultPassword: boolean }) {
  return (
    <Layout title="Health" active="/dashboard/health" defaultPassword={props.defaultPassword}>
      <hgroup>
        <h1>Health</h1>
        <p>Refreshes every 10 seconds.</p>
      </hgroup>
      <p>
        <button
          class="secondary"
          {...hx({
            post: "/dashboard/partials/health/reset",
            target: "#health-reset-result",
            swap: "innerHTML",
            confirm: "Clear every circuit breaker and cooldown?",
          })}
        >
          Reset all
        </button>{" "}
        <span id="health-reset-result" role="status"></span>
      </p>
      <div class="grid-cards">
        {HEALTH_CARDS.map((card) => (
          <Card
            title={card.title}
            id={`health-${card.id}`}
            attrs={hx({
              get: `/dashboard/partials/health/${card.id}`,
              trigger: "load, every 10s",
              target: `#health-${card.id}-body`,
              swap: "innerHTML",
            })}
          >
            <div id={`health-${card.id}-body`} aria-live="polite">
              <p class="muted">Loading…</p>
            </div>
          </Card>
        ))}
      </div>
    </Layout>
  );
}
