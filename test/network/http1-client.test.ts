// The upstream HTTP/1.1 client against servers that write raw bytes: what it sends, how it reads every
// framing, reuses and retries connections, streams, aborts, verifies TLS and pushes back on a slow reader.
import { afterEach, describe, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { gzipSync } from "node:zlib";
import { http1Fetch } from "../../src/network/http1/client.ts";
import { openConnections } from "../../src/network/http1/connection.ts";
import { closeIdle } from "../../src/network/http1/pool.ts";
import { TEST_TLS_CERT, TEST_TLS_KEY } from "../fakes/tls-cert.ts";

interface Conn { id: number; received: string }
type OnRequest = (socket: Socket<Conn>, request: string, conn: Conn) => void | Promise<void>;

/** A TCP server handing each complete request (head + Content-Length body) to `onRequest`, which writes raw bytes. */
function rawServer(onRequest: OnRequest) {
  let connections = 0;
  const requests: string[] = [];
  const listener: TCPSocketListener<Conn> = Bun.listen<Conn>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        socket.data = { id: ++connections, received: "" };
      },
      data(socket, bytes) {
        const conn = socket.data;
        conn.received += Buffer.from(bytes).toString("latin1");
        for (;;) {
          const end = conn.received.indexOf("\r\n\r\n");
          if (end === -1) return;
          const length = Number(/content-length: (\d+)/i.exec(conn.received.slice(0, end))?.[1] ?? 0);
          if (conn.received.length < end + 4 + length) return;
          const request = conn.received.slice(0, end + 4 + length);
          conn.received = conn.received.slice(end + 4 + length);
          requests.push(request);
          void onRequest(socket, Buffer.from(request, "latin1").toString("utf8"), conn);
        }
      },
    },
  });
  servers.push(listener);
  return { url: `http://127.0.0.1:${listener.port}`, requests, connections: () => connections };
}

const servers: Array<{ stop(force?: boolean): void }> = [];
afterEach(() => {
  closeIdle();
  for (const s of servers.splice(0)) s.stop(true);
});

/** Wait (up to 2 s) until `done()` holds: what the other side of a socket sees arrives a moment later. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await Bun.sleep(10);
}

const ok = (body: string, extra = "") => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe("upstream HTTP/1.1 client", () => {
  test("sends the request as given (method, path, host, headers, UTF-8 body) and answers with a standard Response", async () => {
    const up = rawServer((s) => void s.write(ok('{"reply":"ça va"}', "x-request-id: r1\r\nx-multi: a\r\nx-multi: b\r\n")));
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "héllo ✓" }] });
    const res = await http1Fetch(`${up.url}/v1/chat/completions?beta=true`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer sk-1" }, body });

    const [head, sent] = up.requests[0]!.split("\r\n\r\n") as [string, string];
    const lines = head.split("\r\n");
    expect(lines[0]).toBe("POST /v1/chat/completions?beta=true HTTP/1.1");
    expect(lines).toContain(`host: ${up.url.slice("http://".length)}`);
    expect(lines).toContain("authorization: Bearer sk-1");
    expect(lines).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(lines).toContain("accept-encoding: identity");
    expect(Buffer.from(sent, "latin1").toString("utf8")).toBe(body);

    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get("x-request-id")).toBe("r1");
    expect(res.headers.get("x-multi")).toBe("a, b");
    expect(await res.json()).toEqual({ reply: "ça va" });
  });

  test("keep-alive: sequential calls share one connection; `connection: close` and a cut body are not reused", async () => {
    let closeNext = false;
    const up = rawServer((s) => void s.write(ok("{}", closeNext ? "connection: close\r\n" : "")));
    for (let i = 0; i < 5; i++) await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).text();
    expect(up.connections()).toBe(1);
    closeNext = true;
    await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).text();
    closeNext = false;
    await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).text();
    expect(up.connections()).toBe(2);

    // A stream the reader cancels halfway leaves its connection unusable: the next call opens a new one.
    const streaming = rawServer((s) => void s.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk("data: 1\n\n")}`));
    const res = await http1Fetch(`${streaming.url}/s`, { method: "POST", body: "{}" });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    void http1Fetch(`${streaming.url}/s`, { method: "POST", body: "{}" }).then((r) => r.body?.cancel()).catch(() => {});
    await until(() => streaming.connections() === 2);
    expect(streaming.connections()).toBe(2);
  });

  test("a connection the server dropped while idle is not used: the call goes out on a new one", async () => {
    const up = rawServer((s) => {
      s.write(ok('{"n":1}'));
      // The server closes its side just after answering, with no `connection: close` to warn.
      setTimeout(() => s.end(), 20);
    });
    expect(await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).json()).toEqual({ n: 1 });
    await until(() => openConnections(up.url) === 0); // the client saw the server's close
    expect(openConnections(up.url)).toBe(0);
    expect(await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).json()).toEqual({ n: 1 });
    expect(up.connections()).toBe(2);
    expect(up.requests).toHaveLength(2);
  });

  test("a reused connection closed as the call went out (the server's race): sent again once, on a new connection", async () => {
    const served = new Map<number, number>();
    const up = rawServer((s, _request, conn) => {
      served.set(conn.id, (served.get(conn.id) ?? 0) + 1);
      if (conn.id === 1 && served.get(1) === 2) return void s.terminate(); // closes instead of answering
      s.write(ok(`{"conn":${conn.id}}`));
    });
    expect(await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).json()).toEqual({ conn: 1 });
    expect(await (await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" })).json()).toEqual({ conn: 2 });
    expect(up.requests).toHaveLength(3);
  });

  test("a new connection that closes without answering is an error naming what happened (never retried)", async () => {
    const up = rawServer((s) => void s.end());
    const err = await http1Fetch(`${up.url}/a`, { method: "POST", body: "{}" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("the connection closed before a response");
    expect(up.requests).toHaveLength(1);
  });

  test("a streamed answer is readable as it arrives: the first event before the server sends the second", async () => {
    let sendRest!: () => void;
    const rest = new Promise<void>((r) => (sendRest = r));
    const up = rawServer(async (s) => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${chunk('data: {"i":1}\n\n')}`);
      await rest;
      s.write(`${chunk('data: {"i":2}\n\n')}${chunk("data: [DONE]\n\n")}0\r\n\r\n`);
    });
    const res = await http1Fetch(`${up.url}/stream`, { method: "POST", body: "{}" });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: {"i":1}\n\n');
    sendRest();
    let text = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += Buffer.from(r.value).toString();
    expect(text).toBe('data: {"i":2}\n\ndata: [DONE]\n\n');
  });

  test("abort: before the answer the call rejects with the signal's reason; mid-body the stream errors; the connection closes", async () => {
    let closed = 0;
    // A server that reads the request and never answers.
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {}, close() { closed++; } } });
    servers.push(listener);
    const silent = `http://127.0.0.1:${listener.port}`;
    const ac = new AbortController();
    const pending = http1Fetch(`${silent}/a`, { method: "POST", body: "{}", signal: ac.signal });
    await until(() => openConnections(silent) === 1);
    ac.abort(new Error("client went away"));
    await expect(pending).rejects.toThrow("client went away");
    await until(() => closed === 1);
    expect(closed).toBe(1);

    const up = rawServer((s) => void s.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk("part")}`));
    const mid = new AbortController();
    const res = await http1Fetch(`${up.url}/s`, { method: "POST", body: "{}", signal: mid.signal });
    const reader = res.body!.getReader();
    await reader.read();
    mid.abort(new Error("stop"));
    await expect(reader.read()).rejects.toThrow("stop");
    await expect(http1Fetch(`${up.url}/s`, { method: "POST", body: "{}", signal: mid.signal })).rejects.toThrow("stop");
  });

  test("an address nothing listens on, or a host that does not exist: an error saying which and why", async () => {
    const refused = await http1Fetch("http://127.0.0.1:1/v1", { method: "POST", body: "{}" }).catch((e: Error) => e.message);
    expect(refused).toBe("cannot connect to 127.0.0.1:1: Failed to connect (ECONNREFUSED)");
    const unknown = await http1Fetch("http://no-such-host.invalid/v1", { method: "POST", body: "{}" }).catch((e: Error) => e.message);
    expect(unknown).toContain("cannot connect to no-such-host.invalid:80");
    expect(unknown).toContain("ENOTFOUND");
  });

  test("TLS: the certificate is verified against trusted CAs and the host name before anything is sent", async () => {
    let served = 0;
    const server = Bun.serve({ hostname: "0.0.0.0", port: 0, tls: { cert: TEST_TLS_CERT, key: TEST_TLS_KEY }, fetch: () => (served++, Response.json({ secure: true })) });
    servers.push(server);
    const tls = { ca: TEST_TLS_CERT };
    expect(await (await http1Fetch(`https://localhost:${server.port}/v1`, { method: "POST", body: "{}", tls })).json()).toEqual({ secure: true });
    expect(await (await http1Fetch(`https://127.0.0.1:${server.port}/v1`, { method: "POST", body: "{}", tls })).json()).toEqual({ secure: true });
    expect(served).toBe(2);

    const untrusted = await http1Fetch(`https://localhost:${server.port}/v1`, { method: "POST", body: "{}" }).catch((e: Error) => e.message);
    expect(untrusted).toMatch(/^TLS with localhost failed: .*(self.signed|SELF_SIGNED)/i);
    // Trusted CA, but the certificate names localhost and 127.0.0.1 only.
    const misnamed = await http1Fetch(`https://127.0.0.2:${server.port}/v1`, { method: "POST", body: "{}", tls }).catch((e: Error) => e.message);
    expect(misnamed).toMatch(/^TLS with 127\.0\.0\.2 failed: .*(ALTNAME|does not match|not in the cert)/i);
    expect(served).toBe(2);
  });

  test("an answer coded with gzip though identity was asked is decoded; its length and coding headers go", async () => {
    const json = JSON.stringify({ text: "x".repeat(5000) });
    const zipped = gzipSync(json);
    const up = rawServer((s) => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${zipped.length}\r\n\r\n`);
      s.write(zipped);
    });
    const res = await http1Fetch(`${up.url}/z`, { method: "POST", body: "{}" });
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("content-length")).toBeNull();
    expect(await res.text()).toBe(json);
  });

  test("a large request body is sent whole, past what the socket takes at once", async () => {
    const big = JSON.stringify({ image: "a".repeat(8 * 1024 * 1024) });
    const up = rawServer((s, request) => void s.write(ok(JSON.stringify({ got: request.length - request.indexOf("\r\n\r\n") - 4 }))));
    const res = await http1Fetch(`${up.url}/big`, { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(await res.json()).toEqual({ got: big.length });
  });

  test("header injection is refused before any byte leaves", async () => {
    const up = rawServer((s) => void s.write(ok("{}")));
    await expect(http1Fetch(`${up.url}/a`, { method: "POST", headers: { authorization: "Bearer x\r\nx-evil: 1" }, body: "{}" })).rejects.toThrow("contains CR, LF or NUL");
    await expect(http1Fetch(`${up.url}/a`, { method: "POST", headers: { "bad name": "1" }, body: "{}" })).rejects.toThrow("invalid header name");
    await Bun.sleep(20);
    expect(up.connections()).toBe(0);
  });

  test("a reader that stops reading stops the connection reading: the server's writes back up, nothing is lost", async () => {
    const total = 48 * 1024 * 1024;
    const piece = Buffer.alloc(64 * 1024, "x");
    let accepted = 0;
    const listener = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(s) {
          s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${total}\r\n\r\n`);
          const pump = () => {
            while (accepted < total) {
              const n = s.write(piece.subarray(0, Math.min(piece.length, total - accepted)));
              accepted += Math.max(0, n);
              if (n < piece.length) return; // the socket's buffer is full: wait for drain
            }
          };
          (s as any).pump = pump;
          pump();
        },
        drain(s) {
          (s as any).pump?.();
        },
      },
    });
    servers.push(listener);
    const res = await http1Fetch(`http://127.0.0.1:${listener.port}/big`, { method: "POST", body: "{}" });
    await Bun.sleep(300); // nobody reads meanwhile
    expect(accepted).toBeLessThan(total / 2);
    let read = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) read += r.value.byteLength;
    expect(read).toBe(total);
  }, 20_000);
});
