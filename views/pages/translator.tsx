// Translator: four tabs (Playground, Chat tester, Test bench, Live monitor) switched by Alpine, as a keyboard-usable tablist.
/** @jsxImportSource hono/jsx */
import { Layout } from "../components/layout.tsx";
import { TabPanel, Tabs } from "../components/tabs.tsx";
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

export function TranslatorPage(props: { defaultPassword: boolean; playground: PlaygroundValues }) {
  return (
    <Layout title="Translator" active="/dashboard/translator" defaultPassword={props.defaultPassword}>
      <link rel="stylesheet" href="/static/translator.css" />
      <hgroup>
        <h1>Translator</h1>
        <p>How a request in one wire format reaches an upstream of another — translated on paper, sent for real, and watched live.</p>
      </hgroup>
      <Tabs label="Translator tools" tabs={TABS} initial="playground">
        <TabPanel id="playground" open>
          <h2>Playground</h2>
          <p class="muted">
            The same translation as <code>POST /api/translator/translate</code>: pure, nothing is sent upstream.
          </p>
          <Playground values={props.playground} />
        </TabPanel>

        <TabPanel id="chat">
          <h2>Chat tester</h2>
          <p class="muted">
            Sends one message through the real pipeline (routing, fallback, translation, usage) as a client of the chosen format would, not
            streamed. It is a real call: it is billed and appears in usage as <code>dashboard.chat-tester</code>.
          </p>
          <ChatTester />
        </TabPanel>

        <TabPanel id="bench">
          <h2>Test bench</h2>
          <p class="muted">
            Built-in requests translated across format pairs and checked by decoding them again. Pure functions: nothing is sent upstream.
          </p>
          <Bench selection={DEFAULT_SELECTION} />
        </TabPanel>

        <TabPanel id="monitor">
          <h2>Live monitor</h2>
          <MonitorPanel />
        </TabPanel>
      </Tabs>
    </Layout>
  );
}
