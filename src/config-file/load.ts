// Reads a configuration file: YAML, `${VAR}` placeholders, then the API's schemas; every problem is collected before any is reported.
import type { z } from "zod";
import { interpolate, pathKey, type Path } from "./interpolate.ts";
import { locate, syntaxErrorLine } from "./locate.ts";
import { ConfigFileError, sortProblems, type ConfigProblem } from "./problems.ts";
import { ConfigFileSchema, LIST_SECTIONS, SECTIONS, isSecretField, naturalKey, type ConfigFile, type ListSection } from "./schema.ts";

/** A file past this size is refused: a configuration is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1_000_000;

export interface LoadedConfig {
  config: ConfigFile;
  /** Where it came from (a path, or "request body"), for messages. */
  source: string;
  text: string;
}

type Env = Record<string, string | undefined>;

const isList = (s: unknown): s is ListSection => (LIST_SECTIONS as readonly unknown[]).includes(s);

/** Section, item (by natural key) and field of a path into the file. */
function placeOf(raw: unknown, path: Path): Pick<ConfigProblem, "section" | "item" | "field"> {
  const [section, index, ...rest] = path;
  if (section === undefined) return {};
  if (isList(section) && typeof index === "number") {
    const items = (raw as Record<string, unknown>)[section];
    const key = Array.isArray(items) ? naturalKey(section, items[index]) : undefined;
    return { section, item: key ? JSON.stringify(key) : `#${index + 1}`, field: rest.join(".") || undefined };
  }
  return { section: String(section), field: [index, ...rest].filter((s) => s !== undefined).join(".") || undefined };
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const s of path) v = v && typeof v === "object" ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent && typeof parent === "object") (parent as Record<string | number, unknown>)[path.at(-1)!] = value;
}

/** A placeholder's text becomes a number or boolean where the schema wants one (`port: ${PROXY_PORT}`). */
function typedCandidates(value: unknown, whole: Path[]): Array<{ path: Path; typed: number | boolean }> {
  return whole.flatMap((path): Array<{ path: Path; typed: number | boolean }> => {
    const v = valueAt(value, path);
    if (typeof v !== "string") return [];
    if (v === "true" || v === "false") return [{ path, typed: v === "true" }];
    return v.trim() !== "" && Number.isFinite(Number(v)) ? [{ path, typed: Number(v) }] : [];
  });
}

function parseTyped(value: unknown, whole: Path[]) {
  let result = ConfigFileSchema.safeParse(value);
  for (const { path, typed } of typedCandidates(value, whole)) {
    if (result.success) break;
    const touches = result.error.issues.some((i) => pathKey(path).startsWith(pathKey(i.path as Path)));
    if (!touches) continue;
    const before = valueAt(value, path);
    setAt(value, path, typed);
    const retry = ConfigFileSchema.safeParse(value);
    if (retry.success || retry.error.issues.length < result.error.issues.length) result = retry;
    else setAt(value, path, before);
  }
  return result;
}

function issueProblems(issue: z.core.$ZodIssue, raw: unknown, value: unknown, text: string, secret: (p: Path) => boolean): ConfigProblem[] {
  const path = issue.path as Path;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const full = [...path, key];
      if (!path.length) return { section: key, line: locate(text, full), message: `unknown section (the file has ${SECTIONS.join(", ")})` };
      return { ...placeOf(raw, full), line: locate(text, full), message: "unknown field" };
    });
  }
  const got = valueAt(value, path);
  const written = valueAt(raw, path);
  const scalar = typeof got === "string" || typeof got === "number" || typeof got === "boolean";
  const from = written !== got && typeof written === "string" ? ` from ${written}` : "";
  const shown = !secret(path) && scalar ? ` (got ${JSON.stringify(got)}${from})` : "";
  const message = issue.code === "invalid_type" && got === undefined ? "is required" : `${issue.message}${shown}`;
  return [{ ...placeOf(raw, path), line: locate(text, path), message }];
}

/** Parse and validate a configuration; throws ConfigFileError listing every problem. */
export function parseConfig(text: string, source: string, env: Env = process.env): LoadedConfig {
  let raw: unknown;
  try {
    raw = Bun.YAML.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^YAML Parse error:\s*/, "") : String(err);
    throw new ConfigFileError(source, [{ line: syntaxErrorLine(text), message: `not valid YAML: ${reason}` }]);
  }
  if (raw === null || raw === undefined) raw = {};
  if (Array.isArray(raw) || typeof raw !== "object") {
    throw new ConfigFileError(source, [
      { message: "must be one YAML document whose top level is a mapping of sections (nodes, providers, combos, ...)" },
    ]);
  }

  const env2 = interpolate(raw, env);
  const problems: ConfigProblem[] = [];
  const missingAt = new Set(env2.missing.map((m) => pathKey(m.path)));
  for (const m of env2.missing) {
    problems.push({
      ...placeOf(raw, m.path),
      line: locate(text, m.path),
      message: `the environment variable ${m.variable} is not set (write \${${m.variable}:-default} to give a default)`,
    });
  }
  for (const m of env2.malformed) {
    problems.push({
      ...placeOf(raw, m.path),
      line: locate(text, m.path),
      message: `"${m.text}" is not a placeholder: write \${NAME} or \${NAME:-default} (or $\${ for a literal "\${")`,
    });
  }

  const secret = (p: Path) => isSecretField(p);
  const parsed = parseTyped(env2.value, env2.whole);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A value whose variable is missing is reported once, as the missing variable.
      if (missingAt.has(pathKey(issue.path as Path))) continue;
      problems.push(...issueProblems(issue, raw, env2.value, text, secret));
    }
  }
  problems.push(...secretsWritten(raw, env2.fromEnvironment, text), ...duplicates(raw, text));
  if (problems.length || !parsed.success) throw new ConfigFileError(source, sortProblems(problems));
  return { config: parsed.data, source, text };
}

/** Secrets written in the file itself instead of `${VAR}`. */
function secretsWritten(raw: unknown, fromEnv: Set<string>, text: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const walk = (v: unknown, path: Path) => {
    if (typeof v === "string") {
      if (isSecretField(path) && v !== "" && !fromEnv.has(pathKey(path))) {
        out.push({
          ...placeOf(raw, path),
          line: locate(text, path),
          message: "a secret is never written in the file: give it as ${VARIABLE} and set that variable in the environment",
        });
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(raw, []);
  return out;
}

/** Two items of a section with the same natural key. */
function duplicates(raw: unknown, text: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const section of LIST_SECTIONS) {
    const items = (raw as Record<string, unknown>)[section];
    if (!Array.isArray(items)) continue;
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const key = naturalKey(section, item)?.toLowerCase();
      if (key === undefined) return;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        out.push({
          ...placeOf(raw, [section, i]),
          line: locate(text, [section, i]),
          message: `declared twice (items ${first + 1} and ${i + 1}): each ${section === "models" ? "provider and modelId" : section === "nodes" ? "prefix" : "name"} may appear once`,
        });
    });
  }
  return out;
}

/** Read and parse the file at `path`. */
export async function readConfigFile(path: string, env: Env = process.env): Promise<LoadedConfig> {
  const file = Bun.file(path);
  if (!(await file.exists()))
    throw new ConfigFileError(path, [{ message: "no such file (CONFIG_FILE or --config names a file that does not exist)" }]);
  if (file.size > MAX_CONFIG_BYTES) throw new ConfigFileError(path, [{ message: `larger than ${MAX_CONFIG_BYTES} bytes` }]);
  return parseConfig(await file.text(), path, env);
}
