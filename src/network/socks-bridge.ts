// A loopback HTTP proxy for Bun's fetch (which cannot speak SOCKS5) that carries each request through the SOCKS5 server its headers name.
import type { Socket, TCPSocketListener } from "bun";
import { Outbox } from "./outbox.ts";
import { openSocks5Tunnel, type Socks5Server, type Socks5Tunnel } from "./socks5-client.ts";

const TOKEN_HEADER = "x-omniroute-bridge-token";
const SOCKS_HEADER = "x-omniroute-socks5";
/** On a 502 from the bridge: why the SOCKS5 proxy could not carry the request. */
export const BRIDGE_ERROR_HEADER = "x-omniroute-proxy-error";
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = "\r\n\r\n";
/** Per-hop headers that must not reach the target, besides the ones the Connection header lists. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", TOKEN_HEADER, SOCKS_HEADER]);

export interface FetchProxy {
  url: string;
  headers: Record<string, string>;
  respectNoProxy: false;
}

export interface SocksBridge {
  /** The fetch `proxy` option that carries a request through `server` (the bridge starts on first use). */
  proxyOption(server: Socks5Server): FetchProxy;
  close(): void;
}

interface Conn {
  phase: "head" | "connecting" | "open" | "done";
  head: Buffer;
  toClient: Outbox;
  toUpstream?: Outbox;
  tunnel?: Socks5Tunnel;
  /** Absolute-URI mode: the response head gets `Connection: close`, so fetch never reuses the connection. */
  response?: ResponseHeads;
  held: Uint8Array[];
  clientEnded: boolean;
}

interface ParsedHead {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
}

/**
 * Listens on 127.0.0.1 (a random port, opened on first use). Each CONNECT (https targets) or absolute-URI request
 * (http targets; answered with `Connection: close`, as Bun's fetch would otherwise reuse the connection for another
 * target) opens its own SOCKS5 tunnel, using a domain-name address so DNS resolves at the proxy. A request without
 * this process's random token is refused with 407, so other local processes cannot use it as an open proxy.
 */
export function createSocksBridge(options: { handshakeTimeoutMs?: number } = {}): SocksBridge {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
  const tokenBytes = Buffer.from(token);
  let listener: TCPSocketListener<Conn> | undefined;

  const authorized = (value: string | undefined) => {
    const given = Buffer.from(value ?? "");
    return given.length === tokenBytes.length && crypto.timingSafeEqual(given, tokenBytes);
  };

  function start(): TCPSocketListener<Conn> {
    const server = Bun.listen<Conn>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(s) {
          s.data = {
            phase: "head",
            head: Buffer.alloc(0),
            toClient: new Outbox(s, () => s.data.tunnel?.socket.resume()),
            held: [],
            clientEnded: false,
          };
        },
        data(s, chunk) {
          const conn = s.data;
          switch (conn.phase) {
            case "head":
              return readHead(s, conn, chunk);
            case "connecting":
              conn.held.push(chunk.slice());
              return;
            case "open":
              if (conn.toUpstream && !conn.toUpstream.write(chunk)) s.pause();
              return;
            case "done":
              return;
          }
        },
        drain(s) {
          s.data.toClient.drain();
        },
        end(s) {
          s.data.clientEnded = true;
          s.data.toUpstream?.end();
        },
        close(s) {
          finish(s.data);
        },
        error(s) {
          finish(s.data);
        },
      },
    });
    server.unref();
    return server;
  }

  function finish(conn: Conn) {
    conn.phase = "done";
    if (conn.toUpstream) conn.toUpstream.end();
    else conn.tunnel?.socket.end();
  }

  function readHead(s: Socket<Conn>, conn: Conn, chunk: Uint8Array) {
    conn.head = Buffer.concat([conn.head, chunk]);
    const at = conn.head.indexOf(CRLF2);
    if (at < 0) {
      if (conn.head.length > MAX_HEAD_BYTES) refuse(s, 431, "Request Header Fields Too Large");
      return;
    }
    const rest = conn.head.subarray(at + CRLF2.length);
    const head = parseHead(conn.head.subarray(0, at).toString("latin1"));
    conn.head = Buffer.alloc(0);
    if (!head) return refuse(s, 400, "Bad Request");
    const header = (name: string) => head.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    if (!authorized(header(TOKEN_HEADER))) return refuse(s, 407, "Proxy Authentication Required");
    const server = decodeServer(header(SOCKS_HEADER));
    const target: { host: string; port: number; path?: string } | undefined =
      head.method === "CONNECT" ? parseAuthority(head.target) : parseAbsolute(head.target);
    if (!server || !target) return refuse(s, 400, "Bad Request");

    conn.phase = "connecting";
    if (rest.length) conn.held.push(rest);
    s.pause();
    openSocks5Tunnel(server, target, options.handshakeTimeoutMs).then(
      (tunnel) => {
        if (conn.phase === "done") return void tunnel.socket.end();
        conn.tunnel = tunnel;
        const upstream = new Outbox(tunnel.socket, () => s.resume());
        conn.toUpstream = upstream;
        if (head.method === "CONNECT") conn.toClient.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        else {
          conn.response = new ResponseHeads();
          upstream.write(originRequestHead(head, target.path ?? "/"));
        }
        const fromUpstream = (bytes: Uint8Array) => {
          const out = conn.response ? conn.response.push(bytes) : bytes;
          if (out.length && !conn.toClient.write(out)) tunnel.socket.pause();
        };
        tunnel.attach({
          data: fromUpstream,
          drain: () => upstream.drain(),
          closed() {
            const left = conn.response?.flush();
            if (left?.length) conn.toClient.write(left);
            conn.toClient.end();
          },
        });
        if (tunnel.early.length) fromUpstream(tunnel.early);
        for (const bytes of conn.held.splice(0)) upstream.write(bytes);
        conn.phase = "open";
        if (conn.clientEnded) upstream.end();
        if (!upstream.backlogged) s.resume();
      },
      (err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        if (conn.phase !== "done") refuse(s, 502, reason, true);
      },
    );
  }

  function refuse(s: Socket<Conn>, status: number, reason: string, proxyError = false) {
    s.data.phase = "done";
    const text = reason.replace(/[^\x20-\x7e]+/g, " ").slice(0, 400);
    const extra = proxyError ? `${BRIDGE_ERROR_HEADER}: ${text}\r\n` : status === 407 ? "proxy-authenticate: Bearer\r\n" : "";
    s.data.toClient.write(
      `HTTP/1.1 ${status} ${text}\r\n${extra}content-type: text/plain\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`,
    );
    s.data.toClient.end();
  }

  return {
    proxyOption(server) {
      listener ??= start();
      return {
        url: `http://127.0.0.1:${listener.port}`,
        headers: { [TOKEN_HEADER]: token, [SOCKS_HEADER]: Buffer.from(JSON.stringify(server)).toString("base64url") },
        respectNoProxy: false,
      };
    },
    close() {
      listener?.stop(true);
      listener = undefined;
    },
  };
}

function parseHead(text: string): ParsedHead | undefined {
  const [line, ...rest] = text.split("\r\n");
  const [method, target, version, extra] = (line ?? "").split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.") || extra !== undefined) return undefined;
  const headers: Array<[string, string]> = [];
  for (const h of rest) {
    const colon = h.indexOf(":");
    if (colon <= 0) return undefined;
    headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
  }
  return { method, target, version, headers };
}

function decodeServer(value: string | undefined): Socks5Server | undefined {
  if (!value) return undefined;
  try {
    const v = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Socks5Server>;
    if (typeof v.host !== "string" || typeof v.port !== "number") return undefined;
    return {
      host: v.host,
      port: v.port,
      ...(typeof v.username === "string" ? { username: v.username } : {}),
      ...(typeof v.password === "string" ? { password: v.password } : {}),
    };
  } catch {
    return undefined;
  }
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(authority);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

function parseAbsolute(target: string): { host: string; port: number; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:") return undefined;
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 80), path: `${url.pathname}${url.search}` };
}

/** The request as the target expects it: origin-form, per-hop headers gone, one request per connection. */
function originRequestHead(head: ParsedHead, path: string): string {
  const listed = new Set(
    head.headers.filter(([n]) => n.toLowerCase() === "connection").flatMap(([, v]) => v.split(",").map((t) => t.trim().toLowerCase())),
  );
  const kept = head.headers.filter(([n]) => !HOP_HEADERS.has(n.toLowerCase()) && !listed.has(n.toLowerCase()));
  return `${head.method} ${path} ${head.version}\r\n${kept.map(([n, v]) => `${n}: ${v}\r\n`).join("")}Connection: close\r\n\r\n`;
}

/** Rewrites response heads (interim 1xx ones too) to say `Connection: close`; the body passes untouched. */
class ResponseHeads {
  private buf = Buffer.alloc(0);
  private done = false;

  push(bytes: Uint8Array): Uint8Array {
    if (this.done) return bytes;
    this.buf = Buffer.concat([this.buf, bytes]);
    const out: Uint8Array[] = [];
    while (!this.done) {
      const at = this.buf.indexOf(CRLF2);
      if (at < 0) {
        if (this.buf.length > MAX_HEAD_BYTES) out.push(this.flush());
        break;
      }
      const [statusLine = "", ...lines] = this.buf.subarray(0, at).toString("latin1").split("\r\n");
      this.buf = this.buf.subarray(at + CRLF2.length);
      const kept = lines.filter((l) => !/^(connection|keep-alive|proxy-connection)\s*:/i.test(l));
      out.push(Buffer.from(`${[statusLine, ...kept, "Connection: close"].join("\r\n")}${CRLF2}`, "latin1"));
      const status = Number(statusLine.split(" ")[1]);
      if (!(status >= 100 && status < 200 && status !== 101)) out.push(this.flush());
    }
    return Buffer.concat(out);
  }

  /** Whatever is held, as it is; nothing is rewritten after this. */
  flush(): Uint8Array {
    this.done = true;
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }
}
