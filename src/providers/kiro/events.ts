// Kiro's event-stream messages as canonical stream events, yielded as each message arrives.
//
// Events CodeWhisperer's generateAssistantResponse sends (`:message-type` "event", `:event-type` header, JSON payload),
// as Kiro clients read them (jwadow/kiro-gateway kiro/parsers.py, wyeeeee/kiro2api parser/event_stream_types.go):
//   assistantResponseEvent {content}                      a piece of the answer's text
//   toolUseEvent {name, toolUseId, input?, stop?}         a tool call: input arrives as JSON text pieces, stop ends it
//   contextUsageEvent {contextUsagePercentage}            how full the context window is (the only input-size report)
//   meteringEvent {unit, unitPlural, usage}               credits this answer cost
//   messageMetadataEvent, followupPromptEvent, ...        nothing a chat client needs
// Failures arrive as `:message-type` "exception" (`:exception-type` header, {message}) or "error"
// (`:error-code`, `:error-message` headers). Kiro reports no token counts: input tokens come from the context
// percentage (of the model's context window, as kiro-gateway computes them), output tokens are estimated from the text.
import { GatewayError, type ErrorKind } from "../../canonical/errors.ts";
import type { CanonicalEvent } from "../../canonical/response.ts";
import type { Usage } from "../../canonical/usage.ts";
import type { EventStreamMessage } from "./event-stream.ts";
import type { ToolNames } from "./tool-names.ts";

export interface KiroStreamContext {
  id: string;
  model: string;
  toolNames: ToolNames;
  /** The model's context window, to turn contextUsagePercentage into tokens. */
  contextWindow: number;
  /** The request's own size estimate, used when Kiro sends no context usage. */
  estimatedInputTokens: number;
  /** Credits the answer cost (meteringEvent), for quota tracking. */
  onCredits?(credits: number): void;
}

const decoder = new TextDecoder();

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function payloadOf(message: EventStreamMessage): Record<string, unknown> {
  if (message.payload.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(decoder.decode(message.payload));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new GatewayError("upstream", "Kiro sent an event whose payload is not JSON", { code: "bad_event_stream" });
  }
}

/** AWS exception names as the gateway's error kinds (CodeWhisperer streaming service errors). */
function exceptionKind(type: string): ErrorKind {
  if (/Throttling|TooManyRequests|ServiceQuotaExceeded/i.test(type)) return "rate_limit";
  if (/Validation|ContentLengthExceeded|BadRequest/i.test(type)) return "invalid_request";
  if (/AccessDenied|Forbidden/i.test(type)) return "permission";
  if (/Unauthorized|ExpiredToken/i.test(type)) return "authentication";
  if (/ServiceUnavailable/i.test(type)) return "unavailable";
  return "upstream";
}

/** Tokens of answer text, estimated at four characters a token (Kiro counts none). */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export async function* kiroToCanonical(
  messages: AsyncIterable<EventStreamMessage>,
  ctx: KiroStreamContext,
): AsyncGenerator<CanonicalEvent> {
  yield { type: "start", id: ctx.id, model: ctx.model, created: Math.floor(Date.now() / 1000) };
  const tools = new Map<string, { index: number; ended: boolean }>();
  let openTool: { index: number; ended: boolean } | undefined;
  let outputChars = 0;
  let inputTokens: number | undefined;

  const endOpenTool = function* (): Generator<CanonicalEvent> {
    if (openTool && !openTool.ended) {
      openTool.ended = true;
      yield { type: "tool-call-end", index: openTool.index };
    }
  };

  try {
    for await (const message of messages) {
      const kind = str(message.headers[":message-type"]) ?? "event";
      if (kind === "exception") {
        const type = str(message.headers[":exception-type"]) ?? "Exception";
        const text = str(payloadOf(message).message) ?? "no message";
        yield { type: "error", error: new GatewayError(exceptionKind(type), `Kiro: ${type}: ${text}`, { code: type }) };
        return;
      }
      if (kind === "error") {
        const code = str(message.headers[":error-code"]) ?? "Error";
        const text = str(message.headers[":error-message"]) ?? "no message";
        yield { type: "error", error: new GatewayError(exceptionKind(code), `Kiro: ${code}: ${text}`, { code }) };
        return;
      }
      const data = payloadOf(message);
      switch (str(message.headers[":event-type"])) {
        case "assistantResponseEvent": {
          const text = str(data.content);
          if (!text) break;
          yield* endOpenTool();
          outputChars += text.length;
          yield { type: "text-delta", text };
          break;
        }
        case "toolUseEvent": {
          const id = str(data.toolUseId);
          if (!id) break;
          let tool = tools.get(id);
          if (!tool) {
            yield* endOpenTool();
            tool = { index: tools.size, ended: false };
            tools.set(id, tool);
            openTool = tool;
            const name = ctx.toolNames.fromKiro(str(data.name) ?? "");
            outputChars += name.length;
            yield { type: "tool-call-start", index: tool.index, id, name };
          }
          const input =
            typeof data.input === "string"
              ? data.input
              : data.input && typeof data.input === "object" && Object.keys(data.input).length
                ? JSON.stringify(data.input)
                : "";
          if (input && !tool.ended) {
            outputChars += input.length;
            yield { type: "tool-args-delta", index: tool.index, delta: input };
          }
          if (data.stop === true && !tool.ended) {
            tool.ended = true;
            yield { type: "tool-call-end", index: tool.index };
          }
          break;
        }
        case "contextUsageEvent": {
          const percent = data.contextUsagePercentage;
          if (typeof percent === "number" && Number.isFinite(percent)) inputTokens = Math.round((percent / 100) * ctx.contextWindow);
          break;
        }
        case "meteringEvent":
          if (typeof data.usage === "number") ctx.onCredits?.(data.usage);
          break;
        default:
          break;
      }
    }
  } catch (err) {
    yield {
      type: "error",
      error:
        err instanceof GatewayError
          ? err
          : new GatewayError("upstream", `Kiro's stream broke off: ${err instanceof Error ? err.message : String(err)}`),
    };
    return;
  }
  yield* endOpenTool();
  const usage: Partial<Usage> = { inputTokens: inputTokens ?? ctx.estimatedInputTokens, outputTokens: estimateTokens(outputChars) };
  yield { type: "finish", reason: tools.size > 0 ? "tool-calls" : "stop", usage };
}
