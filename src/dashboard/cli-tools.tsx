// The CLI tools page: snippets for each coding tool, a key created on the spot, and "Write config" for a browser on this machine.
/** @jsxImportSource hono/jsx */
import { homedir } from "node:os";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { clientIp } from "../auth/login.ts";
import { GatewayError } from "../canonical/errors.ts";
import { toolGuides, type ToolInput } from "../cli-tools/snippets.ts";
import { isWritableTool, KEY_IN_FILE, writeToolConfig, type WriteResult, type WritableTool } from "../cli-tools/write-config.ts";
import type { ApiKeyRow } from "../db/queries/api-keys.ts";
import { listModels } from "../gateway/models.ts";
import type { Services } from "../services.ts";
import { CliToolsPage } from "../../views/pages/cli-tools.tsx";
import { CliForm, CliSnippets, type CliChoice } from "../../views/partials/cli-tools.tsx";
import { readForm, validateForm } from "./forms.ts";

/** The same name rule as POST /api/keys. */
const NewKeySchema = z.object({ newKeyName: z.string().trim().min(1, "Give the key a name").max(100, "At most 100 characters") });

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * True when the browser runs on the gateway's machine: a loopback peer, a localhost Host, and no proxy headers
 * (a reverse proxy on this machine would make every remote visitor look local).
 */
export function isLocalBrowser(c: Context): boolean {
  if (!LOOPBACK.test(clientIp(c))) return false;
  if (c.req.header("x-forwarded-for") || c.req.header("forwarded") || c.req.header("x-real-ip")) return false;
  const host = new URL(c.req.url).hostname;
  return LOCAL_HOSTS.has(host) || host.endsWith(".localhost");
}

function readChoice(form: Awaited<ReturnType<typeof readForm>>): CliChoice {
  const text = (name: string, max: number) => (form.get(name) ?? "").trim().slice(0, max);
  return { keyId: text("keyId", 100), apiKey: text("apiKey", 500), model: text("model", 200), newKeyName: text("newKeyName", 100) };
}

/** A pasted key that cannot be the chosen one (or any of this gateway's) is worth a word before it is copied everywhere. */
function keyWarning(keys: ApiKeyRow[], choice: CliChoice): string | undefined {
  if (!choice.apiKey) return undefined;
  const chosen = keys.find((k) => k.id === choice.keyId);
  if (chosen && !choice.apiKey.startsWith(chosen.keyPrefix))
    return `The pasted key does not start with "${chosen.keyPrefix}", as "${chosen.name}" does: check you pasted the right one.`;
  if (!keys.some((k) => choice.apiKey.startsWith(k.keyPrefix)))
    return "No key of this gateway starts like the pasted one: calls with it will be refused.";
  return undefined;
}

const AFTER_WRITE: Record<WritableTool, string> = {
  "claude-code": "Start a new claude session to use it.",
  codex: "Codex reads the key from OMNIROUTE_API_KEY: export it in your shell profile as shown above.",
  "gemini-cli": "Gemini CLI reads the key and base URL from GEMINI_API_KEY and GOOGLE_GEMINI_BASE_URL: export them as shown above.",
  openclaw: "If OpenClaw is running, restart it so it reads the file.",
};

function Written(p: { tool: WritableTool; r: WriteResult }) {
  return (
    <span class="form-message ok">
      {p.r.created ? "Created " : "Updated "}
      <code>{p.r.path}</code> (readable only by you).
      {p.r.backup ? (
        <>
          {" "}
          The previous file is saved as <code>{p.r.backup}</code>; its other settings were kept.
        </>
      ) : null}{" "}
      {AFTER_WRITE[p.tool]}
    </span>
  );
}

export function cliToolPages(services: Services) {
  const baseUrl = () => services.config.baseUrl;
  const input = (choice: CliChoice): ToolInput => ({ baseUrl: baseUrl(), apiKey: choice.apiKey, model: choice.model });
  const snippets = (c: Context, choice: CliChoice, oob = false) => (
    <CliSnippets
      guides={toolGuides(input(choice))}
      local={isLocalBrowser(c)}
      warning={keyWarning(services.apiKeys.list(), choice)}
      oob={oob}
    />
  );

  return (
    new Hono()
      .get("/cli-tools", async (c) => {
        const models = (await listModels(services)).map((m) => m.id);
        const choice: CliChoice = { keyId: "", apiKey: "", model: models[0] ?? "", newKeyName: "CLI tools" };
        return c.html(
          <CliToolsPage
            baseUrl={baseUrl()}
            keys={services.apiKeys.list()}
            models={models}
            choice={choice}
            guides={toolGuides(input(choice))}
            local={isLocalBrowser(c)}
            defaultPassword={services.password.isDefault()}
          />,
        );
      })
      // Snippets for the form as it stands (POST: the key travels in the body, never in a URL).
      .post("/partials/cli-tools/snippets", async (c) => c.html(snippets(c, readChoice(await readForm(c)))))
      .post("/partials/cli-tools/key", async (c) => {
        const choice = readChoice(await readForm(c));
        const models = (await listModels(services)).map((m) => m.id);
        const parsed = validateForm(NewKeySchema, { newKeyName: choice.newKeyName });
        if (!parsed.ok)
          return c.html(<CliForm keys={services.apiKeys.list()} models={models} choice={choice} errors={parsed.errors} />, 422);
        const { row, key } = await services.apiKeys.create(parsed.data.newKeyName, []);
        const next = { ...choice, keyId: row.id, apiKey: key };
        return c.html(
          <>
            <CliForm
              keys={services.apiKeys.list()}
              models={models}
              choice={next}
              created={`Key "${row.name}" created and filled in. Copy it now: it is shown only this once.`}
            />
            {snippets(c, next, true)}
          </>,
        );
      })
      .post("/partials/cli-tools/write/:tool", async (c) => {
        const tool = c.req.param("tool");
        if (!isWritableTool(tool)) throw new GatewayError("not_found", `There is no config file to write for "${tool}".`);
        if (!isLocalBrowser(c)) {
          throw new GatewayError(
            "permission",
            "Config files are written only when the browser runs on the gateway's machine (opened via localhost).",
            { code: "not_local" },
          );
        }
        const choice = readChoice(await readForm(c));
        if (!choice.model) throw new GatewayError("unprocessable", "Choose a model first.", { param: "model" });
        if (KEY_IN_FILE.has(tool) && !choice.apiKey)
          throw new GatewayError("unprocessable", "Paste the key (or create one) first: it goes into this file.", { param: "apiKey" });
        const result = writeToolConfig(tool, input(choice), { home: homedir() });
        return c.html(<Written tool={tool} r={result} />);
      })
  );
}
