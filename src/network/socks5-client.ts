// A SOCKS5 client handshake (RFC 1928, with RFC 1929 username/password): a TCP tunnel to host:port through the proxy.
import { isIPv4, isIPv6 } from "node:net";
import type { Socket } from "bun";
import { urlHost } from "./proxy-resolve.ts";

export interface Socks5Server {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** Where the tunnel's bytes go once it is open. */
export interface TunnelHandlers {
  data(bytes: Uint8Array): void;
  drain(): void;
  /** The proxy side ended or closed, or failed. */
  closed(): void;
}

export interface Socks5Tunnel {
  socket: Socket<undefined>;
  /** Bytes the proxy sent after its reply (the target's first bytes). */
  early: Uint8Array;
  attach(handlers: TunnelHandlers): void;
}

export class Socks5Error extends Error {
  override name = "Socks5Error";
}

const REPLIES: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by its rules",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused by the target",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

function ipv6Bytes(address: string): number[] {
  let text = address.split("%")[0]!;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1]!.split(".").map(Number));
    text = `${text.slice(0, -v4[1]!.length)}0:0`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = rest ? rest.split(":") : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right].map((g) => parseInt(g || "0", 16));
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The CONNECT request; a domain name goes as one (type 3), so the proxy resolves it. */
function connectRequest(host: string, port: number): Uint8Array {
  let address: number[];
  if (isIPv4(host)) address = [1, ...host.split(".").map(Number)];
  else if (isIPv6(host)) address = [4, ...ipv6Bytes(host)];
  else {
    const name = new TextEncoder().encode(host);
    if (name.length > 255) throw new Socks5Error(`host name too long for SOCKS5: ${host.slice(0, 40)}…`);
    address = [3, name.length, ...name];
  }
  return new Uint8Array([5, 1, 0, ...address, port >> 8, port & 0xff]);
}

function authRequest(username: string, password: string): Uint8Array {
  const user = new TextEncoder().encode(username);
  const pass = new TextEncoder().encode(password);
  if (user.length > 255 || pass.length > 255) throw new Socks5Error("SOCKS5 username and password must each be at most 255 bytes");
  return new Uint8Array([1, user.length, ...user, pass.length, ...pass]);
}

/** Length of the reply to CONNECT once enough of it has arrived, else undefined. */
function replyLength(buf: Uint8Array): number | undefined {
  if (buf.length < 5) return undefined;
  const atyp = buf[3];
  const addr = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + buf[4]! : -1;
  if (addr < 0) return -1;
  return 4 + addr + 2;
}

/** Opens a tunnel to `target` through `server`; rejects with a Socks5Error that says what went wrong. */
export function openSocks5Tunnel(server: Socks5Server, target: { host: string; port: number }, timeoutMs = 15_000): Promise<Socks5Tunnel> {
  const name = `SOCKS5 proxy ${urlHost(server.host)}:${server.port}`;
  const where = `${urlHost(target.host)}:${target.port}`;
  const withAuth = server.username !== undefined || server.password !== undefined;
  let handlers: TunnelHandlers | undefined;
  /** What arrives between the reply and attach(): held, then handed over. */
  const held: Uint8Array[] = [];
  let closedEarly = false;
  const toHandlers = {
    data: (bytes: Uint8Array) => (handlers ? handlers.data(bytes) : void held.push(bytes.slice())),
    closed: () => (handlers ? handlers.closed() : void (closedEarly = true)),
  };
  let phase: "method" | "auth" | "reply" | "open" | "failed" = "method";
  let buf = new Uint8Array(0);

  return new Promise<Socks5Tunnel>((resolve, reject) => {
    let socket: Socket<undefined> | undefined;
    const fail = (reason: string) => {
      if (phase === "open" || phase === "failed") return;
      phase = "failed";
      clearTimeout(timer);
      socket?.terminate();
      reject(new Socks5Error(`${name}: ${reason}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);

    const step = (s: Socket<undefined>) => {
      if (phase === "method") {
        if (buf.length < 2) return;
        if (buf[0] !== 5) return fail("answered with something other than SOCKS5");
        const method = buf[1];
        buf = buf.subarray(2);
        if (method === 0) {
          phase = "reply";
          s.write(connectRequest(target.host, target.port));
        } else if (method === 2 && withAuth) {
          phase = "auth";
          s.write(authRequest(server.username ?? "", server.password ?? ""));
        } else if (method === 2) {
          return fail("requires a username and password, and none is configured");
        } else {
          return fail(
            withAuth
              ? "accepts neither username/password nor no authentication"
              : "requires authentication, and no username/password is configured",
          );
        }
      }
      if (phase === "auth") {
        if (buf.length < 2) return;
        if (buf[1] !== 0) return fail("rejected the username/password");
        buf = buf.subarray(2);
        phase = "reply";
        s.write(connectRequest(target.host, target.port));
      }
      if (phase === "reply") {
        const length = replyLength(buf);
        if (length === undefined || buf.length < length) {
          if (length === -1) fail("sent a malformed reply");
          return;
        }
        if (buf[0] !== 5) return fail("sent a malformed reply");
        if (buf[1] !== 0) return fail(`could not connect to ${where}: ${REPLIES[buf[1]!] ?? `error ${buf[1]}`}`);
        phase = "open";
        clearTimeout(timer);
        const early = buf.slice(length);
        buf = new Uint8Array(0);
        resolve({
          socket: s,
          early,
          attach(h) {
            handlers = h;
            for (const bytes of held.splice(0)) h.data(bytes);
            if (closedEarly) h.closed();
          },
        });
      }
    };

    Bun.connect({
      hostname: server.host,
      port: server.port,
      socket: {
        open(s) {
          socket = s;
          s.write(new Uint8Array(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
        },
        data(s, chunk) {
          if (phase === "open") return toHandlers.data(chunk);
          if (phase === "failed") return;
          const next = new Uint8Array(buf.length + chunk.length);
          next.set(buf);
          next.set(chunk, buf.length);
          buf = next;
          try {
            step(s);
          } catch (err) {
            fail(err instanceof Error ? err.message : String(err));
          }
        },
        drain() {
          if (phase === "open") handlers?.drain();
        },
        end(s) {
          if (phase === "open") toHandlers.closed();
          else fail("closed the connection during the handshake");
          s.end();
        },
        close() {
          if (phase === "open") toHandlers.closed();
          else fail("closed the connection during the handshake");
        },
        error(_s, err) {
          if (phase === "open") toHandlers.closed();
          else fail(err.message);
        },
        connectError(_s, err) {
          fail(`could not connect: ${err.message}`);
        },
      },
    }).catch((err: unknown) => fail(`could not connect: ${err instanceof Error ? err.message : String(err)}`));
  });
}
