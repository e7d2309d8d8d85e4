// Wildcard model aliases: `*` any run of characters, `?` one character; the most specific pattern wins.

export interface WildcardAlias {
  pattern: string;
  target: string;
}

function toRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Literal characters count most; fewer `*` breaks ties (so `claude-sonnet-*` beats `claude-*` beats `*`). */
function specificity(pattern: string): number {
  const literal = pattern.replace(/[*?]/g, "").length;
  const stars = (pattern.match(/\*/g) ?? []).length;
  return literal * 100 - stars;
}

export interface AliasMatcher {
  match(name: string): string | undefined;
}

export function createAliasMatcher(aliases: readonly WildcardAlias[]): AliasMatcher {
  const compiled = aliases.map((a) => ({ ...a, re: toRegExp(a.pattern), score: specificity(a.pattern) })).sort((a, b) => b.score - a.score);
  return {
    match(name) {
      return compiled.find((a) => a.re.test(name))?.target;
    },
  };
}
