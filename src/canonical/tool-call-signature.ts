// How a tool call's opaque signature (Gemini's thoughtSignature) travels through clients whose formats have no field for it.
//
// OpenAI Chat and Responses clients get it inside the tool call id (`<id>__thought__<signature>`, as
// other gateways do); they send that id back on the call and on its result, and the decoder splits it
// again. Anthropic's tool_use has no such room and its ids are validated, so the signature rides in
// the `signature` of an empty thinking block just before the call (`omniroute:tool-signature:<id>:<sig>`);
// the decoder moves it back onto the call and drops the block. Either way the canonical request holds the
// original id and ToolCallPart.signature, as if the client spoke Gemini.
import type { ContentPart, ToolCallPart } from "./request.ts";

const ID_MARK = "__thought__";
const THINKING_MARK = "omniroute:tool-signature:";

/** The id a client of a format without signatures sees for a call. */
export function idWithSignature(id: string, signature: string | undefined): string {
  return signature ? `${id}${ID_MARK}${signature}` : id;
}

/** True for a tool call id that carries a signature (only a Gemini upstream has use for it). */
export function idCarriesSignature(id: unknown): id is string {
  return typeof id === "string" && id.indexOf(ID_MARK) > 0;
}

/** A client's tool call id split back into the original id and the signature it carried. */
export function splitToolCallId(id: string): { id: string; signature?: string } {
  const at = id.indexOf(ID_MARK);
  if (at <= 0) return { id };
  const signature = id.slice(at + ID_MARK.length);
  return signature ? { id: id.slice(0, at), signature } : { id: id.slice(0, at) };
}

/** The signature of the thinking block that carries a tool call's signature to an Anthropic client. */
export function thinkingSignatureForCall(callId: string, signature: string): string {
  return `${THINKING_MARK}${encodeURIComponent(callId)}:${signature}`;
}

/** True for a thinking signature that only carries a tool call's signature (no provider would accept it). */
export function isCallSignatureCarrier(signature: unknown): boolean {
  return typeof signature === "string" && signature.startsWith(THINKING_MARK);
}

function callSignatureIn(thinkingSignature: string | undefined): { callId: string; signature: string } | undefined {
  if (!thinkingSignature?.startsWith(THINKING_MARK)) return undefined;
  const rest = thinkingSignature.slice(THINKING_MARK.length);
  const colon = rest.indexOf(":");
  if (colon <= 0) return undefined;
  try {
    return { callId: decodeURIComponent(rest.slice(0, colon)), signature: rest.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/**
 * An assistant turn's parts with the signatures of carrier thinking blocks moved back onto their calls.
 * The carrier stays as unsigned thinking with its text (often none), so part positions do not move.
 */
export function restoreCallSignatures(parts: ContentPart[]): ContentPart[] {
  let carried: Map<string, string> | undefined;
  for (const part of parts) {
    const found = part.type === "thinking" ? callSignatureIn(part.signature) : undefined;
    if (found) (carried ??= new Map()).set(found.callId, found.signature);
  }
  if (!carried) return parts;
  const signatures = carried;
  return parts.map((part): ContentPart => {
    if (part.type === "thinking" && callSignatureIn(part.signature)) return { type: "thinking", text: part.text };
    if (part.type !== "tool-call" || part.signature) return part;
    const signature = signatures.get(part.id);
    return signature ? ({ ...part, signature } satisfies ToolCallPart) : part;
  });
}
