// The canonical request as CodeWhisperer's generateAssistantResponse body (the conversationState Kiro sends).
//
// Shape, as Kiro clients send it (aws/amazon-q-developer-cli's streaming client; open-source gateways
// jwadow/kiro-gateway kiro/converters_core.py, justlovemaki/AIClient-2-API src/providers/claude/claude-kiro.js,
// wyeeeee/kiro2api types/codewhisperer.go):
//   { conversationState: { chatTriggerType: "MANUAL", conversationId, history: [turn...],
//       currentMessage: { userInputMessage: { content, modelId, origin: "AI_EDITOR", images?,
//         userInputMessageContext: { tools: [{ toolSpecification: { name, description, inputSchema: { json } } }],
//                                    toolResults: [{ toolUseId, content: [{ text }], status: "success"|"error" }] } } } },
//     profileArn? }
//   turn = { userInputMessage: {...} } | { assistantResponseMessage: { content, toolUses?: [{ toolUseId, name, input }] } }
// Rules the service enforces (same sources): turns alternate and start with a user turn; no empty content; toolResults
// only after an assistant turn with the matching toolUses, and only when tools are declared; tool names of at most 64
// characters; long tool descriptions are rejected ("Improperly formed request"), so they move into the system text.
import { assertNever } from "../../canonical/response.ts";
import type { CanonicalRequest, ContentPart, ImagePart, ToolDefinition } from "../../canonical/request.ts";
import { kiroModelId } from "./models.ts";
import { ToolNames } from "./tool-names.ts";

const EMPTY = "(empty)";
const TOOL_DESCRIPTION_MAX = 10_000;

interface CwImage {
  format: string;
  source: { bytes: string };
}
interface CwToolResult {
  toolUseId: string;
  content: Array<{ text: string }>;
  status: "success" | "error";
}
interface CwToolUse {
  toolUseId: string;
  name: string;
  input: unknown;
}
interface CwTool {
  toolSpecification: { name: string; description: string; inputSchema: { json: Record<string, unknown> } };
}
interface CwUserInput {
  content: string;
  modelId: string;
  origin: "AI_EDITOR";
  images?: CwImage[];
  userInputMessageContext?: { tools?: CwTool[]; toolResults?: CwToolResult[] };
}
interface CwAssistant {
  content: string;
  toolUses?: CwToolUse[];
}
type CwTurn = { userInputMessage: CwUserInput } | { assistantResponseMessage: CwAssistant };

export interface KiroRequest {
  body: Record<string, unknown>;
  /** Tool names as Kiro knows them, to give the client its own names back. */
  toolNames: ToolNames;
  /** Canonical fields CodeWhisperer has no place for. */
  dropped: string[];
}

/** One side of the conversation, before it becomes a CodeWhisperer turn. */
interface Turn {
  role: "user" | "assistant";
  texts: string[];
  images: CwImage[];
  toolResults: CwToolResult[];
  toolUses: CwToolUse[];
}

function imageOf(part: ImagePart, dropped: Set<string>): CwImage | undefined {
  if (part.source.kind !== "base64") {
    dropped.add("image url");
    return undefined;
  }
  const format = part.source.mediaType.split("/")[1] ?? "png";
  return { format: format === "jpg" ? "jpeg" : format, source: { bytes: part.source.data } };
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args || "{}");
  } catch {
    return {};
  }
}

function toTurns(req: CanonicalRequest, names: ToolNames, dropped: Set<string>): { system: string[]; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of req.messages) {
    if (message.role === "system") {
      for (const part of message.content) if (part.type === "text") system.push(part.text);
      continue;
    }
    let turn = turns.at(-1);
    if (!turn || turn.role !== message.role) {
      turn = { role: message.role, texts: [], images: [], toolResults: [], toolUses: [] };
      turns.push(turn);
    }
    for (const part of message.content) addPart(turn, part, names, dropped);
  }
  return { system, turns };
}

function addPart(turn: Turn, part: ContentPart, names: ToolNames, dropped: Set<string>): void {
  switch (part.type) {
    case "text":
      if (part.text) turn.texts.push(part.text);
      break;
    case "image": {
      const image = imageOf(part, dropped);
      if (image) turn.images.push(image);
      break;
    }
    case "file":
      dropped.add("file");
      break;
    case "tool-call":
      turn.toolUses.push({ toolUseId: part.id, name: names.toKiro(part.name), input: parseInput(part.arguments) });
      break;
    case "tool-result": {
      const texts: Array<{ text: string }> = [];
      for (const inner of part.content) {
        if (inner.type === "text") texts.push({ text: inner.text });
        else {
          const image = imageOf(inner, dropped);
          if (image) turn.images.push(image);
        }
      }
      turn.toolResults.push({
        toolUseId: part.callId,
        content: texts.length ? texts : [{ text: EMPTY }],
        status: part.isError ? "error" : "success",
      });
      break;
    }
    case "thinking":
    case "redacted-thinking":
      dropped.add("thinking");
      break;
    default:
      assertNever(part, "content part");
  }
}

/** Without declared tools Kiro refuses toolUses/toolResults: they travel as text, so the model still sees them. */
function toolsAsText(turn: Turn): void {
  for (const use of turn.toolUses) turn.texts.push(`[Tool call ${use.name} (${use.toolUseId})] ${JSON.stringify(use.input)}`);
  for (const result of turn.toolResults)
    turn.texts.push(`[Tool result (${result.toolUseId})]\n${result.content.map((c) => c.text).join("\n")}`);
  turn.toolUses = [];
  turn.toolResults = [];
}

function userInput(turn: Turn, modelId: string, fallback: string): CwUserInput {
  const input: CwUserInput = { content: turn.texts.join("\n\n") || fallback, modelId, origin: "AI_EDITOR" };
  if (turn.images.length) input.images = turn.images;
  if (turn.toolResults.length) input.userInputMessageContext = { toolResults: turn.toolResults };
  return input;
}

function toolSpecs(tools: ToolDefinition[], names: ToolNames, system: string[]): CwTool[] {
  return tools.map((tool) => {
    let description = tool.description || tool.name;
    if (description.length > TOOL_DESCRIPTION_MAX) {
      system.push(`## Tool: ${tool.name}\n${description}`);
      description = `[Full documentation in the system prompt under "## Tool: ${tool.name}"]`;
    }
    return { toolSpecification: { name: names.toKiro(tool.name), description, inputSchema: { json: tool.parameters } } };
  });
}

export function buildKiroRequest(req: CanonicalRequest, opts: { profileArn?: string; conversationId?: string }): KiroRequest {
  const dropped = new Set<string>();
  const names = new ToolNames(req.tools?.map((t) => t.name) ?? []);
  const { system, turns } = toTurns(req, names, dropped);
  const tools = req.tools?.length ? toolSpecs(req.tools, names, system) : undefined;
  if (!tools) for (const turn of turns) toolsAsText(turn);

  // The conversation starts with a user turn and ends with the current one.
  if (turns[0]?.role !== "user") turns.unshift({ role: "user", texts: [], images: [], toolResults: [], toolUses: [] });
  if (turns.at(-1)?.role === "assistant") turns.push({ role: "user", texts: ["Continue"], images: [], toolResults: [], toolUses: [] });
  if (system.length) turns[0]!.texts.unshift(system.join("\n\n"));

  const modelId = kiroModelId(req.model);
  const current = turns.pop()!;
  const history: CwTurn[] = turns.map((turn) =>
    turn.role === "user"
      ? { userInputMessage: userInput(turn, modelId, EMPTY) }
      : {
          assistantResponseMessage: {
            content: turn.texts.join("\n\n") || EMPTY,
            ...(turn.toolUses.length ? { toolUses: turn.toolUses } : {}),
          },
        },
  );
  const currentInput = userInput(current, modelId, current.toolResults.length ? "Tool results provided." : "Continue");
  if (tools) currentInput.userInputMessageContext = { ...currentInput.userInputMessageContext, tools };

  for (const field of [
    "maxTokens",
    "temperature",
    "topP",
    "topK",
    "stop",
    "seed",
    "presencePenalty",
    "frequencyPenalty",
    "responseFormat",
    "reasoning",
  ] as const) {
    if (req[field] !== undefined) dropped.add(field);
  }
  if (req.toolChoice && req.toolChoice.type !== "auto") dropped.add("toolChoice");

  const body: Record<string, unknown> = {
    conversationState: {
      chatTriggerType: "MANUAL",
      conversationId: opts.conversationId ?? crypto.randomUUID(),
      currentMessage: { userInputMessage: currentInput },
      history,
    },
  };
  if (opts.profileArn) body.profileArn = opts.profileArn;
  return { body, toolNames: names, dropped: [...dropped] };
}
