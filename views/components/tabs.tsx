// Tabs for a dashboard page: a WAI-ARIA tablist switched by Alpine. Click, or the arrow keys, Home and End
// (focus follows), open a tab; the open tab is kept in the URL hash, so a reload or a link such as
// /dashboard/settings#ai opens it. The server renders the initial tab open, so nothing flashes before Alpine.
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { bind, on } from "./attrs.ts";

export interface Tab {
  id: string;
  label: string;
}

/** Alpine state for `tabs`: `tab` is the open one; `open(id, focus)` and `step(±1)` switch it. */
function tabsState(tabs: readonly Tab[], initial: string): string {
  return `{
  tabs: ${JSON.stringify(tabs.map((t) => t.id))},
  tab: ${JSON.stringify(initial)},
  init() { this.fromHash(); },
  fromHash() { const h = location.hash.slice(1); if (this.tabs.includes(h)) this.tab = h; },
  open(id, focus) {
    this.tab = id;
    history.replaceState(null, '', '#' + id);
    if (focus) this.$nextTick(() => document.getElementById('tab-' + id).focus());
  },
  step(d) { const i = this.tabs.indexOf(this.tab); this.open(this.tabs[(i + d + this.tabs.length) % this.tabs.length], true); },
}`;
}

/** The tablist (buttons `#tab-<id>` controlling `#panel-<id>`) around its panels, given as TabPanel children. */
export function Tabs(props: { label: string; tabs: readonly Tab[]; initial: string; children?: Child }) {
  return (
    <div x-data={tabsState(props.tabs, props.initial)} {...on("hashchange.window", "fromHash()")}>
      <div
        role="tablist"
        aria-label={props.label}
        class="tabs"
        {...on("keydown.right.prevent", "step(1)")}
        {...on("keydown.left.prevent", "step(-1)")}
        {...on("keydown.home.prevent", "open(tabs[0], true)")}
        {...on("keydown.end.prevent", "open(tabs[tabs.length - 1], true)")}
      >
        {props.tabs.map((t) => (
          <button
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-controls={`panel-${t.id}`}
            aria-selected={t.id === props.initial ? "true" : "false"}
            tabindex={t.id === props.initial ? 0 : -1}
            {...bind("aria-selected", `String(tab === '${t.id}')`)}
            {...bind("tabindex", `tab === '${t.id}' ? 0 : -1`)}
            {...on("click", `open('${t.id}')`)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {props.children}
    </div>
  );
}

/** One tab's panel: `open` for the initial tab (the server hides the others), then Alpine's state decides. */
export function TabPanel(props: { id: string; open?: boolean; children?: Child }) {
  return (
    <section
      role="tabpanel"
      id={`panel-${props.id}`}
      aria-labelledby={`tab-${props.id}`}
      tabindex={0}
      hidden={!props.open}
      {...bind("hidden", `tab !== '${props.id}'`)}
    >
      {props.children}
    </section>
  );
}
