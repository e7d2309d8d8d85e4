// The IP allow/deny list (settings.ipFilter) for client routes: exact addresses or CIDR ranges, IPv4 and IPv6.
import { BlockList, isIP } from "node:net";
import type { Context } from "hono";
import { GatewayError } from "../canonical/errors.ts";
import { assertNever } from "../canonical/response.ts";
import type { SettingsStore } from "../settings/store.ts";
import type { Settings } from "../settings/schema.ts";
import { clientIp } from "./login.ts";

/** The settings that hold the allow or deny list. */
export interface IpFilterDeps {
  settings: Pick<SettingsStore, "get">;
}

export interface IpRule {
  address: string;
  family: "ipv4" | "ipv6";
  /** Set for a CIDR range. */
  prefix?: number;
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 as an IPv6 socket reports it. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** One list entry ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32"), or undefined when it is neither an address nor a range. */
export function parseIpRule(entry: string): IpRule | undefined {
  const [rawAddress, rawPrefix, ...rest] = entry.trim().split("/");
  if (!rawAddress || rest.length) return undefined;
  const address = unmapped(rawAddress);
  const version = isIP(address);
  if (version === 0 || address.includes("%")) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  if (rawPrefix === undefined) return { address, family };
  if (!/^\d{1,3}$/.test(rawPrefix)) return undefined;
  const prefix = Number(rawPrefix);
  if (prefix > (family === "ipv4" ? 32 : 128)) return undefined;
  return { address, family, prefix };
}

/** The entries of a list that are not an address or a range (to show next to the field). */
export function invalidIpEntries(list: readonly string[]): string[] {
  return list.filter((entry) => !parseIpRule(entry));
}

export function compileIpList(list: readonly string[]): BlockList {
  const blocks = new BlockList();
  for (const entry of list) {
    const rule = parseIpRule(entry);
    if (!rule) continue;
    if (rule.prefix === undefined) blocks.addAddress(rule.address, rule.family);
    else blocks.addSubnet(rule.address, rule.prefix, rule.family);
  }
  return blocks;
}

/** True when the list matches the address. An unknown address matches nothing. */
export function ipMatches(blocks: BlockList, ip: string): boolean {
  const address = unmapped(ip);
  const version = isIP(address);
  if (version === 0) return false;
  return blocks.check(address, version === 4 ? "ipv4" : "ipv6");
}

/** Whether a client at `ip` may call: allow mode admits only listed addresses, deny mode refuses them. */
export function ipAllowed(mode: Settings["ipFilter"]["mode"], blocks: BlockList, ip: string): boolean {
  switch (mode) {
    case "off":
      return true;
    case "allow":
      return ipMatches(blocks, ip);
    case "deny":
      return !ipMatches(blocks, ip);
    default:
      return assertNever(mode, "ip filter mode");
  }
}

/** The check of every client route: the 403 to answer when the IP filter refuses the caller, or undefined. */
export function ipCheck(deps: IpFilterDeps): (c: Context) => GatewayError | undefined {
  // Settings are replaced whole on every update, so the list's identity says when to recompile.
  const compiled = new WeakMap<readonly string[], BlockList>();
  return (c) => {
    const { mode, list } = deps.settings.get().ipFilter;
    if (mode === "off") return undefined;
    let blocks = compiled.get(list);
    if (!blocks) compiled.set(list, (blocks = compileIpList(list)));
    const ip = clientIp(c);
    if (ipAllowed(mode, blocks, ip)) return undefined;
    return new GatewayError("permission", `Requests from ${ip} are not allowed by this gateway's IP filter.`, { code: "ip_not_allowed" });
  };
}
