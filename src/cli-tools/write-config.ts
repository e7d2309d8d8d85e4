// "Write config": merge this gateway into a tool's config file under a home folder, after a backup, mode 0600.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { GatewayError } from "../canonical/errors.ts";
import {
  claudeEnv,
  codexProviderTable,
  geminiSettings,
  openClawPrimary,
  openClawProvider,
  PROVIDER_ID,
  rootUrl,
  WRITABLE_FILES,
  type ToolInput,
} from "./snippets.ts";

export type WritableTool = keyof typeof WRITABLE_FILES;

export function isWritableTool(id: string): id is WritableTool {
  return Object.hasOwn(WRITABLE_FILES, id);
}

/** Tools whose file holds the key itself (Codex and Gemini CLI read it from an environment variable). */
export const KEY_IN_FILE: ReadonlySet<WritableTool> = new Set(["claude-code", "openclaw"]);

export interface WriteResult {
  path: string;
  /** The copy of the file as it was, when there was one. */
  backup?: string;
  created: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Sets obj.a.b.c = value, keeping every sibling key; a non-object on the way is replaced. */
function setPath(obj: Json, path: string[], value: unknown): void {
  let at = obj;
  for (const key of path.slice(0, -1)) {
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as Json;
  }
  at[path[path.length - 1]!] = value;
}

function parseJsonObject(text: string, path: string): Json {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError("unprocessable", `${path} is not plain JSON (comments?), so it was left alone: paste the snippet by hand.`, {
      code: "config_unreadable",
    });
  }
  if (!isObject(parsed))
    throw new GatewayError("unprocessable", `${path} does not hold a JSON object, so it was left alone.`, { code: "config_unreadable" });
  return parsed;
}

export function mergeJsonConfig(tool: Exclude<WritableTool, "codex">, existing: Json, i: ToolInput): Json {
  const out = structuredClone(existing);
  switch (tool) {
    case "claude-code":
      out.env = { ...(isObject(out.env) ? out.env : {}), ...claudeEnv(i) };
      break;
    case "gemini-cli": {
      const s = geminiSettings(i);
      setPath(out, ["security", "auth", "selectedType"], s.security.auth.selectedType);
      setPath(out, ["model", "name"], s.model.name);
      break;
    }
    case "openclaw":
      setPath(out, ["models", "providers", PROVIDER_ID], openClawProvider(i));
      setPath(out, ["agents", "defaults", "model", "primary"], openClawPrimary(i));
      break;
  }
  return out;
}

const isTableHeader = (line: string) => /^\s*\[/.test(line);
const isOurTable = (line: string) => new RegExp(`^\\s*\\[\\s*model_providers\\s*\\.\\s*("?)${PROVIDER_ID}\\1\\s*[.\\]]`).test(line);

/**
 * Codex's config.toml, edited as text so comments and layout survive: root `model`/`model_provider` set first,
 * our [model_providers.omniroute] table replaced at the end. The result is parsed back and must keep every
 * other value of the original, or nothing is written.
 */
export function mergeCodexToml(existing: string, i: ToolInput, path = "config.toml"): string {
  let before: Json = {};
  try {
    before = Bun.TOML.parse(existing) as Json;
  } catch {
    throw new GatewayError("unprocessable", `${path} is not valid TOML, so it was left alone: fix it or paste the snippet by hand.`, {
      code: "config_unreadable",
    });
  }
  const lines = existing.split(/\r?\n/);
  const firstTable = lines.findIndex(isTableHeader);
  const rootEnd = firstTable === -1 ? lines.length : firstTable;
  const root = lines.slice(0, rootEnd).filter((l) => !/^\s*(model|model_provider)\s*=/.test(l));
  const tables: string[] = [];
  let skipping = false;
  for (const line of lines.slice(rootEnd)) {
    if (isTableHeader(line)) skipping = isOurTable(line);
    if (!skipping) tables.push(line);
  }
  const trim = (block: string[]) => block.join("\n").replace(/^\n+|\s+$/g, "");
  const parts = [`model = ${JSON.stringify(i.model)}\nmodel_provider = "${PROVIDER_ID}"`, trim(root), trim(tables), codexProviderTable(i)];
  const text = `${parts.filter(Boolean).join("\n\n")}\n`;

  let after: Json;
  try {
    after = Bun.TOML.parse(text) as Json;
  } catch {
    throw new GatewayError("unprocessable", `${path} could not be merged safely, so it was left alone: paste the snippet by hand.`, {
      code: "config_unmergeable",
    });
  }
  const providers = isObject(after.model_providers) ? after.model_providers : {};
  const kept = Object.entries(before).every(([key, value]) => {
    if (key === "model" || key === "model_provider") return true;
    if (key !== "model_providers" || !isObject(value)) return isDeepStrictEqual(after[key], value);
    return Object.entries(value).every(([id, v]) => id === PROVIDER_ID || isDeepStrictEqual(providers[id], v));
  });
  const ours = providers[PROVIDER_ID];
  if (!kept || after.model !== i.model || after.model_provider !== PROVIDER_ID || !isObject(ours) || ours.base_url !== `${i.baseUrl}/v1`) {
    throw new GatewayError("unprocessable", `${path} could not be merged safely, so it was left alone: paste the snippet by hand.`, {
      code: "config_unmergeable",
    });
  }
  return text;
}

/** `2025-01-31T12-00-00-000Z`: a timestamp safe in a file name. */
function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, "-");
}

/**
 * Writes the tool's config under `home`: an existing file is copied to `<file>.bak-<timestamp>` first and merged
 * (other keys kept); the new file replaces it atomically with mode 0600.
 */
export function writeToolConfig(tool: WritableTool, input: ToolInput, opts: { home: string; now?: Date }): WriteResult {
  const i = { ...input, baseUrl: rootUrl(input.baseUrl) };
  const path = join(opts.home, WRITABLE_FILES[tool]);
  const existed = existsSync(path);
  const current = existed ? readFileSync(path, "utf8") : "";
  const text =
    tool === "codex"
      ? mergeCodexToml(current, i, path)
      : `${JSON.stringify(mergeJsonConfig(tool, parseJsonObject(current, path), i), null, 2)}\n`;

  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  if (existed) {
    backup = `${path}.bak-${stamp(opts.now ?? new Date())}`;
    copyFileSync(path, backup);
    chmodSync(backup, 0o600);
  }
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return { path, backup, created: !existed };
}
