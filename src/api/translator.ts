// POST /api/translator/translate: how a request in one wire format reaches an upstream of another.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { getFormat, hasFormat } from "../formats/registry.ts";
import type { FormatId } from "../formats/types.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

const FORMAT_IDS = ["openai-chat", "anthropic", "responses", "gemini"] as const;
/** Short names the dashboard and the user guide use for the same formats. */
const ALIASES: Record<string, FormatId> = { openai: "openai-chat", claude: "anthropic", chat: "openai-chat" };

const FormatName = z.string().transform((v, ctx) => {
  const id = (ALIASES[v] ?? v) as FormatId;
  if (!(FORMAT_IDS as readonly string[]).includes(id) || !hasFormat(id)) {
    ctx.addIssue({ code: "custom", message: `must be one of ${FORMAT_IDS.join(", ")}` });
    return z.NEVER;
  }
  return id;
});

export const TranslateSchema = z
  .object({
    from: FormatName,
    to: FormatName,
    body: z.record(z.string(), z.unknown()),
    /** Gemini carries the model in the URL: name it here when translating from Gemini. */
    model: z.string().min(1).optional(),
    stream: z.boolean().optional(),
  })
  .strict();

export function translateRequest(input: z.infer<typeof TranslateSchema>) {
  const from = getFormat(input.from);
  const to = getFormat(input.to);
  const canonical = from.decodeRequest(input.body, {
    model: input.model ?? (typeof input.body.model === "string" ? input.body.model : undefined),
    stream: input.stream,
  });
  const encoded = to.encodeRequest(canonical);
  const url = to.upstreamUrl("https://upstream.example", canonical.model, canonical.stream);
  return {
    from: input.from,
    to: input.to,
    body: encoded.body,
    dropped: encoded.dropped,
    path: new URL(url).pathname + new URL(url).search,
    canonical,
  };
}

export function translatorRoutes(_services: Services) {
  return new Hono().post("/translate", validate("json", TranslateSchema), (c) => {
    try {
      return c.json(translateRequest(c.req.valid("json")));
    } catch (err) {
      if (err instanceof GatewayError && err.kind === "invalid_request") {
        throw new GatewayError("invalid_request", `body: ${err.message}`, { param: err.param ? `body.${err.param}` : "body" });
      }
      throw err;
    }
  });
}
