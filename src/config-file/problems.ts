// What is wrong with a configuration file: each problem names its section, item, field and line, and all are reported at once.

export interface ConfigProblem {
  /** The top-level section (`combos`), absent for the file as a whole. */
  section?: string;
  /** The item by its natural key (`"coding"`, `"openai/gpt-4o"`), or its position when it has none. */
  item?: string;
  /** The field inside the item or section, dotted (`strategy`, `models.1`, `proxy.password`). */
  field?: string;
  /** 1-based line in the file, when it could be found. */
  line?: number;
  message: string;
}

export class ConfigFileError extends Error {
  override name = "ConfigFileError";
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(describeProblems(source, problems));
  }
}

/** `line 12: combos "coding" strategy: must be one of ...` */
export function describeProblem(p: ConfigProblem): string {
  const where = [p.section, p.item, p.field].filter(Boolean).join(" ");
  return `${p.line ? `line ${p.line}: ` : ""}${where ? `${where}: ` : ""}${p.message}`;
}

export function describeProblems(source: string, problems: ConfigProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `Configuration file ${source} has ${count}; nothing was applied:\n${problems.map((p) => `  ${describeProblem(p)}`).join("\n")}`;
}

/** Problems in file order (by line, then as found). */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i)
    .map((x) => x.p);
}
