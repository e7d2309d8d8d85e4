// The names of a Responses client's free-form (`type: "custom"`) tools, kept in `extra.tools`.
import type { CanonicalRequest } from "../../canonical/request.ts";
import { isRecord, str } from "./wire.ts";

/**
 * Custom tools (Codex's apply_patch, for one) take raw text, not JSON arguments. The canonical model
 * has no slot for them, so they ride in `extra.tools`; their calls are canonical tool calls whose
 * `arguments` hold that raw text, and this set tells the encoders to write them back as
 * custom_tool_call items.
 */
export function customToolNames(req: CanonicalRequest): Set<string> {
  const names = new Set<string>();
  if (req.extraFormat !== "responses" || !Array.isArray(req.extra.tools)) return names;
  for (const tool of req.extra.tools) {
    const name = isRecord(tool) && tool.type === "custom" ? str(tool.name) : undefined;
    if (name) names.add(name);
  }
  return names;
}
