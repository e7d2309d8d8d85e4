// Which host names and addresses stay on this machine: 127.0.0.0/8, ::1 (and ::ffff:127.x), localhost.
import { isIP } from "node:net";

/** True for a bind address or host name that only this machine can reach. `0.0.0.0` and `::` are every interface. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  const address = mapped ? mapped[1]! : h;
  const version = isIP(address);
  if (version === 4) return address.startsWith("127.");
  if (version === 6) return address === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(address);
  return false;
}
