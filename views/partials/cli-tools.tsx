// CLI tools: the key/model form and each tool's snippets, with copy buttons and "Write config" where it is safe.
/** @jsxImportSource hono/jsx */
import type { ApiKeyRow } from "../../src/db/queries/api-keys.ts";
import type { ToolGuide } from "../../src/cli-tools/snippets.ts";
import { hx } from "../components/attrs.ts";
import { Field, FormMessage, type FieldErrors } from "../components/form.tsx";

export interface CliChoice {
  keyId: string;
  apiKey: string;
  model: string;
  newKeyName: string;
}

export function CliForm(p: { keys: ApiKeyRow[]; models: string[]; choice: CliChoice; errors?: FieldErrors; created?: string }) {
  return (
    <form
      id="cli-form"
      {...hx({
        post: "/dashboard/partials/cli-tools/snippets",
        trigger: "submit, input changed delay:400ms, change",
        target: "#cli-snippets",
        swap: "outerHTML",
      })}
    >
      <div class="grid">
        <label for="f-keyId">
          API key (by name)
          <select id="f-keyId" name="keyId" aria-describedby="f-keyId-help">
            <option value="">None chosen</option>
            {p.keys.map((k) => (
              <option value={k.id} selected={k.id === p.choice.keyId}>
                {k.name} ({k.keyPrefix}…)
              </option>
            ))}
          </select>
          <small id="f-keyId-help">Keys are stored hashed, so the gateway cannot show one again: paste it below.</small>
        </label>
        <label for="f-apiKey">
          The key itself
          <input
            id="f-apiKey"
            name="apiKey"
            class="secret"
            value={p.choice.apiKey}
            placeholder="sk-…"
            autocomplete="off"
            spellcheck={false}
            aria-describedby="f-apiKey-help"
          />
          <small id="f-apiKey-help">Used only to fill the snippets on this page.</small>
        </label>
        <label for="f-model">
          Model
          <input
            id="f-model"
            name="model"
            value={p.choice.model}
            list="model-options"
            placeholder="cc/claude-sonnet-4-5"
            autocomplete="off"
            spellcheck={false}
          />
          <datalist id="model-options">
            {p.models.map((m) => (
              <option value={m} />
            ))}
          </datalist>
          <small>
            {p.models.length
              ? "Any model or combo this gateway serves; type to search."
              : "No provider connected yet: any name you type is used."}
          </small>
        </label>
      </div>
      <fieldset>
        <legend>No key at hand?</legend>
        <div class="grid">
          <Field name="newKeyName" label="Name for a new key" value={p.choice.newKeyName} errors={p.errors} />
          <div>
            <button
              type="button"
              class="secondary"
              {...hx({ post: "/dashboard/partials/cli-tools/key", include: "closest form", target: "#cli-form", swap: "outerHTML" })}
            >
              Create a new key
            </button>
          </div>
        </div>
      </fieldset>
      <FormMessage ok={p.created} error={p.errors?._form} />
    </form>
  );
}

function WriteButton(p: { guide: ToolGuide; local: boolean }) {
  if (!p.guide.file) return null;
  const target = `write-${p.guide.id}`;
  return (
    <div>
      <button
        type="button"
        class="secondary"
        disabled={!p.local}
        aria-describedby={target}
        {...hx({
          post: `/dashboard/partials/cli-tools/write/${p.guide.id}`,
          include: "#cli-form",
          target: `#${target}`,
          swap: "innerHTML",
          confirm: `Write ~/${p.guide.file} on the gateway's machine? An existing file is backed up first and its other settings are kept.`,
        })}
      >
        Write config to ~/{p.guide.file}
      </button>
      <p id={target} role="status" aria-live="polite">
        {p.local ? null : <small class="muted">Only when this browser runs on the gateway's own machine (opened via localhost).</small>}
      </p>
    </div>
  );
}

export function ToolCard(p: { guide: ToolGuide; local: boolean }) {
  const g = p.guide;
  return (
    <article id={`tool-${g.id}`}>
      <header>
        <h2 style="font-size:1.2rem;margin:0">{g.name}</h2>
        <small>{g.intro}</small>
      </header>
      {g.snippets.map((s) => (
        <section>
          <h3 style="font-size:.95rem">{s.label}</h3>
          <pre class="code" id={`snip-${s.id}`} tabindex={0} aria-label={`${g.name}: ${s.label}`}>
            <code>{s.text}</code>
          </pre>
          <button
            type="button"
            class="small secondary outline"
            data-copy-target={`#snip-${s.id}`}
            aria-label={`Copy ${g.name}: ${s.label}`}
          >
            Copy
          </button>
        </section>
      ))}
      {g.notes.length ? (
        <ul>
          {g.notes.map((n) => (
            <li>
              <small>{n}</small>
            </li>
          ))}
        </ul>
      ) : null}
      <WriteButton guide={g} local={p.local} />
    </article>
  );
}

export function CliSnippets(p: { guides: ToolGuide[]; local: boolean; warning?: string; oob?: boolean }) {
  return (
    <div id="cli-snippets" {...(p.oob ? { "hx-swap-oob": "true" } : {})}>
      {p.warning ? (
        <p class="form-message error" role="alert">
          {p.warning}
        </p>
      ) : null}
      {p.guides.map((g) => (
        <ToolCard guide={g} local={p.local} />
      ))}
    </div>
  );
}
