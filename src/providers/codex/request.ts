// The Responses body and headers the ChatGPT Codex backend accepts (POST https://chatgpt.com/backend-api/codex/responses).
//
// Backend quirks, as the Codex CLI and the clients that reuse its login send requests (badlogic/pi-mono
// packages/ai/src/providers/openai-codex/request-transformer.ts, router-for-me/CLIProxyAPI codex_executor.go):
// `stream` must be true, `store` false, `instructions` present (an empty string when the client gave none);
// `max_output_tokens` / `max_completion_tokens`, `prompt_cache_retention`, `safety_identifier` and
// `stream_options` are refused; input items must not carry ids of stored items (store is false), and
// `item_reference` items cannot be resolved; reasoning is kept across turns with
// `include: ["reasoning.encrypted_content"]`. Headers (openai/codex codex-rs default_client.rs and the clients
// above): `originator: codex_cli_rs`, a `codex_cli_rs/<version> (...)` user agent, `chatgpt-account-id`,
// `OpenAI-Beta: responses=experimental`, and `session_id` (the conversation; the prompt cache key when given).

const REFUSED = ["max_output_tokens", "max_completion_tokens", "prompt_cache_retention", "safety_identifier", "stream_options"];
export const CODEX_ORIGINATOR = "codex_cli_rs";
export const CODEX_USER_AGENT = "codex_cli_rs/0.63.0 (Linux; x86_64) OmniRoute";

function withoutStoredIds(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  return input
    .filter((item) => !(typeof item === "object" && item !== null && (item as { type?: unknown }).type === "item_reference"))
    .map((item) => {
      if (typeof item !== "object" || item === null || Array.isArray(item) || !("id" in item)) return item;
      const { id: _id, ...rest } = item as Record<string, unknown>;
      return rest;
    });
}

export function codexBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, stream: true, store: false };
  for (const key of REFUSED) delete out[key];
  if (typeof out.instructions !== "string") out.instructions = "";
  out.input = withoutStoredIds(
    typeof out.input === "string" ? [{ type: "message", role: "user", content: [{ type: "input_text", text: out.input }] }] : out.input,
  );
  const include = Array.isArray(out.include) ? out.include.filter((i): i is string => typeof i === "string") : [];
  out.include = [...new Set([...include, "reasoning.encrypted_content"])];
  return out;
}

export function codexHeaders(
  base: Record<string, string>,
  token: string | undefined,
  accountId: string | undefined,
  sessionId: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (k.toLowerCase() !== "authorization") headers[k.toLowerCase()] = v;
  return {
    ...headers,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(accountId ? { "chatgpt-account-id": accountId } : {}),
    "openai-beta": "responses=experimental",
    originator: CODEX_ORIGINATOR,
    "user-agent": CODEX_USER_AGENT,
    session_id: sessionId,
    accept: "text/event-stream",
    "content-type": "application/json",
  };
}
