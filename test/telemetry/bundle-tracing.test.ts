// The bundle `bun run start` serves loads the tracing chunk only when an OTLP endpoint is set, and that chunk works.
import { afterAll, describe, expect, test } from "bun:test";
import { startOtlpReceiver } from "../fakes/otlp-receiver.ts";
import { boot, removeTempDirs, tempDir } from "../process/support.ts";

afterAll(removeTempDirs);

describe("tracing from the bundle", () => {
  test("`bun run start` with OTEL_EXPORTER_OTLP_ENDPOINT exports a span per request; SIGTERM sends what is batched", async () => {
    const receiver = startOtlpReceiver();
    // A long batch delay: the span can only arrive through the flush at shutdown.
    const { proc, url, rest } = await boot([process.execPath, "run", "start"], tempDir(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "600000",
      OTEL_SERVICE_NAME: "bundle-under-test",
    });
    try {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "nobody/has-this", messages: [{ role: "user", content: "hello" }] }),
      });
      expect(res.status).toBe(404);
      await res.text();
      expect(receiver.spans.length).toBe(0);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      await rest;
      await receiver.close();
    }
    expect(proc.exitCode).toBe(0);
    expect(receiver.spans.length).toBe(1);
    expect(receiver.spans[0]).toMatchObject({
      name: "chat nobody/has-this",
      attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "nobody/has-this", "http.response.status_code": 404 },
      resource: { "service.name": "bundle-under-test" },
    });
  }, 60_000);
});
