// A tiny leveled logger to stderr; LOG_LEVEL picks what shows. Never given secrets, but for a generated password shown once (log.always).
type Level = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold = ORDER[(process.env.LOG_LEVEL as Level) ?? "info"] ?? ORDER.info;

export function setLogLevel(level: Level): void {
  threshold = ORDER[level];
}

function emit(level: Level, message: string, detail?: unknown) {
  if (ORDER[level] < threshold) return;
  const suffix = detail === undefined ? "" : ` ${detail instanceof Error ? detail.stack ?? detail.message : JSON.stringify(detail)}`;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}\n`);
}

export const log = {
  debug: (m: string, d?: unknown) => emit("debug", m, d),
  info: (m: string, d?: unknown) => emit("info", m, d),
  warn: (m: string, d?: unknown) => emit("warn", m, d),
  error: (m: string, d?: unknown) => emit("error", m, d),
  /** Shown whatever LOG_LEVEL says: a fact the operator must see once (a generated password). */
  always: (m: string) => process.stderr.write(`${new Date().toISOString()} NOTICE ${m}\n`),
};
