// The Translator test bench: built-in cases translated between format pairs and checked by decoding the result again.
import { toGatewayError } from "../canonical/errors.ts";
import type { CanonicalRequest, Message } from "../canonical/request.ts";
import { translateRequest } from "../api/translator.ts";
import { getFormat } from "../formats/registry.ts";
import type { FormatId } from "../formats/types.ts";

/** A one-pixel PNG, enough for every format to carry an image part. */
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
const weather = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

function request(messages: Message[], more: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: "bench-model", stream: false, maxTokens: 4096, messages, extra: {}, ...more };
}
const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

export const BENCH_CASES: Array<{ id: string; label: string; request: CanonicalRequest }> = [
  { id: "text", label: "Plain text", request: request([user("Say hello in French.")], { maxTokens: 256 }) },
  {
    id: "system",
    label: "System prompt",
    request: request([{ role: "system", content: [{ type: "text", text: "Answer in one word." }] }, user("What colour is the sky?")], {
      maxTokens: 128,
    }),
  },
  {
    id: "tools",
    label: "Tool definition",
    request: request([user("Weather in Paris?")], {
      tools: [
        { name: "get_weather", description: "Current weather for a city", parameters: weather },
        { name: "get_time", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { type: "auto" },
    }),
  },
  {
    id: "tool-round-trip",
    label: "Tool round trip",
    request: request(
      [
        user("Weather in Paris?"),
        { role: "assistant", content: [{ type: "tool-call", id: "call_paris_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        {
          role: "user",
          content: [
            { type: "tool-result", callId: "call_paris_1", name: "get_weather", content: [{ type: "text", text: "18°C, light rain" }] },
          ],
        },
      ],
      { tools: [{ name: "get_weather", description: "Current weather for a city", parameters: weather }] },
    ),
  },
  {
    id: "image",
    label: "Image",
    request: request([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: PIXEL } },
        ],
      },
    ]),
  },
  {
    id: "thinking",
    label: "Thinking",
    request: request([user("Is 1009 prime?")], { reasoning: { enabled: true, budgetTokens: 2048 } }),
  },
  {
    id: "structured",
    label: "Structured output",
    request: request([user("Give me a city and its country.")], {
      responseFormat: {
        type: "json_schema",
        name: "place",
        strict: true,
        schema: {
          type: "object",
          properties: { city: { type: "string" }, country: { type: "string" } },
          required: ["city", "country"],
          additionalProperties: false,
        },
      },
    }),
  },
];

export interface BenchResult {
  caseId: string;
  caseLabel: string;
  from: FormatId;
  to: FormatId;
  ok: boolean;
  /** What differs between the request as decoded from the source and as decoded again from the translation. */
  differences: string[];
  dropped: string[];
}

/** The canonical fields a translation must keep, each as a comparable value. */
type Summary = Record<string, string | number | undefined>;

/** Adjacent turns of one role are one turn (Anthropic and Gemini merge them), so they are compared merged. */
function mergedRoles(messages: Message[]): string[] {
  const roles: string[] = [];
  for (const m of messages) if (roles.at(-1) !== m.role) roles.push(m.role);
  return roles;
}

function summarize(req: CanonicalRequest): Summary {
  const parts = req.messages.flatMap((m) => m.content);
  return {
    "message roles": mergedRoles(req.messages).join(", "),
    text: parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join(" | "),
    "tool names": (req.tools ?? []).map((t) => t.name).join(", "),
    "tool call ids": parts
      .flatMap((p) => (p.type === "tool-call" ? [p.id] : p.type === "tool-result" ? [`result:${p.callId}`] : []))
      .join(", "),
    "max tokens": req.maxTokens,
    images: parts.filter((p) => p.type === "image").length,
    reasoning: req.reasoning ? (req.reasoning.enabled === false ? "off" : "on") : "none",
    "response format": req.responseFormat?.type ?? "none",
  };
}

/** Losing one of these is fine when the encoder reported it (nothing dropped silently). */
const EXCUSED_BY: Record<string, string[]> = {
  images: ["image", "user.image"],
  reasoning: ["reasoning"],
  "response format": ["responseFormat"],
};

function show(value: unknown): string {
  return value === undefined || value === "" ? "(none)" : String(value);
}

/** The key fields that differ, as "field: sent X, arrived Y" (a loss the encoder reported is not a difference). */
export function compareRequests(sent: CanonicalRequest, arrived: CanonicalRequest, dropped: string[]): string[] {
  const before = summarize(sent);
  const after = summarize(arrived);
  const differences: string[] = [];
  for (const field of Object.keys(before)) {
    if (before[field] === after[field]) continue;
    if (EXCUSED_BY[field]?.some((name) => dropped.some((d) => d === name || d.startsWith(`${name}.`)))) continue;
    differences.push(`${field}: sent ${show(before[field])}, arrived ${show(after[field])}`);
  }
  return differences;
}

export function runCase(caseId: string, from: FormatId, to: FormatId): BenchResult {
  const bench = BENCH_CASES.find((c) => c.id === caseId);
  if (!bench) throw new Error(`unknown bench case ${caseId}`);
  const base = { caseId, caseLabel: bench.label, from, to };
  try {
    // The source body is the case as a client of `from` sends it.
    const source = getFormat(from).encodeRequest(bench.request).body;
    const translated = translateRequest({ from, to, body: source, model: bench.request.model, stream: false });
    const again = getFormat(to).decodeRequest(translated.body, { model: translated.canonical.model, stream: false });
    const differences = compareRequests(translated.canonical, again, translated.dropped);
    return { ...base, ok: differences.length === 0, differences, dropped: translated.dropped };
  } catch (err) {
    return { ...base, ok: false, differences: [`failed: ${toGatewayError(err).message}`], dropped: [] };
  }
}

export function runBench(caseIds: string[], pairs: Array<[FormatId, FormatId]>): BenchResult[] {
  const out: BenchResult[] = [];
  for (const id of caseIds) for (const [from, to] of pairs) out.push(runCase(id, from, to));
  return out;
}
