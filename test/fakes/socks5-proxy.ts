// A fake SOCKS5 server on loopback (RFC 1928 CONNECT, RFC 1929 auth when configured) that records each target as the client named it.
import { connect, createServer, type Socket } from "node:net";

export interface SocksTarget {
  /** 1 IPv4, 3 domain name, 4 IPv6. */
  addressType: number;
  host: string;
  port: number;
}

export interface FakeSocks5Proxy {
  url: string;
  port: number;
  targets: SocksTarget[];
  /** Handshakes refused for a wrong username/password (or none where one is required). */
  authFailures: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startSocks5Proxy(options: { username?: string; password?: string } = {}): Promise<FakeSocks5Proxy> {
  const needsAuth = options.username !== undefined;
  const sockets = new Set<Socket>();
  const proxy: FakeSocks5Proxy = {
    url: "",
    port: 0,
    targets: [],
    authFailures: 0,
    reset() {
      proxy.targets.length = 0;
      proxy.authFailures = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    let buf = Buffer.alloc(0);
    let phase: "greeting" | "auth" | "request" | "piping" = "greeting";

    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (phase === "greeting") {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = [...buf.subarray(2, 2 + buf[1]!)];
        buf = buf.subarray(2 + buf[1]!);
        const method = needsAuth ? (methods.includes(2) ? 2 : 0xff) : methods.includes(0) ? 0 : 0xff;
        client.write(Buffer.from([5, method]));
        if (method === 0xff) {
          if (needsAuth) proxy.authFailures++;
          client.end();
          return;
        }
        phase = method === 2 ? "auth" : "request";
      }
      if (phase === "auth") {
        if (buf.length < 2) return;
        const ulen = buf[1]!;
        if (buf.length < 3 + ulen) return;
        const plen = buf[2 + ulen]!;
        if (buf.length < 3 + ulen + plen) return;
        const user = buf.subarray(2, 2 + ulen).toString("utf8");
        const pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString("utf8");
        buf = buf.subarray(3 + ulen + plen);
        const ok = user === options.username && pass === (options.password ?? "");
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) {
          proxy.authFailures++;
          client.end();
          return;
        }
        phase = "request";
      }
      if (phase === "request") {
        if (buf.length < 5) return;
        const atyp = buf[3]!;
        const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
        if (buf.length < 4 + addrLen + 2) return;
        const addr = buf.subarray(4, 4 + addrLen);
        const host =
          atyp === 1
            ? [...addr].join(".")
            : atyp === 4
              ? [...Array(8).keys()].map((i) => addr.readUInt16BE(i * 2).toString(16)).join(":")
              : addr.subarray(1).toString("utf8");
        const port = buf.readUInt16BE(4 + addrLen);
        const rest = buf.subarray(4 + addrLen + 2);
        buf = Buffer.alloc(0);
        phase = "piping";
        proxy.targets.push({ addressType: atyp, host, port });
        client.off("data", onData);
        client.pause();
        let connected = false;
        const upstream = connect(port, host === "localhost" ? "127.0.0.1" : host, () => {
          connected = true;
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (rest.length) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => {
          if (connected) return client.destroy();
          client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
        });
        client.on("close", () => upstream.destroy());
      }
    };
    client.on("data", onData);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  proxy.port = typeof address === "object" && address ? address.port : 0;
  proxy.url = `socks5://127.0.0.1:${proxy.port}`;
  return proxy;
}
