// A tiny leveled logger to stderr; LOG_LEVEL picks what shows, LOG_FORMAT=json makes each line a JSON object. Never given
// secrets, but for a generated password shown once (log.always).
type Level = "debug" | "info" | "warn" | "error" | "silent";
type Written = Exclude<Level, "silent">;
export type LogFormat = "text" | "json";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold = ORDER[(process.env.LOG_LEVEL as Level) ?? "info"] ?? ORDER.info;
let format: LogFormat = process.env.LOG_FORMAT === "json" ? "json" : "text";

export function setLogLevel(level: Level): void {
  threshold = ORDER[level];
}

export function setLogFormat(to: LogFormat): void {
  format = to;
}

export function logFormat(): LogFormat {
  return format;
}

/** One line as a person reads it: time, level, message, then the detail. */
function textLine(level: Written, message: string, detail: unknown): string {
  const suffix = detail === undefined ? "" : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`;
  return `${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}\n`;
}

/** One line as a log shipper reads it: {time, level, message, ...fields}; an error's message and stack under `error`. */
function jsonLine(level: Written, message: string, detail: unknown): string {
  const time = new Date().toISOString();
  let fields: Record<string, unknown> = {};
  if (detail instanceof Error) fields = { error: { name: detail.name, message: detail.message, stack: detail.stack } };
  else if (detail !== null && typeof detail === "object" && !Array.isArray(detail)) fields = detail as Record<string, unknown>;
  else if (detail !== undefined) fields = { detail };
  // The fixed keys come first and cannot be overwritten by a field of the same name.
  const line: Record<string, unknown> = { time, level, message };
  for (const [key, value] of Object.entries(fields)) if (!(key in line)) line[key] = value;
  return `${JSON.stringify(line, jsonSafe)}\n`;
}

/** BigInts and errors nested in fields still serialize. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function write(level: Written, message: string, detail?: unknown) {
  process.stderr.write(format === "json" ? jsonLine(level, message, detail) : textLine(level, message, detail));
}

function emit(level: Written, message: string, detail?: unknown) {
  if (ORDER[level] < threshold) return;
  write(level, message, detail);
}

export const log = {
  debug: (m: string, d?: unknown) => emit("debug", m, d),
  info: (m: string, d?: unknown) => emit("info", m, d),
  warn: (m: string, d?: unknown) => emit("warn", m, d),
  error: (m: string, d?: unknown) => emit("error", m, d),
  /** Why the process stops: written whatever LOG_LEVEL says. */
  fatal: (m: string, d?: unknown) => write("error", m, d),
  /** Shown whatever LOG_LEVEL says: a fact the operator must see once (a generated password). */
  always: (m: string) => write("info", m),
};
