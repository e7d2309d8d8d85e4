// Responses state around one call: expand previous_response_id / item_reference before it, keep the finished answer after it.
import type { Services } from "../../services.ts";
import { watchFinishedResponse } from "./capture.ts";
import { expandRequest, usesStoredState } from "./expand.ts";
import { createMemoryResponsesStore, type ResponsesStore } from "./store.ts";

/** One store per gateway (services), made on first use; a shared implementation would be chosen here. */
const stores = new WeakMap<Services, ResponsesStore>();

export function responsesStoreOf(services: Services): ResponsesStore {
  let store = stores.get(services);
  if (!store) {
    store = createMemoryResponsesStore(services.config.responsesStore);
    stores.set(services, store);
  }
  return store;
}

function ownInput(input: unknown): unknown[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return Array.isArray(input) ? input : [];
}

export interface StatefulCall {
  /** Whose responses these are: the API key's id, or "anonymous". */
  scope: string;
  body: Record<string, unknown>;
  /** The request body's size in bytes, when known (counted against the store's bound). */
  requestBytes: number;
}

/**
 * Runs `serve` with a body any upstream can take (history expanded, references resolved) and keeps the
 * finished answer unless the client sent `store: false`. An unknown or expired id is a 400 before any upstream call.
 */
export async function serveWithResponsesState(
  services: Services,
  call: StatefulCall,
  serve: (body: Record<string, unknown>) => Promise<Response>,
): Promise<Response> {
  const store = responsesStoreOf(services);
  const expanded = usesStoredState(call.body)
    ? await expandRequest(store, call.scope, call.body)
    : { body: call.body, ownInput: ownInput(call.body.input), previousId: undefined };
  const response = await serve(expanded.body);
  if (call.body.store === false || store.ttlSeconds <= 0) return response;
  return watchFinishedResponse(response, (finished, bytes) => {
    void store.put(call.scope, {
      id: finished.id,
      previousId: expanded.previousId,
      input: expanded.ownInput,
      output: finished.output,
      bytes: bytes + call.requestBytes,
    });
  });
}
