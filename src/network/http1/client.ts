// fetch() for upstream API calls, over our own keep-alive HTTP/1.1 connections on the event loop's thread.
// Bun's fetch runs its client on a separate thread, so each call crosses threads twice: on the bench machine
// a bare proxy added 0.095 ms at concurrency 1 over fetch and 0.044 ms over a socket on its own thread;
// through the gateway this client saves ~0.025 ms per call. upstreamFetch uses it for answers read whole.
// Same contract as fetch for what the gateway sends (a method, headers, a string or bytes body, an abort
// signal): the answer is a standard Response whose body streams as bytes arrive. Differences, on purpose:
// redirects are not followed (an API answers a POST with its result, not a 3xx), and the answer comes
// uncompressed (accept-encoding: identity; a coded body a server sends anyway is decoded). Anything else
// (form uploads, proxies, a burst past MAX_CONNECTIONS_PER_ORIGIN) stays with fetch: see http1Carries.
// Not a package: Bun resolves an installed `undici` to its own fetch-backed shim (oven-sh/bun#42084), and
// the response parser this needs is small (./response-parser.ts, tested at every split point).
import { Connection, openConnections, type ExchangeSink, type Origin, type ResponseHead } from "./connection.ts";
import { hasIdle, releaseIdle, takeIdle } from "./pool.ts";

export interface Http1Init {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | ArrayBuffer | null;
  signal?: AbortSignal | null;
  /** As fetch's: a CA to trust and whether to verify at all (tests, self-hosted upstreams). */
  tls?: { ca?: string | string[]; rejectUnauthorized?: boolean };
}

/** Connections open at once to one upstream origin at most, fetch's own cap: past it, calls go by fetch, which queues them. */
export const MAX_CONNECTIONS_PER_ORIGIN = 256;

/**
 * Whether http1Fetch carries this call now (else use fetch): http(s) with no credentials in the URL, a body
 * that is text or bytes, and a connection to the origin idle or room for one more.
 */
export function http1Carries(url: string, init: { body?: unknown }): boolean {
  const body = init.body;
  const bodyOk = body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
  if (!bodyOk || !(url.startsWith("https://") || url.startsWith("http://"))) return false;
  const target = targetOf(url, undefined);
  if (target.credentials) return false;
  const key = target.origin.key;
  return openConnections(key) < MAX_CONNECTIONS_PER_ORIGIN || hasIdle(key);
}

/** Body bytes kept queued for a slow reader before the connection stops reading (TCP then slows the server). */
const HIGH_WATER_BYTES = 256 * 1024;
const USER_AGENT = `Bun/${Bun.version}`; // what fetch sent before: upstreams see no change
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
/** Set by the client from the request itself, never copied from the caller's headers. */
const OWN_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "upgrade", "trailer"]);
/** Bun's DecompressionStream also takes "brotli" and "zstd", which the DOM typings do not list. */
const DECODERS: Record<string, string> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate", br: "brotli", zstd: "zstd" };

interface Target {
  origin: Origin;
  path: string;
  hostHeader: string;
  /** user:password@ in the URL: fetch turns it into Basic auth, so such calls stay with fetch. */
  credentials: boolean;
}

/** Parsed URLs: a provider's calls go to the same few URLs, so each is parsed once. */
const targets = new Map<string, Target>();
/** Connections made with a caller's own TLS options are pooled apart, by the options object's identity. */
const tlsIds = new WeakMap<object, number>();
let nextTlsId = 1;

function targetOf(url: string, tls: Http1Init["tls"]): Target {
  const cached = tls ? undefined : targets.get(url);
  if (cached) return cached;
  const u = new URL(url);
  const secure = u.protocol === "https:";
  let tlsKey = "";
  if (tls) {
    let id = tlsIds.get(tls);
    if (!id) tlsIds.set(tls, (id = nextTlsId++));
    tlsKey = `#tls${id}`;
  }
  const target: Target = {
    origin: {
      key: `${u.protocol}//${u.host}${tlsKey}`,
      hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: Number(u.port) || (secure ? 443 : 80),
      tls: secure ? (tls ?? {}) : false,
    },
    path: `${u.pathname}${u.search}`,
    hostHeader: u.host,
    credentials: u.username !== "" || u.password !== "",
  };
  if (!tls) {
    if (targets.size >= 1024) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** Thrown by an exchange on a reused connection the server had already dropped: the request is sent again, once. */
class StaleConnection extends Error {}

export async function http1Fetch(url: string, init: Http1Init = {}): Promise<Response> {
  const method = (init.method ?? "GET").toUpperCase();
  const target = targetOf(url, init.tls);
  const request = encodeRequest(method, target, init.headers, init.body);
  const signal = init.signal ?? undefined;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    const conn = takeIdle(target.origin.key) ?? (await connect(target.origin, signal));
    if (signal?.aborted) {
      conn.destroy();
      throw signal.reason;
    }
    try {
      return await exchange(conn, request, method, signal);
    } catch (err) {
      if (err instanceof StaleConnection && attempt === 0) continue;
      throw err instanceof StaleConnection ? err.cause : err;
    }
  }
}

/** A new connection; an abort while it is being made gives up on it (and closes it once it is there). */
async function connect(origin: Origin, signal: AbortSignal | undefined): Promise<Connection> {
  const opening = Connection.open(origin);
  if (!signal) return opening;
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([opening, aborted]);
  } catch (err) {
    if (signal.aborted) void opening.then((conn) => conn.destroy(), () => {});
    throw err;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** One request on `conn`: resolves with the Response once its head is in (its whole body too, when that came along). */
function exchange(conn: Connection, request: Uint8Array, method: string, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let head: ResponseHead | undefined;
    /** Body bytes of the current socket read: handed on as one chunk, as fetch does (20 SSE frames in one read are one write onward, not 20). */
    let pending: Uint8Array[] = [];
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let answered = false;
    let over = false;

    const finish = () => {
      over = true;
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (err: unknown) => {
      if (answered) controller?.error(err);
      else {
        answered = true;
        reject(err);
      }
    };
    const onAbort = () => {
      finish();
      conn.destroy();
      fail(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    const answer = (body: BodyInit | null) => {
      let response: Response;
      try {
        response = toResponse(head!, body);
      } catch (err) {
        finish();
        conn.destroy();
        return fail(err);
      }
      answered = true;
      resolve(response);
    };
    const take = (): Uint8Array | undefined => {
      const bytes = pending.length <= 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      return bytes;
    };
    const enqueue = () => {
      const bytes = take();
      if (!bytes || !controller) return;
      controller.enqueue(bytes);
      if ((controller.desiredSize ?? 1) <= 0) conn.pause();
    };
    /** The rest of the body arrives later: hand the caller a stream now (time to first byte is what streams are for). */
    const stream = () =>
      answer(new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          enqueue();
        },
        pull() {
          if (!over) conn.resume();
        },
        cancel() {
          if (over) return;
          finish();
          conn.destroy(); // the rest of the body is unread: the connection cannot carry another request
        },
      }, { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk?.byteLength ?? 0 }));

    const sink: ExchangeSink = {
      head(h) {
        head = h;
      },
      body(chunk) {
        pending.push(chunk);
      },
      waiting() {
        if (!head) return;
        if (answered) enqueue();
        else stream();
      },
      end(reusable) {
        finish();
        if (!answered) answer((take() ?? null) as Uint8Array<ArrayBuffer> | null);
        else {
          enqueue();
          controller?.close();
        }
        if (reusable && !conn.closed) releaseIdle(conn, head?.headers.find(([k]) => k === "keep-alive")?.[1]);
        else conn.destroy();
      },
      failed(err, stale) {
        finish();
        fail(stale && !answered ? new StaleConnection(err.message, { cause: err }) : err);
      },
    };
    conn.send(request, method, sink);
  });
}

function toResponse(head: ResponseHead, body: BodyInit | null): Response {
  const headers = new Headers(head.headers);
  const coding = headers.get("content-encoding")?.toLowerCase();
  if (body !== null && coding && coding !== "identity") {
    let stream = new Response(body).body!;
    // Codings are listed in the order they were applied: undo them last to first.
    for (const name of coding.split(",").map((c) => c.trim()).reverse()) {
      const format = DECODERS[name];
      if (!format) throw new TypeError(`the upstream answered with an unsupported content-encoding: ${coding}`);
      stream = stream.pipeThrough(new DecompressionStream(format as CompressionFormat));
    }
    body = stream;
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return new Response(body, { status: head.status, statusText: head.statusText, headers });
}

function* headerEntries(headers: HeadersInit | undefined): Iterable<[string, string]> {
  if (!headers) return;
  if (headers instanceof Headers || Array.isArray(headers)) yield* headers as Iterable<[string, string]>;
  else yield* Object.entries(headers);
}

/** The request's bytes: head and body in one buffer, one write. Refuses header injection before anything is sent. */
function encodeRequest(method: string, target: Target, headers: HeadersInit | undefined, body: Http1Init["body"]): Uint8Array {
  if (!TOKEN.test(method)) throw new TypeError(`invalid HTTP method: ${JSON.stringify(method)}`);
  let head = `${method} ${target.path} HTTP/1.1\r\nhost: ${target.hostHeader}\r\n`;
  let accept = false;
  let agent = false;
  let encoding = false;
  for (const [name, value] of headerEntries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name: ${JSON.stringify(name)}`);
    if (BAD_VALUE.test(value)) throw new TypeError(`invalid value for header ${name}: it contains CR, LF or NUL`);
    const lower = name.toLowerCase();
    if (OWN_HEADERS.has(lower)) continue;
    accept ||= lower === "accept";
    agent ||= lower === "user-agent";
    encoding ||= lower === "accept-encoding";
    head += `${name}: ${value}\r\n`;
  }
  if (!accept) head += "accept: */*\r\n";
  if (!agent) head += `user-agent: ${USER_AGENT}\r\n`;
  if (!encoding) head += "accept-encoding: identity\r\n";
  const hasBody = body !== undefined && body !== null;
  if (typeof body === "string" || !hasBody) {
    const text = body ?? "";
    // GET/HEAD without a body send no length; every other method says 0 rather than leave it to the server.
    const length = hasBody || (method !== "GET" && method !== "HEAD") ? `content-length: ${Buffer.byteLength(text)}\r\n` : "";
    return Buffer.from(`${head}${length}\r\n${text}`);
  }
  const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  return Buffer.concat([Buffer.from(`${head}content-length: ${bytes.byteLength}\r\n\r\n`), bytes]);
}
