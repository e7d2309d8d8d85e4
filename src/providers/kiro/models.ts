// Client model names -> the model ids Kiro's generateAssistantResponse takes in userInputMessage.modelId.
//
// Kiro lists its models with dotted versions ("claude-sonnet-4.5", "claude-haiku-4.5", "claude-sonnet-4", "auto"):
// jwadow/kiro-gateway kiro/config.py FALLBACK_MODELS; AIClient-2-API claude-kiro.js FULL_MODEL_MAPPING maps Anthropic's
// dashed names ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929") onto them. Older CodeWhisperer ids
// ("CLAUDE_SONNET_4_20250514_V1_0") are passed through unchanged, as is any id already in Kiro's form.

/** "claude-sonnet-4-5-20250929" -> "claude-sonnet-4.5"; "claude-sonnet-4-20250514" -> "claude-sonnet-4"; others unchanged. */
export function kiroModelId(model: string): string {
  const m = /^claude-(sonnet|haiku|opus)-(\d+)(?:[-.](\d))?(?:-\d{8})?$/.exec(model);
  if (!m) return model;
  return `claude-${m[1]}-${m[2]}${m[3] ? `.${m[3]}` : ""}`;
}
