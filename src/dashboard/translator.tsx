// The Translator page: playground (same code as /api/translator/translate), chat tester, test bench and live monitor.
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { translateRequest, TranslateSchema } from "../api/translator.ts";
import type { FormatId } from "../formats/types.ts";
import { listModels } from "../gateway/models.ts";
import type { Services } from "../services.ts";
import { TranslatorPage } from "../../views/pages/translator.tsx";
import { ALL_PAIRS, Bench } from "../../views/partials/translator-bench.tsx";
import { ChatTester, ModelSuggestions } from "../../views/partials/translator-chat.tsx";
import { MonitorConnector } from "../../views/partials/translator-monitor.tsx";
import { isFormatId, Playground, type PlaygroundValues, type Translation } from "../../views/partials/translator-playground.tsx";
import type { FieldErrors } from "../../views/components/form.tsx";
import { optional, readForm, validateForm } from "./forms.ts";
import { liftIdleTimeout } from "../gateway/edge/idle-timeout.ts";
import { monitorStream } from "./monitor-stream.ts";
import { BENCH_CASES, runBench } from "./translator-bench.ts";
import { runChatTest } from "./translator-chat.ts";
import { EXAMPLES, FORMAT_IDS } from "./translator-examples.ts";

const ChatTestForm = z.object({
  model: z.string().trim().min(1, "Name a model, e.g. ds/deepseek-chat").max(200, "At most 200 characters"),
  format: z.enum(FORMAT_IDS as [FormatId, ...FormatId[]], { message: "Choose a client format" }),
  system: z.string().trim().max(20_000, "At most 20,000 characters").optional(),
  message: z.string().trim().min(1, "Type a message").max(100_000, "At most 100,000 characters"),
});

const BenchForm = z.object({
  cases: z.array(z.enum(BENCH_CASES.map((c) => c.id) as [string, ...string[]])).min(1, "Pick at least one case"),
  pairs: z.array(z.string().refine((p) => ALL_PAIRS.includes(p), "Unknown format pair")).min(1, "Pick at least one format pair"),
});

function example(from: FormatId, to: string): PlaygroundValues {
  return { from, to, model: EXAMPLES[from].model, body: JSON.stringify(EXAMPLES[from].body, null, 2) };
}

/** The playground's translation, or the errors to show beside the fields (a body the source rejects goes beside the textarea). */
function translateForm(values: PlaygroundValues): { result: Translation } | { errors: FieldErrors } {
  let body: unknown;
  try {
    body = JSON.parse(values.body);
  } catch (err) {
    return { errors: { body: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` } };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { errors: { body: "The body must be a JSON object ({ … })." } };
  const parsed = validateForm(TranslateSchema, { from: values.from, to: values.to, body, model: values.model });
  if (!parsed.ok) return { errors: parsed.errors };
  try {
    return { result: translateRequest(parsed.data) };
  } catch (err) {
    if (!(err instanceof GatewayError) || err.kind !== "invalid_request") throw err;
    return { errors: { body: `The ${values.from} format rejects this body${err.param ? ` at ${err.param}` : ""}: ${err.message}` } };
  }
}

export function translatorPages(services: Services) {
  const defaultPassword = () => services.password.isDefault();
  return new Hono()
    .get("/translator", (c) =>
      c.html(<TranslatorPage defaultPassword={defaultPassword()} playground={example("anthropic", "openai-chat")} />),
    )

    .post("/partials/translator/translate", async (c) => {
      const form = await readForm(c);
      const values: PlaygroundValues = {
        from: form.get("from") ?? "",
        to: form.get("to") ?? "",
        model: optional(form.get("model")),
        body: form.get("body") ?? "",
      };
      const out = translateForm(values);
      if ("errors" in out) return c.html(<Playground values={values} errors={out.errors} />, 422);
      return c.html(<Playground values={values} result={out.result} />);
    })
    .get("/partials/translator/example", (c) => {
      const from = c.req.query("from");
      return c.html(
        <Playground
          values={example(isFormatId(from) ? from : "openai-chat", isFormatId(c.req.query("to")) ? c.req.query("to")! : "anthropic")}
        />,
      );
    })

    .get("/partials/translator/models", async (c) => c.html(<ModelSuggestions models={await listModels(services)} />))
    .post("/partials/translator/chat", async (c) => {
      const form = await readForm(c);
      const values = {
        model: form.get("model"),
        format: form.get("format"),
        system: optional(form.get("system")),
        message: form.get("message"),
      };
      const parsed = validateForm(ChatTestForm, values);
      if (!parsed.ok) return c.html(<ChatTester values={values} errors={parsed.errors} />, 422);
      // A model call may take minutes: lift Bun's idle timeout for this request, as the /v1 routes do.
      liftIdleTimeout(c);
      const result = await runChatTest(services, parsed.data, { requestId: c.get("requestId"), signal: c.req.raw.signal });
      return c.html(<ChatTester values={values} result={result} />);
    })

    .post("/partials/translator/bench", async (c) => {
      const form = await readForm(c);
      const selection = { cases: form.all("case"), pairs: form.all("pair") };
      const parsed = validateForm(BenchForm, selection);
      if (!parsed.ok) {
        // Errors per fieldset ("pairs.3" is the pairs fieldset).
        const errors: FieldErrors = {};
        for (const [field, message] of Object.entries(parsed.errors)) errors[field.split(".")[0]!] ??= message;
        return c.html(<Bench selection={selection} errors={errors} />, 422);
      }
      const started = performance.now();
      const pairs = parsed.data.pairs.map((p) => p.split(">") as [FormatId, FormatId]);
      const results = runBench(parsed.data.cases, pairs);
      return c.html(<Bench selection={selection} results={results} ms={performance.now() - started} />);
    })

    .get("/partials/monitor/connector", (c) => c.html(<MonitorConnector live={c.req.query("paused") === undefined} />))
    .get("/partials/monitor/stream", (c) => monitorStream(services, c));
}
