// A raw HTTP/1.1 client over a TCP socket, for what fetch would not send as written: paths with `..` or bad
// escapes kept verbatim, bodies trickled a byte at a time.
import { connect, type Socket } from "node:net";

export interface RawAnswer {
  status: number;
  body: string;
}

/** One request with the path exactly as given; resolves with the answer once the server closes or has sent it all. */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body = ""): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries({
        host: `${hostname}:${port}`,
        connection: "close",
        "content-length": String(Buffer.byteLength(body)),
        ...headers,
      })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n${body}`);
    });
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const start = data.indexOf("\r\n\r\n");
      const head = data.slice(0, start);
      let rest = data.slice(start + 4);
      if (/transfer-encoding: chunked/i.test(head)) rest = dechunk(rest);
      resolve({ status, body: rest });
    });
  });
}

function dechunk(text: string): string {
  let out = "";
  for (let at = 0; at < text.length; ) {
    const line = text.indexOf("\r\n", at);
    const size = Number.parseInt(text.slice(at, line), 16);
    if (!size) break;
    out += text.slice(line + 2, line + 2 + size);
    at = line + 2 + size + 2;
  }
  return out;
}

export interface Trickle {
  socket: Socket;
  /** Resolves when the server closes the connection, with what it sent and after how long. */
  closed: Promise<{ afterMs: number; received: string }>;
  stop(): void;
}

/** Sends a request's headers announcing `length` bytes of JSON, then one byte of body every `everyMs`. */
export function trickleBody(url: string, path: string, length: number, everyMs: number, headers: Record<string, string> = {}): Trickle {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  let received = "";
  const socket = connect(Number(port), hostname, () => {
    const head = Object.entries({
      host: `${hostname}:${port}`,
      "content-type": "application/json",
      "content-length": String(length),
      ...headers,
    })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n{`);
    timer = setInterval(() => {
      if (!socket.destroyed) socket.write(" ");
    }, everyMs);
  });
  socket.on("data", (chunk) => {
    received += chunk.toString("utf8");
  });
  socket.on("error", () => {});
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => {
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ afterMs: performance.now() - started, received });
    });
  });
  return {
    socket,
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}
