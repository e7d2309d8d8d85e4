// Shared by the Anthropic request tests: a canonical request, an expected error, a Claude Code-like body.
import { anthropicFormat } from "../../../src/formats/anthropic/index.ts";
import { GatewayError } from "../../../src/canonical/errors.ts";
import type { CanonicalRequest } from "../../../src/canonical/request.ts";

export const { decodeRequest, encodeRequest } = anthropicFormat;

export function canonical(over: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: "claude-x", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream: false, extra: {}, ...over };
}

export function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error("expected a GatewayError");
}

export const claudeCodeLike = {
  model: "claude-sonnet-4-5",
  max_tokens: 32000,
  stream: true,
  system: [
    { type: "text", text: "You are Claude Code." },
    { type: "text", text: "Project rules.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    { role: "user", content: "List files" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should run ls.", signature: "sig-abc" },
        { type: "redacted_thinking", data: "opaque==" },
        { type: "text", text: "Running ls." },
        { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: [{ type: "text", text: "a.ts\nb.ts" }],
          cache_control: { type: "ephemeral" },
        },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
        { type: "image", source: { type: "url", url: "https://x.test/cat.png" } },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" }, title: "spec.pdf" },
      ],
    },
    { role: "system", content: "Reminder: be brief." },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_2", content: "boom", is_error: true }] },
  ],
  tools: [
    {
      name: "Bash",
      description: "Run a command",
      input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
    },
    { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    { name: "Read", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } },
  ],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 10000 },
  metadata: { user_id: "user_123" },
  temperature: 1,
  stop_sequences: ["\n\nHuman:"],
  context_management: { edits: [] },
};
