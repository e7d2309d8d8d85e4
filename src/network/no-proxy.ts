// NO_PROXY matching as curl and most tools read it: `*`, host names with their subdomains, IPs, IPv4 CIDR, optional :port.

interface Rule {
  /** Lower-case host or domain, without a leading `.` or `*.`; empty for `*`. */
  host: string;
  port?: number;
  cidr?: { base: number; mask: number };
}

/** Split a NO_PROXY value (commas or spaces) into entries. */
export function splitNoProxy(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function ipv4(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function parseRule(entry: string): Rule | undefined {
  let text = entry.toLowerCase();
  if (text === "*") return { host: "" };
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    text = bracketed[1]!;
    port = bracketed[2] ? Number(bracketed[2]) : undefined;
  } else {
    const withPort = /^([^:]+):(\d+)$/.exec(text);
    if (withPort) {
      text = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (cidr) {
    const base = ipv4(cidr[1]!);
    const bits = Number(cidr[2]);
    if (base === undefined || bits > 32) return undefined;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { host: text, port, cidr: { base: (base & mask) >>> 0, mask } };
  }
  text = text.replace(/^\*?\./, "");
  return text ? { host: text, port } : undefined;
}

/** Whether a request to `url` skips proxies under these NO_PROXY entries. */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  if (entries.length === 0) return false;
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const address = ipv4(host);
  for (const entry of entries) {
    const rule = parseRule(entry);
    if (!rule) continue;
    if (rule.port !== undefined && rule.port !== port) continue;
    if (rule.host === "") return true;
    if (rule.cidr) {
      if (address !== undefined && (address & rule.cidr.mask) >>> 0 === rule.cidr.base) return true;
      continue;
    }
    if (host === rule.host || host.endsWith(`.${rule.host}`)) return true;
  }
  return false;
}
