// A fake HTTP(S) proxy on loopback (CONNECT and kept-alive absolute-URI requests, optional Basic auth) that records what it carried.
import { connect, createServer as createPlainServer, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";

export interface ProxiedRequest {
  kind: "connect" | "forward";
  /** host:port the proxy carried the request to. */
  target: string;
  /** For absolute-URI requests: the full URL. */
  url?: string;
  proxyAuthorization?: string;
  /** Headers the client sent to the proxy (lower-case names). */
  headers: Record<string, string>;
}

export interface FakeHttpProxy {
  url: string;
  port: number;
  /** Requests carried to their target. */
  requests: ProxiedRequest[];
  /** Requests refused for missing or wrong credentials. */
  refused: number;
  reset(): void;
  close(): Promise<void>;
}

/** With `tls`, an HTTPS proxy (TLS between the client and the proxy). */
export async function startHttpProxy(
  options: { username?: string; password?: string; tls?: { cert: string; key: string } } = {},
): Promise<FakeHttpProxy> {
  const expected =
    options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}` : undefined;
  const sockets = new Set<Socket>();
  const proxy: FakeHttpProxy = {
    url: "",
    port: 0,
    requests: [],
    refused: 0,
    reset() {
      proxy.requests.length = 0;
      proxy.refused = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const handle = (client: Socket) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let buf = Buffer.alloc(0);
    let busy = false;
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!busy) void next();
    };
    /** Handles the next complete request in `buf` (several may come on one kept-alive connection). */
    const next = async (): Promise<void> => {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [line = "", ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      const length = Number(headers["content-length"] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.subarray(end + 4, end + 4 + length);
      const rest = buf.subarray(end + 4 + length);
      buf = Buffer.alloc(0);
      const [method = "", target = ""] = line.split(" ");
      if (expected && headers["proxy-authorization"] !== expected) {
        proxy.refused++;
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="fake"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        );
        return;
      }
      if (method === "CONNECT") {
        client.off("data", onData);
        client.pause();
        const [host, port] = [
          target.slice(0, target.lastIndexOf(":")).replace(/^\[|\]$/g, ""),
          Number(target.slice(target.lastIndexOf(":") + 1)),
        ];
        proxy.requests.push({ kind: "connect", target, proxyAuthorization: headers["proxy-authorization"], headers });
        const upstream = connect(port, host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          if (rest.length) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        return;
      }
      busy = true;
      const url = new URL(target);
      proxy.requests.push({
        kind: "forward",
        target: `${url.hostname}:${url.port || 80}`,
        url: target,
        proxyAuthorization: headers["proxy-authorization"],
        headers,
      });
      const forwardHeaders = Object.entries(headers).filter(([n]) => !/^(proxy-|connection$|keep-alive$|host$|content-length$)/.test(n));
      try {
        const res = await fetch(url, {
          method,
          headers: forwardHeaders,
          body: length ? body : undefined,
          proxy: false,
          redirect: "manual",
        });
        const payload = Buffer.from(await res.arrayBuffer());
        const kept = [...res.headers].filter(
          ([n]) => !/^(content-length|content-encoding|transfer-encoding|connection|keep-alive)$/.test(n),
        );
        client.write(
          `HTTP/1.1 ${res.status} ${res.statusText || "OK"}\r\n${kept.map(([n, v]) => `${n}: ${v}\r\n`).join("")}content-length: ${payload.length}\r\n\r\n`,
        );
        client.write(payload);
      } catch (err) {
        const text = `fake proxy could not reach ${target}: ${err instanceof Error ? err.message : String(err)}`;
        client.write(`HTTP/1.1 502 Bad Gateway\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      }
      busy = false;
      buf = Buffer.concat([rest, buf]);
      if (buf.length) await next();
    };
    client.on("data", onData);
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createPlainServer(handle);

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  proxy.port = typeof address === "object" && address ? address.port : 0;
  proxy.url = `${options.tls ? "https" : "http"}://127.0.0.1:${proxy.port}`;
  return proxy;
}
