// Overview: today at a glance — requests, tokens, cost, active providers, breaker states.
/** @jsxImportSource hono/jsx */
import { hx } from "../components/attrs.ts";
import { Badge, Card, formatNumber, usd } from "../components/card.tsx";
import { Layout } from "../components/layout.tsx";

export interface OverviewData {
  requestsToday: number;
  tokensToday: number;
  costToday: number;
  errorsToday: number;
  activeProviders: Array<{ id: string; name: string; accounts: number }>;
  breakers: Array<{ provider: string; state: string }>;
}

export function OverviewStats({ d }: { d: OverviewData }) {
  return (
    <div class="grid-cards">
      <Card title="Requests today">
        <p class="stat">{formatNumber(d.requestsToday)}</p>
        <small class="muted">{formatNumber(d.errorsToday)} failed</small>
      </Card>
      <Card title="Tokens today">
        <p class="stat">{formatNumber(d.tokensToday)}</p>
      </Card>
      <Card title="Cost today">
        <p class="stat">{usd(d.costToday)}</p>
      </Card>
      <Card title="Active providers">
        {d.activeProviders.length ? (
          <ul>
            {d.activeProviders.map((p) => (
              <li>
                {p.name}{" "}
                <small class="muted">
                  ({p.accounts} account{p.accounts === 1 ? "" : "s"})
                </small>
              </li>
            ))}
          </ul>
        ) : (
          <p>
            None yet. <a href="/dashboard/providers">Connect a provider</a>.
          </p>
        )}
      </Card>
      <Card title="Circuit breakers">
        {d.breakers.length ? (
          <ul>
            {d.breakers.map((b) => (
              <li>
                {b.provider} <Badge kind={b.state}>{b.state.replace("_", "-")}</Badge>
              </li>
            ))}
          </ul>
        ) : (
          <p>
            <Badge kind="closed">all closed</Badge>
          </p>
        )}
      </Card>
    </div>
  );
}

export function OverviewPage(props: { d: OverviewData; defaultPassword: boolean }) {
  return (
    <Layout title="Overview" active="/dashboard" defaultPassword={props.defaultPassword}>
      <h1>Overview</h1>
      <div
        id="overview-stats"
        {...hx({ get: "/dashboard/partials/overview", trigger: "every 10s", target: "#overview-stats", swap: "innerHTML" })}
      >
        <OverviewStats d={props.d} />
      </div>
    </Layout>
  );
}
