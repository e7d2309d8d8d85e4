// deploy/cluster/nginx.conf in front of two gateways on one PostgreSQL: streams pass unbuffered, a sign-in works on
// either replica, and with one replica gone every request is served once (no POST sent twice).
import { afterAll, expect, test } from "bun:test";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import { removeTempDirs } from "../process/support.ts";
import { startNginx, nginxAvailability } from "../support/nginx.ts";
import { describeWithPostgres } from "../support/postgres.ts";
import { startInstance, stopInstance } from "./processes.ts";

afterAll(removeTempDirs);

const available = nginxAvailability();
if (!available.ok) console.log(`[skipped] nginx suite: ${available.reason}`);

const body = (stream: boolean) => JSON.stringify({ model: "ds/deepseek-chat", stream, messages: [{ role: "user", content: "hi" }] });

describeWithPostgres("nginx in front of two instances", (postgres) => {
  test.skipIf(!available.ok)(
    "a stream passes event by event; one replica down, each request is served once",
    async () => {
      const url = await postgres().createDatabase();
      const upstream = startOpenAIUpstream({ kind: "stall", text: "first then nothing", afterChunks: 1 });
      const [a, b] = await Promise.all([startInstance(url), startInstance(url)]);
      const nginx = await startNginx([a.url.replace("http://", ""), b.url.replace("http://", "")]);
      try {
        expect((await a.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${upstream.url}/v1` } })).status).toBe(201);

        // The upstream stalls after its first chunk: the client sees that chunk now, not when the answer ends (the gateway
        // marks streams X-Accel-Buffering: no, and the shipped nginx.conf turns buffering off anyway).
        for (let i = 0; i < 2; i++) {
          const controller = new AbortController();
          const res = await fetch(`${nginx.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: body(true),
            signal: controller.signal,
          });
          expect(res.status).toBe(200);
          const reader = res.body!.getReader();
          let seen = "";
          const deadline = Date.now() + 5_000;
          while (!seen.includes('"content"') && Date.now() < deadline) seen += new TextDecoder().decode((await reader.read()).value);
          expect(seen).toContain('"content"');
          controller.abort();
        }

        upstream.setScenario({ kind: "text", text: "once" });
        const before = upstream.requests.length;
        b.proc.kill("SIGKILL");
        await b.proc.exited;
        const answers = await Promise.all(
          Array.from({ length: 10 }, () =>
            fetch(`${nginx.url}/v1/chat/completions`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: body(false),
            }),
          ),
        );
        expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
        expect(upstream.requests.length - before).toBe(10);
      } finally {
        await nginx.stop();
        await stopInstance(a);
        if (b.proc.exitCode === null) await stopInstance(b);
        await upstream.close();
      }
    },
    60_000,
  );
});
