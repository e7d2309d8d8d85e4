// DNS-rebinding guard: the gateway answers only the host names it is known by; any other Host is a 421 on every route.
import { isIP } from "node:net";
import { GatewayError } from "../canonical/errors.ts";
import type { EnvConfig } from "../config.ts";
import { isLoopbackHost } from "../network/loopback.ts";

/** The host of a Host header value (`Example.com:20128`, `[::1]:80`), lowercase, without port or brackets. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (bracketed) return bracketed[1]!;
  const name = isIP(h) === 6 ? h : h.replace(/:\d*$/, "");
  return name.replace(/\.$/, "");
}

/** The names this gateway answers to besides loopback and IP literals: the BASE_URL host, ALLOWED_HOSTS, a named bind address. */
export function knownHostNames(config: Pick<EnvConfig, "baseUrl" | "allowedHosts" | "hostname">): Set<string> {
  const names = new Set(config.allowedHosts);
  try {
    names.add(hostOf(new URL(config.baseUrl).host));
  } catch {
    // BASE_URL is validated as a URL at startup
  }
  if (!isIP(config.hostname) && config.hostname !== "localhost") names.add(hostOf(config.hostname));
  return names;
}

/**
 * True when a request naming `host` may be answered. Loopback names and IP literals always may: a rebinding page
 * reaches the gateway under its own domain name, never under an address. `*` in ALLOWED_HOSTS turns the check off.
 */
export function isKnownHost(host: string, names: ReadonlySet<string>): boolean {
  if (names.has("*") || isLoopbackHost(host) || isIP(host) !== 0) return true;
  return names.has(host);
}

/** Host header values whose verdict is remembered: a gateway sees a handful; a flood of made-up ones only refills it. */
const REMEMBERED_HOSTS = 256;

/**
 * The check every request passes first: given the Host header (or the URL's host), the 421 to answer when this gateway
 * is not known by that name, or undefined when it is.
 */
export function hostCheck(config: Pick<EnvConfig, "baseUrl" | "allowedHosts" | "hostname">): (header: string) => GatewayError | undefined {
  const names = knownHostNames(config);
  // Header value -> its host when that host may not be answered, null when it may: parsing it (regexes, an IPv6
  // check) once per value rather than once per request.
  const verdicts = new Map<string, string | null>();
  return (header) => {
    let refused = verdicts.get(header);
    if (refused === undefined) {
      const host = hostOf(header);
      refused = isKnownHost(host, names) ? null : host;
      if (verdicts.size >= REMEMBERED_HOSTS) verdicts.clear();
      verdicts.set(header, refused);
    }
    if (refused === null) return undefined;
    return new GatewayError(
      "permission",
      `This gateway does not answer to the host name "${refused}". If that is its own address, add it to ALLOWED_HOSTS (or set BASE_URL to the URL people use) and restart.`,
      { status: 421, code: "misdirected_request" },
    );
  };
}
