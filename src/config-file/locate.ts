// Line numbers for a configuration file's problems: a path's key found in block-style YAML by its indentation.
import type { Path } from "./interpolate.ts";

interface Line {
  no: number;
  /** Column of the first character. */
  indent: number;
  /** The line starts a sequence item (`- `). */
  dash: boolean;
  /** Column where the mapping key (or value) starts, after any `- `. */
  keyPos: number;
  key?: string;
}

const KEY = /^(?:"([^"]*)"|'([^']*)'|([^\s#'"][^:#]*?))\s*:(?:\s|$)/;

function scan(text: string): Line[] {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const content = raw.trimStart();
    if (!content || content.startsWith("#") || content === "---") return;
    const indent = raw.length - content.length;
    let rest = content;
    let keyPos = indent;
    const dash = /^-(\s|$)/.test(rest);
    while (/^-(\s|$)/.test(rest)) {
      const after = rest.slice(1).trimStart();
      keyPos += rest.length - after.length;
      rest = after;
    }
    const m = KEY.exec(rest);
    lines.push({ no: i + 1, indent, dash, keyPos, key: m ? (m[1] ?? m[2] ?? m[3]) : undefined });
  });
  return lines;
}

/** The line of the deepest part of `path` that can be found (the item, or at least the section); undefined if none. */
export function locate(text: string, path: Path): number | undefined {
  const lines = scan(text);
  let start = 0;
  let end = lines.length;
  let parentPos = -1;
  let found: number | undefined;
  for (const segment of path) {
    const range = lines.slice(start, end);
    if (typeof segment === "number") {
      const dashes = range.filter((l) => l.dash && l.indent > parentPos - 1);
      if (!dashes.length) break;
      const indent = Math.min(...dashes.map((l) => l.indent));
      const items = range.map((l, i) => ({ l, i: start + i })).filter(({ l }) => l.dash && l.indent === indent);
      const item = items[segment];
      if (!item) break;
      found = item.l.no;
      const next = lines
        .slice(item.i + 1, end)
        .findIndex((l) => l.indent < indent || (l.dash && l.indent === indent) || (!l.dash && l.keyPos <= indent));
      start = item.i;
      end = next < 0 ? end : item.i + 1 + next;
      parentPos = item.l.keyPos - 1;
      continue;
    }
    const keyed = range.map((l, i) => ({ l, i: start + i })).filter(({ l }) => l.key !== undefined && l.keyPos > parentPos);
    if (!keyed.length) break;
    const pos = Math.min(...keyed.map(({ l }) => l.keyPos));
    const hit = keyed.find(({ l }) => l.keyPos === pos && l.key === segment);
    if (!hit) break;
    found = hit.l.no;
    const next = lines.slice(hit.i + 1, end).findIndex((l) => (l.dash ? l.indent < pos : l.keyPos <= pos));
    start = hit.i + 1;
    end = next < 0 ? end : hit.i + 1 + next;
    parentPos = pos;
  }
  return found;
}

/**
 * Where a YAML syntax error is: Bun's parser reports no position, so the line after the longest start of the
 * file that parses (at most a few thousand small parses, only when the file is already known to be broken).
 */
export function syntaxErrorLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  if (lines.length > 5000) return undefined;
  for (let n = lines.length - 1; n >= 0; n--) {
    try {
      Bun.YAML.parse(lines.slice(0, n).join("\n"));
      return n + 1;
    } catch {
      // keep looking for the longest start that parses
    }
  }
  return 1;
}
