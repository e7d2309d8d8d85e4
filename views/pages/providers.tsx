// Providers: the catalog grouped as in the user guide, each provider with its accounts, connect form and models.
/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { NodeView } from "../../src/providers/node-service.ts";
import type { ProviderSpec } from "../../src/providers/types.ts";
import { bind } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { CustomModels, ModelCount, NodeFacts, NodeForm, type CustomModelRow } from "../partials/provider-custom.tsx";
import { OAuthConnect, type OAuthInfo } from "../partials/oauth-connect.tsx";
import { ConnectedCount, ConnectForm, ConnectionList, type AccountRow } from "../partials/providers.tsx";
import { domId } from "../partials/scoped-field.tsx";

export interface ProviderEntry {
  spec: ProviderSpec;
  node?: NodeView & { fromConfigFile?: boolean };
  connections: AccountRow[];
  /** The provider's OAuth login, when it has one. */
  oauth?: OAuthInfo;
  customModels: CustomModelRow[];
}

export interface ProviderGroup {
  id: string;
  title: string;
  blurb: string;
  entries: ProviderEntry[];
}

/** Page styles (static text, no user data). */
export const PROVIDER_STYLES = `
.sr-only { position:absolute; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; border:0; }
.jump { display:flex; flex-wrap:wrap; justify-content:flex-start; gap:.25rem 1rem; margin-bottom:1rem; }
details.provider { border-bottom:1px solid var(--pico-muted-border-color); padding-bottom:.5rem; }
details.provider > summary { line-height:1.6; }
details.provider > summary .alias { margin:0 .35rem; }
.provider-body { padding-left:.5rem; }
.provider-body h3 { font-size:1rem; margin:1rem 0 .5rem; }
ul.connections { padding:0; }
ul.connections > li { list-style:none; border:1px solid var(--pico-muted-border-color); border-radius:var(--pico-border-radius); padding:.5rem .75rem; margin-bottom:.5rem; }
.connection-head { margin-bottom:.25rem; }
dl.facts { display:flex; flex-wrap:wrap; gap:.25rem 1.25rem; margin:0 0 .5rem; font-size:.9rem; }
dl.facts > div { display:flex; gap:.35rem; }
dl.facts dt { font-weight:400; color:var(--pico-muted-color); }
dl.facts dd { margin:0; word-break:break-all; }
.actions { display:flex; flex-wrap:wrap; gap:.35rem; }
.actions button { margin:0; }
button.danger { --pico-color: var(--omni-bad); border-color: var(--omni-bad); color: var(--omni-bad); }
.test-result { margin:.35rem 0 0; min-height:1em; font-size:.9rem; }
.model-names code { margin:0 .25rem .25rem 0; display:inline-block; }
.connect-form button[type=submit], .custom-models button[type=submit], #node-form button[type=submit] { width:auto; }
.custom-models caption { text-align:left; }
.note { border-left:3px solid var(--omni-warn); padding-left:.5rem; }
.oauth-connect { margin-bottom:.75rem; }
.oauth-step:empty { display:none; }
.oauth-step { margin:.5rem 0; }
.device-code code { font-size:1.5rem; letter-spacing:.15em; }
ul.quota-windows { padding:0; margin:0 0 .5rem; font-size:.9rem; }
ul.quota-windows li { list-style:none; }
ul.quota-windows meter { width:6rem; vertical-align:middle; }
.needs-login { margin:.25rem 0 .5rem; }
`;

/** What the filter box matches a provider on. */
function searchText(entry: ProviderEntry): string {
  return `${entry.spec.name} ${entry.spec.alias} ${entry.spec.id}`.toLowerCase();
}

function ProviderPanel({ entry, open }: { entry: ProviderEntry; open?: boolean }) {
  const { spec, node, connections, customModels } = entry;
  const search = searchText(entry);
  return (
    <details
      id={domId("provider", spec.id)}
      class="provider"
      open={open || connections.length > 0}
      data-search={search}
      {...bind("hidden", "!!q.trim() && !$el.dataset.search.includes(q.toLowerCase().trim())")}
    >
      <summary>
        <strong>{spec.name}</strong>
        <code class="alias">{spec.alias}/</code>
        <small class="muted">
          <ModelCount providerId={spec.id} count={spec.models.length + customModels.length} />
        </small>{" "}
        <ConnectedCount providerId={spec.id} connections={connections} />
      </summary>
      <div class="provider-body">
        {node ? <NodeFacts node={node} /> : null}
        {spec.docsUrl ? (
          <p>
            <small>
              <a href={spec.docsUrl} target="_blank" rel="noopener noreferrer">
                {spec.authType === "oauth" ? `About ${spec.name}` : `Where to get a key for ${spec.name}`}
              </a>
            </small>
          </p>
        ) : null}
        <h3>Accounts</h3>
        <ConnectionList providerId={spec.id} connections={connections} />
        <h3>{connections.length ? "Connect another account" : "Connect an account"}</h3>
        {entry.oauth ? (
          <>
            <OAuthConnect providerId={spec.id} name={spec.name} oauth={entry.oauth} />
            <details class="paste-token">
              <summary>
                <small>Or paste an access token</small>
              </summary>
              <ConnectForm spec={spec} />
            </details>
          </>
        ) : (
          <ConnectForm spec={spec} />
        )}
        <h3>Models</h3>
        {spec.models.length ? (
          <p class="model-names">
            {spec.models.map((m) => (
              <code title={`${m.name} (${m.type})`}>
                {spec.alias}/{m.id}
              </code>
            ))}
          </p>
        ) : (
          <p class="muted">
            <small>
              No built-in model list: any model name passes through. Add the ones you use so they appear in /v1/models and the combo picker.
            </small>
          </p>
        )}
        <CustomModels providerId={spec.id} alias={spec.alias} models={customModels} />
      </div>
    </details>
  );
}

/** `openId`: the node just added, shown open so its connect form is at hand. */
export function CustomProviders(props: { entries: ProviderEntry[]; oob?: boolean; openId?: string }) {
  return (
    <div id="custom-providers" {...(props.oob ? { "hx-swap-oob": "true" } : {})}>
      {props.entries.length ? (
        props.entries.map((e) => <ProviderPanel entry={e} open={e.spec.id === props.openId} />)
      ) : (
        <p class="muted">No custom provider yet.</p>
      )}
    </div>
  );
}

export function ProvidersPage(props: { groups: ProviderGroup[]; custom: ProviderEntry[]; defaultPassword: boolean }) {
  return (
    <Layout title="Providers" active="/dashboard/providers" defaultPassword={props.defaultPassword}>
      <style>{raw(PROVIDER_STYLES)}</style>
      <hgroup>
        <h1>Providers</h1>
        <p>Connect the accounts the gateway may use. Open a provider to connect it, test an account, or add models.</p>
      </hgroup>
      <div x-data="{ q: '' }">
        <nav aria-label="Provider groups" class="jump">
          {props.groups.map((g) => (
            <a href={`#group-${g.id}`}>{g.title}</a>
          ))}
          <a href="#group-custom">Custom</a>
        </nav>
        <label for="provider-filter">
          Filter providers
          <input id="provider-filter" type="search" placeholder="name or prefix, e.g. ds" x-model="q" autocomplete="off" />
        </label>
        {props.groups.map((g) => (
          // A group whose providers all miss the filter hides with its heading.
          <section
            id={`group-${g.id}`}
            aria-labelledby={`group-${g.id}-title`}
            data-search={g.entries.map(searchText).join("|")}
            {...bind("hidden", "!!q.trim() && !$el.dataset.search.includes(q.toLowerCase().trim())")}
          >
            <h2 id={`group-${g.id}-title`}>{g.title}</h2>
            <p class="muted">
              <small>{g.blurb}</small>
            </p>
            {g.entries.map((e) => (
              <ProviderPanel entry={e} />
            ))}
          </section>
        ))}
        <section id="group-custom" aria-labelledby="group-custom-title">
          <h2 id="group-custom-title">Custom</h2>
          <p class="muted">
            <small>Your own endpoints speaking one of the four formats (vLLM, Ollama, LiteLLM, a company proxy…).</small>
          </p>
          <CustomProviders entries={props.custom} />
          <details>
            <summary role="button" class="secondary outline">
              Add a custom provider
            </summary>
            <NodeForm />
          </details>
        </section>
      </div>
    </Layout>
  );
}
