// CLI tools: ready-to-paste configuration for each coding tool, filled with this gateway's URL, a key and a model.
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { ToolGuide } from "../../src/cli-tools/snippets.ts";
import { Layout } from "../components/layout.tsx";
import { CliForm, CliSnippets, type CliChoice } from "../partials/cli-tools.tsx";

export interface CliToolsPageData {
  baseUrl: string;
  keys: ApiKeyRow[];
  models: string[];
  choice: CliChoice;
  guides: ToolGuide[];
  local: boolean;
  defaultPassword: boolean;
}

export function CliToolsPage(d: CliToolsPageData) {
  return (
    <Layout title="CLI tools" active="/dashboard/cli-tools" defaultPassword={d.defaultPassword}>
      <hgroup>
        <h1>CLI tools</h1>
        <p>
          Point your coding tools at this gateway (<code>{d.baseUrl}</code>). Choose a key and a model: the snippets below fill in as you
          type.
        </p>
      </hgroup>
      <CliForm keys={d.keys} models={d.models} choice={d.choice} />
      <nav aria-label="Tools">
        <ul style="flex-wrap:wrap">
          {d.guides.map((g) => (
            <li>
              <a href={`#tool-${g.id}`}>{g.name}</a>
            </li>
          ))}
        </ul>
      </nav>
      <CliSnippets guides={d.guides} local={d.local} />
    </Layout>
  );
}
