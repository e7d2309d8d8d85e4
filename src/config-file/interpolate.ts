// `${VAR}` and `${VAR:-default}` in a configuration file's values, read from the environment; `$${` writes a literal `${`.

export type Path = Array<string | number>;

export interface Interpolation {
  value: unknown;
  /** Variables that are not set (and have no default), where they were asked for. */
  missing: Array<{ path: Path; variable: string }>;
  /** `${` not followed by a variable name and `}`. */
  malformed: Array<{ path: Path; text: string }>;
  /** Values that were one placeholder and nothing else: typed by the schema (a number or boolean when it wants one). */
  whole: Path[];
  /** Values that came from at least one placeholder (secrets must). */
  fromEnvironment: Set<string>;
}

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export const pathKey = (path: Path): string => path.join("\u0000");

/** Substitute every placeholder in the string values of `input` (keys are left as written). */
export function interpolate(input: unknown, env: Record<string, string | undefined>): Interpolation {
  const out: Interpolation = { value: undefined, missing: [], malformed: [], whole: [], fromEnvironment: new Set() };

  const substitute = (text: string, path: Path): string => {
    let result = "";
    let used = false;
    let i = 0;
    while (i < text.length) {
      if (text.startsWith("$${", i)) {
        result += "${";
        i += 3;
        continue;
      }
      if (!text.startsWith("${", i)) {
        result += text[i++];
        continue;
      }
      const end = text.indexOf("}", i + 2);
      const match = end < 0 ? null : NAME.exec(text.slice(i + 2, end));
      if (!match) {
        out.malformed.push({ path, text: text.slice(i, end < 0 ? undefined : end + 1) });
        result += text.slice(i, end < 0 ? undefined : end + 1);
        i = end < 0 ? text.length : end + 1;
        continue;
      }
      const [, variable, fallback] = match;
      const value = env[variable!];
      used = true;
      if (fallback !== undefined && (value === undefined || value === "")) result += fallback;
      else if (value === undefined) out.missing.push({ path, variable: variable! });
      else result += value;
      i = end + 1;
    }
    if (used) out.fromEnvironment.add(pathKey(path));
    if (used && /^\$\{[^}]*\}$/.test(text)) out.whole.push(path);
    return result;
  };

  const walk = (value: unknown, path: Path): unknown => {
    if (typeof value === "string") return substitute(value, path);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  out.value = walk(input, []);
  return out;
}
