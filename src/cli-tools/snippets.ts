// Ready-to-paste configuration for each coding tool, pointed at this gateway with a chosen key and model.

export interface ToolInput {
  /** The gateway's root URL (config.baseUrl), without /v1. */
  baseUrl: string;
  apiKey: string;
  model: string;
}

export type ToolId = "claude-code" | "codex" | "gemini-cli" | "cursor" | "cline" | "openclaw";

export interface Snippet {
  id: string;
  label: string;
  language: "bash" | "json" | "toml" | "yaml" | "text";
  text: string;
}

export interface ToolGuide {
  id: ToolId;
  name: string;
  /** One line on what this sets up. */
  intro: string;
  snippets: Snippet[];
  notes: string[];
  /** The file "Write config" writes, relative to the home folder. */
  file?: string;
}

export const KEY_PLACEHOLDER = "<your-omniroute-api-key>";
export const MODEL_PLACEHOLDER = "<model>";
/** Tools whose config is a file in the home folder, which "Write config" may write. */
export const WRITABLE_FILES = {
  "claude-code": ".claude/settings.json",
  codex: ".codex/config.toml",
  "gemini-cli": ".gemini/settings.json",
  openclaw: ".openclaw/openclaw.json",
} as const;

/** The provider id this gateway gets inside Codex's and OpenClaw's configs. */
export const PROVIDER_ID = "omniroute";

/** A value for a POSIX shell, single-quoted. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** JSON strings are valid TOML basic strings and YAML double-quoted strings. */
const quote = (value: string) => JSON.stringify(value);

export function rootUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

export function filled(input: ToolInput): ToolInput {
  return {
    baseUrl: rootUrl(input.baseUrl),
    apiKey: input.apiKey.trim() || KEY_PLACEHOLDER,
    model: input.model.trim() || MODEL_PLACEHOLDER,
  };
}

/** Claude Code's env block: every model alias maps to the chosen model so background tasks stay on the gateway. */
export function claudeEnv(i: ToolInput): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: i.baseUrl,
    ANTHROPIC_AUTH_TOKEN: i.apiKey,
    ANTHROPIC_MODEL: i.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: i.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: i.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: i.model,
  };
}

export function codexProviderTable(i: ToolInput): string {
  return [
    `[model_providers.${PROVIDER_ID}]`,
    `name = "OmniRoute"`,
    `base_url = ${quote(`${i.baseUrl}/v1`)}`,
    `env_key = "OMNIROUTE_API_KEY"`,
    `wire_api = "responses"`,
  ].join("\n");
}

export function geminiSettings(i: ToolInput) {
  return { security: { auth: { selectedType: "gemini-api-key" } }, model: { name: i.model } };
}

export function openClawProvider(i: ToolInput) {
  return { baseUrl: `${i.baseUrl}/v1`, apiKey: i.apiKey, api: "openai-completions", models: [{ id: i.model, name: i.model }] };
}

export function openClawPrimary(i: ToolInput): string {
  return `${PROVIDER_ID}/${i.model}`;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const exportLines = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");

export function toolGuides(raw: ToolInput): ToolGuide[] {
  const i = filled(raw);
  const v1 = `${i.baseUrl}/v1`;
  const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(i.baseUrl);
  return [
    {
      id: "claude-code",
      name: "Claude Code",
      intro: "Speaks the Anthropic Messages API: point it at the gateway's root URL (it adds /v1/messages itself).",
      file: WRITABLE_FILES["claude-code"],
      snippets: [
        { id: "claude-env", label: "For one shell session", language: "bash", text: `${exportLines(claudeEnv(i))}\nclaude` },
        { id: "claude-settings", label: "Or for good: ~/.claude/settings.json", language: "json", text: json({ env: claudeEnv(i) }) },
      ],
      notes: [
        "Do not also set ANTHROPIC_API_KEY: Claude Code would send both headers.",
        "Run /status inside Claude Code to check the base URL it uses.",
      ],
    },
    {
      id: "codex",
      name: "Codex CLI",
      intro: 'Speaks the OpenAI Responses API (wire_api = "responses", the only value current versions accept).',
      file: WRITABLE_FILES.codex,
      snippets: [
        {
          id: "codex-config",
          label: "~/.codex/config.toml",
          language: "toml",
          text: `model = ${quote(i.model)}\nmodel_provider = "${PROVIDER_ID}"\n\n${codexProviderTable(i)}\n`,
        },
        {
          id: "codex-env",
          label: "The key, in your shell profile",
          language: "bash",
          text: `export OMNIROUTE_API_KEY=${shellQuote(i.apiKey)}\ncodex`,
        },
      ],
      notes: [
        "Codex reads the key from the variable named by env_key; it is not stored in config.toml.",
        "Root keys (model, model_provider) must come before any [table] in config.toml.",
      ],
    },
    {
      id: "gemini-cli",
      name: "Gemini CLI",
      intro: "Speaks the Gemini API: GOOGLE_GEMINI_BASE_URL is the gateway's root URL (it adds /v1beta itself).",
      file: WRITABLE_FILES["gemini-cli"],
      snippets: [
        {
          id: "gemini-env",
          label: "In your shell profile",
          language: "bash",
          text: `${exportLines({ GEMINI_API_KEY: i.apiKey, GOOGLE_GEMINI_BASE_URL: i.baseUrl })}\ngemini -m ${shellQuote(i.model)}`,
        },
        {
          id: "gemini-settings",
          label: "~/.gemini/settings.json (API-key sign-in, default model)",
          language: "json",
          text: json(geminiSettings(i)),
        },
      ],
      notes: [
        'The base URL is honoured only with API-key sign-in (security.auth.selectedType = "gemini-api-key"); a cached Google login takes precedence otherwise.',
        ...(local || i.baseUrl.startsWith("https://")
          ? []
          : ["Gemini CLI accepts a plain-http base URL only for localhost: serve the gateway over HTTPS (set BASE_URL)."]),
      ],
    },
    {
      id: "cursor",
      name: "Cursor",
      intro: "Uses the OpenAI base URL override in its settings.",
      snippets: [
        {
          id: "cursor-settings",
          label: "Cursor Settings → Models → API Keys",
          language: "text",
          text: `OpenAI API Key: ${i.apiKey}\nOverride OpenAI Base URL: ${v1}\n\nThen under Models, "+ Add model": ${i.model}`,
        },
      ],
      notes: [
        "Cursor calls the base URL from its own servers: a localhost address cannot work, the gateway needs a public HTTPS address (set BASE_URL).",
        "Tab completion and some agent features always use Cursor's own models.",
      ],
    },
    {
      id: "cline",
      name: "Cline, Roo Code, Continue",
      intro: "OpenAI-compatible provider with the gateway's /v1 URL.",
      snippets: [
        {
          id: "cline-settings",
          label: "Cline / Roo Code: API Provider settings",
          language: "text",
          text: `API Provider: OpenAI Compatible\nBase URL: ${v1}\nAPI Key: ${i.apiKey}\nModel ID: ${i.model}`,
        },
        {
          id: "continue-config",
          label: "Continue: ~/.continue/config.yaml",
          language: "yaml",
          text: `name: OmniRoute\nversion: 0.0.1\nschema: v1\nmodels:\n  - name: ${quote(`OmniRoute ${i.model}`)}\n    provider: openai\n    model: ${quote(i.model)}\n    apiBase: ${quote(v1)}\n    apiKey: ${quote(i.apiKey)}\n    roles:\n      - chat\n      - edit\n      - apply\n`,
        },
      ],
      notes: ["In Continue, a config.yaml is read instead of an older config.json."],
    },
    {
      id: "openclaw",
      name: "OpenClaw",
      intro: "A custom OpenAI-compatible provider in ~/.openclaw/openclaw.json, made the default model.",
      file: WRITABLE_FILES.openclaw,
      snippets: [
        {
          id: "openclaw-config",
          label: "~/.openclaw/openclaw.json",
          language: "json",
          text: json({
            agents: { defaults: { model: { primary: openClawPrimary(i) } } },
            models: { providers: { [PROVIDER_ID]: openClawProvider(i) } },
          }),
        },
      ],
      notes: [`Models are named "${PROVIDER_ID}/<model>" in OpenClaw.`],
    },
  ];
}
