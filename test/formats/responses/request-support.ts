// Shared by the Responses request tests: a decode expected to fail, a recorded Codex body.
import { expect } from "bun:test";
import { GatewayError } from "../../../src/canonical/errors.ts";
import { responsesFormat as f } from "../../../src/formats/responses/index.ts";

export function rejects(body: unknown): GatewayError {
  try {
    f.decodeRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error("expected decodeRequest to throw");
}

/** A Codex-style multi-turn input: instructions, developer item, reasoning, calls, outputs. */
export const CODEX_BODY = {
  model: "gpt-5.2-codex",
  instructions: "You are Codex.",
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "sandbox: read-only" }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
    { type: "reasoning", id: "rs_abc", summary: [{ type: "summary_text", text: "Need ls." }], encrypted_content: "gAAAAenc1" },
    { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
    { type: "function_call_output", call_id: "call_1", output: "a.txt\nb.txt" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Two files." }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "thanks" }] },
  ],
  tools: [
    {
      type: "function",
      name: "exec_command",
      description: "Run a command",
      parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
      strict: false,
    },
    {
      type: "custom",
      name: "apply_patch",
      description: "Apply a patch",
      format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
    },
    { type: "web_search" },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "high", summary: "auto" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "conv-1",
  text: { verbosity: "low" },
};
