// Tool names within Kiro's 64-character limit, and the client's own names back on the answer.
//
// Kiro rejects longer tool names; gateways shorten them to a prefix plus a hash (AIClient-2-API claude-kiro.js
// shortenKiroToolName, KIRO_MAX_TOOL_NAME_LENGTH = 64) and map the name back on each tool call.

const MAX = 64;

function shorten(name: string): string {
  if (name.length <= MAX) return name;
  const hash = new Bun.CryptoHasher("sha256").update(name).digest("hex").slice(0, 12);
  return `${name.slice(0, MAX - hash.length - 1)}_${hash}`;
}

export class ToolNames {
  private readonly fromKiroNames = new Map<string, string>();

  constructor(names: string[]) {
    for (const name of names) this.fromKiroNames.set(shorten(name), name);
  }

  toKiro(name: string): string {
    return shorten(name);
  }

  fromKiro(name: string): string {
    return this.fromKiroNames.get(name) ?? name;
  }
}
