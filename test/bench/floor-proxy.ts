// The floor: a do-nothing Bun proxy (Bun.serve + fetch + a direct stream) to the fake upstream; prints `FLOOR <url>` once listening.
import { directStream } from "../../src/gateway/direct-stream.ts";

const upstream = process.argv[2];
if (!upstream) throw new Error("usage: bun test/bench/floor-proxy.ts <upstream url>");

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const res = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
    const body = res.body;
    if (!body) return new Response(null, { status: res.status, headers: res.headers });
    // Each upstream read leaves as one write, as the gateway's fast path does.
    const direct = directStream({
      type: "direct",
      async pull(controller) {
        for await (const chunk of body) {
          controller.write(chunk);
          controller.flush();
        }
        controller.close();
      },
    });
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(direct, { status: res.status, headers });
  },
});
process.stdout.write(`FLOOR ${server.url.origin}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void server.stop(true).finally(() => process.exit(0)));
