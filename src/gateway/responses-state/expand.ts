// A Responses request that builds on kept state (previous_response_id, item_reference) made whole, so any upstream can serve it.
import { GatewayError } from "../../canonical/errors.ts";
import type { ResponsesStore } from "./store.ts";

export interface ExpandedRequest {
  /** The body with the history in `input` and no previous_response_id. */
  body: Record<string, unknown>;
  /** The input items this request itself added, references resolved: what is kept with its answer. */
  ownInput: unknown[];
  previousId?: string;
}

/** Chains longer than this are not followed further (a loop guard; a real conversation is far shorter). */
const MAX_CHAIN = 10_000;

function bad(message: string, param: string, code = "invalid_value"): GatewayError {
  return new GatewayError("invalid_request", message, { param, code });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the body asks for kept state: only then is anything looked up. */
export function usesStoredState(body: Record<string, unknown>): boolean {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) return true;
  return Array.isArray(body.input) && body.input.some((item) => isRecord(item) && item.type === "item_reference");
}

function kept(store: ResponsesStore): string {
  return store.ttlSeconds > 0
    ? `this gateway keeps the responses it returned for ${store.ttlSeconds} s after their last use, per API key, unless they were sent with store: false`
    : "this gateway keeps no responses (RESPONSES_STORE_TTL_SECONDS=0)";
}

function inputItems(input: unknown): unknown[] | undefined {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  if (Array.isArray(input)) return input;
  if (input === undefined || input === null) return [];
  return undefined;
}

export async function expandRequest(store: ResponsesStore, scope: string, body: Record<string, unknown>): Promise<ExpandedRequest> {
  const { previous_response_id: previous, ...rest } = body;
  const own = inputItems(body.input);
  // A malformed input is the decoder's to report, in its own words.
  if (!own) return { body: rest, ownInput: [] };

  const resolved: unknown[] = [];
  for (const [i, item] of own.entries()) {
    if (!isRecord(item) || item.type !== "item_reference") {
      resolved.push(item);
      continue;
    }
    if (typeof item.id !== "string" || !item.id) throw bad("An item_reference needs the id of an item.", `input[${i}].id`);
    const found = await store.item(scope, item.id);
    if (found === undefined) {
      throw bad(
        `item_reference "${item.id}" is unknown or expired: ${kept(store)}. Send the full item instead.`,
        `input[${i}].id`,
        "item_not_found",
      );
    }
    resolved.push(found);
  }

  if (previous === undefined || previous === null) return { body: { ...rest, input: resolved }, ownInput: resolved };
  if (typeof previous !== "string" || !previous)
    throw bad("previous_response_id must be a response id (a string).", "previous_response_id");

  const history: unknown[][] = [];
  let id: string | undefined = previous;
  for (let depth = 0; id && depth < MAX_CHAIN; depth++) {
    const stored = await store.get(scope, id);
    if (!stored) {
      const what =
        id === previous
          ? `previous_response_id "${previous}" is unknown or expired`
          : `previous_response_id "${previous}" builds on response "${id}", which has expired`;
      throw bad(
        `${what}: ${kept(store)}. Send the whole conversation in input instead.`,
        "previous_response_id",
        "previous_response_not_found",
      );
    }
    history.push(stored.output, stored.input);
    id = stored.previousId;
  }
  const input = history.reverse().flat().concat(resolved);
  return { body: { ...rest, input }, ownInput: resolved, previousId: previous };
}
