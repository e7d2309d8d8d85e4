// One keep-alive HTTP/1.1 connection to an upstream: a Bun socket (TCP or TLS), one exchange at a time.
// It runs on the event loop's own thread: no hand-off to fetch's HTTP thread and back on every call.
import type { Socket, SocketHandler } from "bun";
import { isIP } from "node:net";
import { HttpParseError, ResponseParser, type ParserSink, type ResponseHead } from "./response-parser.ts";

export interface Origin {
  /** Pool key: scheme, host, port (and the TLS options' identity, when a caller brings its own). */
  key: string;
  hostname: string;
  port: number;
  tls: false | { ca?: string | string[]; rejectUnauthorized?: boolean };
}

/** What one exchange is told, in order: head, body chunks, end; or failed, at any point. */
export interface ExchangeSink extends ParserSink {
  /** The bytes that arrived together are all told, and the answer is not complete yet: more will come later. */
  waiting(): void;
  /** `stale`: a reused connection closed before any byte of the answer (the server had dropped it): safe to retry. */
  failed(err: Error, stale: boolean): void;
}

/** Bun sockets pause and resume reading (as node:net uses them); bun-types does not list the two yet. */
type FlowControl = { pause(): void; resume(): void };

/** Socket-level errors, as messages a person reads in a 502. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

interface Exchange {
  sink: ExchangeSink;
  parser: ResponseParser;
  /** Any byte of the answer has arrived. */
  received: boolean;
  /** The parser saw the whole answer (and whether the connection may be reused); told to the sink once feeding stops. */
  finished?: { reusable: boolean };
}

/** Open connections per origin (pool key), idle or busy. */
const openPerOrigin = new Map<string, number>();

export function openConnections(key: string): number {
  return openPerOrigin.get(key) ?? 0;
}

export class Connection {
  private socket?: Socket<Connection>;
  private exchange?: Exchange;
  private unsent?: Uint8Array;
  private ready!: { resolve: () => void; reject: (err: Error) => void };
  /** Set once the server has answered on it: a failure before any byte then means a dropped idle connection. */
  private used = false;
  private paused = false;
  /** Counted in openPerOrigin (from a completed open until its close). */
  private counted = false;
  closed = false;
  /** When it went back to the pool, and how long the server lets it sit idle. */
  idleSince = 0;
  keepAliveMs = 0;

  private constructor(readonly origin: Origin) {}

  /** Connect (and for https, complete the handshake with the certificate verified for the host name). */
  static async open(origin: Origin): Promise<Connection> {
    const conn = new Connection(origin);
    const ready = new Promise<void>((resolve, reject) => (conn.ready = { resolve, reject }));
    ready.catch(() => {}); // awaited below once connected; a connect failure throws first
    // Counted from now (not once connected), so a burst of calls sees the connections it is opening.
    conn.counted = true;
    openPerOrigin.set(origin.key, openConnections(origin.key) + 1);
    const tls = origin.tls && {
      ...origin.tls,
      // SNI carries names only (RFC 6066); an IP address is checked against the certificate's IP entries.
      ...(isIP(origin.hostname) ? {} : { serverName: origin.hostname }),
    };
    try {
      conn.socket = await Bun.connect<Connection>({ hostname: origin.hostname, port: origin.port, socket: HANDLERS, data: conn, ...(tls ? { tls } : {}) });
    } catch (err) {
      conn.uncount();
      throw new ConnectionError(`cannot connect to ${origin.hostname}:${origin.port}: ${reason(err)}`);
    }
    if (!tls) conn.ready.resolve();
    try {
      await ready;
    } catch (err) {
      conn.socket.terminate(); // a refused handshake may come before the socket was ours to close
      throw err;
    }
    return conn;
  }

  /** Send one request (already encoded) and feed the answer to `sink`. */
  send(request: Uint8Array, method: string, sink: ExchangeSink): void {
    if (this.closed || !this.socket) return sink.failed(new ConnectionError("the connection closed before the request was sent"), this.used);
    const ex: Exchange = { sink, received: false, parser: undefined! };
    ex.parser = new ResponseParser({
      head: (head) => sink.head(head),
      body: (chunk) => sink.body(chunk),
      end: (reusable) => (ex.finished = { reusable }),
    }, method);
    this.exchange = ex;
    this.write(request);
  }

  /** Give up on the exchange in flight (abort, cancelled body): the connection cannot carry another one. */
  destroy(): void {
    this.exchange = undefined;
    this.close();
  }

  /** Stop reading (a slow reader's queue is full): TCP's window then slows the server down. */
  pause(): void {
    if (this.paused || !this.socket) return;
    this.paused = true;
    (this.socket as unknown as FlowControl).pause();
  }

  resume(): void {
    if (!this.paused || !this.socket) return;
    this.paused = false;
    (this.socket as unknown as FlowControl).resume();
  }

  /** Idle in the pool: closed by the socket's own timer after `seconds`, and not keeping the process alive. */
  park(seconds: number): void {
    this.socket?.timeout(seconds);
    this.socket?.unref();
  }

  unpark(): void {
    this.socket?.timeout(0);
    this.socket?.ref();
  }

  private write(bytes: Uint8Array): void {
    const written = this.socket!.write(bytes);
    this.unsent = written < bytes.length ? bytes.subarray(Math.max(0, written)) : undefined;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.terminate();
  }

  /** The exchange is over: its sink hears nothing more from this connection, and the next one reads from the start. */
  private settle() {
    const ex = this.exchange;
    this.exchange = undefined;
    this.resume();
    return ex;
  }

  private fail(err: Error) {
    const ex = this.settle();
    this.close();
    ex?.sink.failed(err, !ex.received && this.used);
  }

  // Socket events (HANDLERS below calls these).

  private uncount(): void {
    if (!this.counted) return;
    this.counted = false;
    const left = openConnections(this.origin.key) - 1;
    if (left > 0) openPerOrigin.set(this.origin.key, left);
    else openPerOrigin.delete(this.origin.key);
  }

  onHandshake(success: boolean, error: Error | null): void {
    if (success) return this.ready.resolve();
    this.close();
    this.ready.reject(new ConnectionError(`TLS with ${this.origin.hostname} failed: ${reason(error) || "the certificate was not accepted"}`));
  }

  onData(bytes: Uint8Array): void {
    const ex = this.exchange;
    // Bytes on an idle connection answer nothing we asked: it is not safe to use again.
    if (!ex) return this.close();
    ex.received = true;
    let malformed: Error | undefined;
    try {
      ex.parser.feed(bytes);
    } catch (err) {
      malformed = err instanceof HttpParseError ? new ConnectionError(`the upstream's answer is not valid HTTP/1.1: ${err.message}`) : (err as Error);
    }
    if (ex.finished) {
      // Complete. Bytes after the end (a parse error only now) poison the connection, not the answer; so does
      // an answer that came before the whole request was written (the rest would reach the next request).
      this.settle();
      this.used = true;
      const reusable = ex.finished.reusable && !malformed && !this.unsent;
      if (!reusable) this.close();
      ex.sink.end(reusable);
    } else if (malformed) {
      this.fail(malformed);
    } else {
      ex.sink.waiting();
    }
  }

  onDrain(): void {
    if (this.unsent) this.write(this.unsent);
  }

  onClose(error?: Error): void {
    const wasClosed = this.closed;
    this.closed = true;
    this.uncount();
    const ex = this.exchange;
    if (!ex) {
      if (!wasClosed) this.ready.reject(new ConnectionError(`${this.origin.hostname}:${this.origin.port} closed the connection${error ? `: ${reason(error)}` : ""}`));
      return;
    }
    try {
      ex.parser.closed(); // ends a body delimited by the close
      this.settle();
      ex.sink.end(false);
    } catch (err) {
      this.settle();
      const why = error ? `${(err as Error).message} (${reason(error)})` : (err as Error).message;
      ex.sink.failed(new ConnectionError(why), !ex.received && this.used);
    }
  }

  onError(error: Error): void {
    this.fail(new ConnectionError(reason(error)));
  }

  onIdleTimeout(): void {
    if (!this.exchange) this.close();
  }
}

const HANDLERS: SocketHandler<Connection> = {
  open(socket) {
    socket.setNoDelay(true);
  },
  handshake(socket, success, error) {
    socket.data.onHandshake(success, error);
  },
  data(socket, bytes) {
    socket.data.onData(bytes);
  },
  drain(socket) {
    socket.data.onDrain();
  },
  // The server half-closed: for HTTP/1.1 that ends the connection.
  end(socket) {
    socket.data.onClose();
    socket.terminate();
  },
  close(socket, error) {
    socket.data.onClose(error);
  },
  error(socket, error) {
    socket.data.onError(error);
  },
  timeout(socket) {
    socket.data.onIdleTimeout();
  },
};

/** "Failed to connect (ECONNREFUSED)": Bun's message, with the code that says why when the message does not. */
function reason(err: unknown): string {
  if (!err) return "";
  const { code, message } = err as { code?: string; message?: string };
  if (!message) return code ?? String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export type { ResponseHead };
