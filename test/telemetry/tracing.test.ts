// OpenTelemetry traces, exported over OTLP/HTTP to a fake collector in both protocols: one GenAI span per client
// request continuing the client's traceparent, one child per upstream attempt (the failed one before a fallback too).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../fakes/otlp-receiver.ts";
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

async function waitFor<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

for (const protocol of ["http/json", "http/protobuf"] as const) {
  describe(`traces over OTLP ${protocol}`, () => {
    let gw: TestGateway;
    let receiver: OtlpReceiver;
    let deepseek: FakeUpstream;
    let openai: FakeUpstream;
    let key: string;

    beforeAll(async () => {
      receiver = startOtlpReceiver();
      deepseek = startOpenAIUpstream();
      openai = startOpenAIUpstream();
      gw = await startGateway({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=team%20a",
        OTEL_SERVICE_NAME: "gateway-under-test",
        OTEL_BSP_SCHEDULE_DELAY: "20",
      });
      await gw.api("/api/providers", { body: { provider: "ds", apiKey: "k", baseUrl: `${deepseek.url}/v1` } });
      await gw.api("/api/providers", { body: { provider: "openai", apiKey: "k", baseUrl: `${openai.url}/v1` } });
      await gw.api("/api/combos", { body: { name: "team", models: ["ds/deepseek-chat", "openai/gpt-5"] } });
      key = (await gw.services.apiKeys.create("tracing", [])).key;
    });
    afterAll(async () => {
      await gw.close();
      await Promise.all([receiver.close(), deepseek.close(), openai.close()]);
    });

    const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

    test("a fallback continues the client's trace: a chat span with GenAI attributes and one child per attempt", async () => {
      deepseek.setScenario({ kind: "error", status: 500, message: "overloaded" });
      openai.setScenario({ kind: "text", text: "hello from openai", usage: { input: 21, output: 9 } });
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
      const answer = await client.chat.completions.create(
        { model: "team", max_tokens: 64, messages: [{ role: "user", content: "a secret prompt" }] },
        { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } },
      );
      expect(answer.choices[0]!.message.content).toBe("hello from openai");
      await gw.services.telemetry.tracing!.flush();
      const spans = await waitFor("three spans", () => (spansOf(CLIENT_TRACE).length >= 3 ? spansOf(CLIENT_TRACE) : undefined));

      const root = spans.find((s) => s.parentSpanId === CLIENT_SPAN)!;
      expect(root).toBeDefined();
      expect(root.name).toBe("chat team");
      expect(root.kind).toBe(3); // CLIENT
      expect(root.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "team",
        "gen_ai.request.max_tokens": 64,
        "gen_ai.provider.name": "openai",
        "gen_ai.response.model": "gpt-5",
        "gen_ai.usage.input_tokens": 21,
        "gen_ai.usage.output_tokens": 9,
        "http.response.status_code": 200,
        "omniroute.attempts": 2,
      });
      expect(root.attributes["error.type"]).toBeUndefined();
      expect(root.resource["service.name"]).toBe("gateway-under-test");

      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      expect(children.map((c) => [c.name, c.attributes["gen_ai.provider.name"], c.attributes["omniroute.attempt.outcome"]]).sort()).toEqual(
        [
          ["chat deepseek-chat", "deepseek", "server_error"],
          ["chat gpt-5", "openai", "success"],
        ],
      );
      const failed = children.find((c) => c.attributes["omniroute.attempt.outcome"] === "server_error")!;
      expect(failed.attributes).toMatchObject({ "error.type": "server_error", "http.response.status_code": 500 });
      expect(failed.statusCode).toBe(2);
      for (const c of children) {
        expect(c.kind).toBe(3);
        expect(typeof c.attributes["omniroute.account.id"]).toBe("string");
      }
      // Prompt and completion content never leave the gateway.
      const everything = JSON.stringify(spans);
      expect(everything).not.toContain("a secret prompt");
      expect(everything).not.toContain("hello from openai");
      // The export went out in the protocol asked for, with the configured headers.
      const last = receiver.exports.at(-1)!;
      expect(last.contentType).toStartWith(protocol === "http/json" ? "application/json" : "application/x-protobuf");
      expect(last.headers.get("x-tenant")).toBe("team a");
    });

    test("a translated answer (Anthropic client, OpenAI upstream) carries its finish reason, streamed or not", async () => {
      gw.services.health.breakers.reset();
      deepseek.setScenario({ kind: "text", text: "cut short", finish: "length", usage: { input: 5, output: 2 } });
      const anthropic = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
      const whole = await anthropic.messages.create({
        model: "ds/deepseek-chat",
        max_tokens: 2,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(whole.stop_reason).toBe("max_tokens");
      const stream = anthropic.messages.stream({
        model: "ds/deepseek-chat",
        max_tokens: 2,
        messages: [{ role: "user", content: "hi again" }],
      });
      expect((await stream.finalMessage()).stop_reason).toBe("max_tokens");
      await gw.services.telemetry.tracing!.flush();
      const roots = await waitFor("two translated spans", () => {
        const found = receiver.spans.filter((s) => s.attributes["omniroute.client_format"] === "anthropic" && s.parentSpanId === "");
        return found.length >= 2 ? found : undefined;
      });
      for (const root of roots) {
        expect(root.attributes).toMatchObject({
          "gen_ai.response.finish_reasons": ["length"],
          "gen_ai.request.max_tokens": 2,
          "gen_ai.usage.output_tokens": 2,
        });
      }
      expect(roots.map((r) => r.attributes["omniroute.stream"]).sort()).toEqual([false, true]);
    });

    test("a fast-path answer (OpenAI client, OpenAI upstream) carries its finish reason too, streamed or not", async () => {
      gw.services.health.breakers.reset();
      deepseek.setScenario({ kind: "text", text: "cut short", finish: "length", usage: { input: 5, output: 2 } });
      const send = (stream: boolean) =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ model: "ds/deepseek-chat", max_tokens: 2, stream, messages: [{ role: "user", content: "fast path" }] }),
        }).then((res) => res.text());
      expect(await send(false)).toContain('"finish_reason":"length"');
      expect(await send(true)).toContain('"finish_reason":"length"');
      await gw.services.telemetry.tracing!.flush();
      const roots = await waitFor("two fast-path spans", () => {
        const found = receiver.spans.filter(
          (s) =>
            s.attributes["omniroute.client_format"] === "openai-chat" &&
            s.parentSpanId === "" &&
            s.attributes["gen_ai.request.max_tokens"] === 2,
        );
        return found.length >= 2 ? found : undefined;
      });
      for (const root of roots) expect(root.attributes).toMatchObject({ "gen_ai.response.finish_reasons": ["length"] });
      expect(roots.map((r) => r.attributes["omniroute.stream"]).sort()).toEqual([false, true]);
    });

    test("an answer from the cache and a request refused at the edge are spans too, with no attempt under them", async () => {
      gw.services.health.breakers.reset();
      await gw.api("/api/settings", { method: "PUT", body: { cache: { enabled: true, ttlSeconds: 60 } } });
      deepseek.setScenario({ kind: "text", text: "cached", usage: { input: 3, output: 1 } });
      const send = (body: unknown) =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        });
      const body = { model: "ds/deepseek-chat", temperature: 0, messages: [{ role: "user", content: "same question" }] };
      await (await send(body)).text();
      const hit = await send(body);
      expect(hit.headers.get("x-omniroute-cache")).toBe("HIT");
      await hit.text();
      const refused = await send({ model: "ds/deepseek-chat" });
      expect(refused.status).toBe(400);
      await refused.text();
      await gw.api("/api/settings", { method: "PUT", body: { cache: { enabled: false, ttlSeconds: 60 } } });
      await gw.services.telemetry.tracing!.flush();
      const byRequest = (res: Response) => () =>
        receiver.spans.find((s) => s.attributes["omniroute.request_id"] === res.headers.get("x-omniroute-request-id"));
      const hitSpan = await waitFor("the cache hit's span", byRequest(hit));
      expect(hitSpan.attributes).toMatchObject({
        "omniroute.cache": "hit",
        "gen_ai.request.model": "ds/deepseek-chat",
        "http.response.status_code": 200,
        "omniroute.attempts": 0,
      });
      expect(receiver.spans.filter((s) => s.parentSpanId === hitSpan.spanId)).toEqual([]);
      const refusedSpan = await waitFor("the refusal's span", byRequest(refused));
      // Refused while its body was read: the model it named is not known yet (its usage row says "" too).
      expect(refusedSpan.name).toBe("chat");
      expect(refusedSpan.attributes).toMatchObject({
        "http.response.status_code": 400,
        "error.type": "missing_required_parameter",
        "omniroute.attempts": 0,
      });
      expect(refusedSpan.statusCode).toBe(2);
    });

    test("a request without traceparent starts its own trace; a failed one carries its error type", async () => {
      gw.services.health.breakers.reset();
      deepseek.setScenario({ kind: "error", status: 500, message: "down" });
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: "ds/deepseek-chat", stream: true, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(500);
      const requestId = res.headers.get("x-omniroute-request-id")!;
      await gw.services.telemetry.tracing!.flush();
      const root = await waitFor<ReceivedSpan>("the failed request's span", () =>
        receiver.spans.find((s) => s.attributes["omniroute.request_id"] === requestId),
      );
      expect(root.parentSpanId).toBe("");
      expect(root.traceId).not.toBe(CLIENT_TRACE);
      expect(root.attributes).toMatchObject({
        "gen_ai.request.model": "ds/deepseek-chat",
        "http.response.status_code": 500,
        "omniroute.stream": true,
      });
      expect(typeof root.attributes["error.type"]).toBe("string");
      expect(root.statusCode).toBe(2);
      const children = receiver.spans.filter((s) => s.parentSpanId === root.spanId);
      expect(children.length).toBe(1);
      expect(children[0]!.attributes["omniroute.attempt.outcome"]).toBe("server_error");
    });
  });
}
