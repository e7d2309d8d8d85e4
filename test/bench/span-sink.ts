// `bun run bench --tracing`: an OTLP/HTTP endpoint in the bench process that reads what the gateway exports and drops it.

export interface SpanSink {
  url: string;
  exports(): number;
  bytes(): number;
  stop(): void;
}

export function startSpanSink(): SpanSink {
  let exports = 0;
  let bytes = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      bytes += (await req.arrayBuffer()).byteLength;
      exports++;
      return new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, exports: () => exports, bytes: () => bytes, stop: () => void server.stop(true) };
}
