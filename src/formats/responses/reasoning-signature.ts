// How a reasoning item's id and encrypted_content travel in ThinkingPart.signature, and back.
import { newId } from "./ids.ts";

/**
 * The canonical model has one opaque slot per thinking part (`signature`). A Responses reasoning item
 * needs two values to be replayed statelessly (`id` and `encrypted_content`), so both are packed into
 * it as `responses:<uri-encoded id>:<encrypted_content>`. The prefix marks the signature as coming
 * from a Responses upstream, so the encoder knows it may send it back to one.
 *
 * The other direction: a thinking signature from another format (Anthropic, Gemini) shown to a
 * Responses client rides inside `encrypted_content` behind a marker, so when the client replays
 * the item the original signature (or redacted-thinking data) comes back unchanged.
 */
const PACKED = "responses:";
const FOREIGN_SIGNATURE = "omniroute:thinking-signature:";
const FOREIGN_REDACTED = "omniroute:redacted-thinking:";

export function packSignature(id: string, encrypted: string): string {
  return `${PACKED}${encodeURIComponent(id)}:${encrypted}`;
}

export function unpackSignature(signature: string | undefined): { id: string; encrypted: string } | undefined {
  if (!signature?.startsWith(PACKED)) return undefined;
  const rest = signature.slice(PACKED.length);
  const colon = rest.indexOf(":");
  if (colon <= 0) return undefined;
  try {
    return { id: decodeURIComponent(rest.slice(0, colon)), encrypted: rest.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/** What a reasoning item's encrypted_content means in canonical terms. */
export type DecodedReasoning = { kind: "thinking"; signature?: string } | { kind: "redacted"; data: string };

/**
 * A reasoning item (from a client's input or an upstream's output) as canonical. Without
 * encrypted_content the item only points at server-side storage, which a stateless gateway cannot
 * replay, so it carries no signature (its id is not kept).
 */
export function decodeReasoningItem(id: string | undefined, encrypted: string | undefined): DecodedReasoning {
  if (!encrypted) return { kind: "thinking" };
  if (encrypted.startsWith(FOREIGN_REDACTED)) return { kind: "redacted", data: encrypted.slice(FOREIGN_REDACTED.length) };
  if (encrypted.startsWith(FOREIGN_SIGNATURE)) return { kind: "thinking", signature: encrypted.slice(FOREIGN_SIGNATURE.length) };
  return { kind: "thinking", signature: packSignature(id ?? newId("rs"), encrypted) };
}

/** True for encrypted_content that this gateway wrote around another format's thinking (not OpenAI's). */
export function isForeignEncrypted(encrypted: unknown): boolean {
  return typeof encrypted === "string" && (encrypted.startsWith(FOREIGN_SIGNATURE) || encrypted.startsWith(FOREIGN_REDACTED));
}

/** The id and encrypted_content of a reasoning item shown to a Responses client. */
export function reasoningItemForClient(signature: string | undefined): { id: string; encrypted_content?: string } {
  const packed = unpackSignature(signature);
  if (packed) return packed.encrypted ? { id: packed.id, encrypted_content: packed.encrypted } : { id: packed.id };
  if (signature) return { id: newId("rs"), encrypted_content: FOREIGN_SIGNATURE + signature };
  return { id: newId("rs") };
}

export function redactedItemForClient(data: string): { id: string; encrypted_content: string } {
  return { id: newId("rs"), encrypted_content: FOREIGN_REDACTED + data };
}

/** The reasoning item fields to replay to a Responses upstream, or undefined when the signature is not one of its own. */
export function reasoningItemForUpstream(signature: string | undefined): { id: string; encrypted_content: string } | undefined {
  const packed = unpackSignature(signature);
  if (!packed || !packed.encrypted) return undefined;
  return { id: packed.id, encrypted_content: packed.encrypted };
}
