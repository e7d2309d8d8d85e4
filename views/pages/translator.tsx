// Translator: four tabs (Playground, Chat tester, Test bench, Live monitor) switched by Alpine, as a keyboard-usable tablist.
/** @jsxImportSource hono/jsx */
import { bind, on } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { Bench, DEFAULT_SELECTION } from "../partials/translator-bench.tsx";
import { ChatTester } from "../partials/translator-chat.tsx";
import { MonitorPanel } from "../partials/translator-monitor.tsx";
import { Playground, type PlaygroundValues } from "../partials/translator-playground.tsx";

export const TABS = [
  { id: "playground", label: "Playground" },
  { id: "chat", label: "Chat tester" },
  { id: "bench", label: "Test bench" },
  { id: "monitor", label: "Live monitor" },
] as const;

/**
 * Alpine state: the open tab (kept in the URL hash so a reload stays put), and the WAI-ARIA tabs
 * keyboard pattern: arrows, Home and End move between tabs and focus the one they open.
 */
const TAB_STATE = `{
  tabs: ${JSON.stringify(TABS.map((t) => t.id))},
  tab: 'playground',
  init() { const h = location.hash.slice(1); if (this.tabs.includes(h)) this.tab = h; },
  open(id, focus) {
    this.tab = id;
    history.replaceState(null, '', '#' + id);
    if (focus) this.$nextTick(() => document.getElementById('tab-' + id).focus());
  },
  step(d) { const i = this.tabs.indexOf(this.tab); this.open(this.tabs[(i + d + this.tabs.length) % this.tabs.length], true); },
}`;

export function TranslatorPage(props: { defaultPassword: boolean; playground: PlaygroundValues }) {
  return (
    <Layout title="Translator" active="/dashboard/translator" defaultPassword={props.defaultPassword}>
      <link rel="stylesheet" href="/static/translator.css" />
      <hgroup>
        <h1>Translator</h1>
        <p>How a request in one wire format reaches an upstream of another — translated on paper, sent for real, and watched live.</p>
      </hgroup>
      <div x-data={TAB_STATE}>
        <div role="tablist" aria-label="Translator tools" class="tabs"
          {...on("keydown.right.prevent", "step(1)")} {...on("keydown.left.prevent", "step(-1)")}
          {...on("keydown.home.prevent", "open(tabs[0], true)")} {...on("keydown.end.prevent", "open(tabs[tabs.length - 1], true)")}>
          {TABS.map((t, i) => (
            <button type="button" role="tab" id={`tab-${t.id}`} aria-controls={`panel-${t.id}`}
              aria-selected={i === 0 ? "true" : "false"} tabindex={i === 0 ? 0 : -1}
              {...bind("aria-selected", `String(tab === '${t.id}')`)} {...bind("tabindex", `tab === '${t.id}' ? 0 : -1`)}
              {...on("click", `open('${t.id}')`)}>
              {t.label}
            </button>
          ))}
        </div>

        <section role="tabpanel" id="panel-playground" aria-labelledby="tab-playground" tabindex={0} {...bind("hidden", "tab !== 'playground'")}>
          <h2>Playground</h2>
          <p class="muted">The same translation as <code>POST /api/translator/translate</code>: pure, nothing is sent upstream.</p>
          <Playground values={props.playground} />
        </section>

        <section role="tabpanel" id="panel-chat" aria-labelledby="tab-chat" tabindex={0} hidden {...bind("hidden", "tab !== 'chat'")}>
          <h2>Chat tester</h2>
          <p class="muted">
            Sends one message through the real pipeline (routing, fallback, translation, usage) as a client of the chosen format would, not streamed.
            It is a real call: it is billed and appears in usage as <code>dashboard.chat-tester</code>.
          </p>
          <ChatTester />
        </section>

        <section role="tabpanel" id="panel-bench" aria-labelledby="tab-bench" tabindex={0} hidden {...bind("hidden", "tab !== 'bench'")}>
          <h2>Test bench</h2>
          <p class="muted">Built-in requests translated across format pairs and checked by decoding them again. Pure functions: nothing is sent upstream.</p>
          <Bench selection={DEFAULT_SELECTION} />
        </section>

        <section role="tabpanel" id="panel-monitor" aria-labelledby="tab-monitor" tabindex={0} hidden {...bind("hidden", "tab !== 'monitor'")}>
          <h2>Live monitor</h2>
          <MonitorPanel />
        </section>
      </div>
    </Layout>
  );
}
