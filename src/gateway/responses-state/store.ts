// The responses and output items the gateway returned, kept per API key for previous_response_id and item_reference.
// Hot state behind a small interface: this in-memory store serves one instance; a shared one (Redis) can take its place.

/** One response as a later request may build on it: the input items it added and the items it produced. */
export interface StoredResponse {
  id: string;
  /** The response it continued (its previous_response_id), whose history comes before this one's. */
  previousId?: string;
  /** The input items this request added (item references already resolved). */
  input: unknown[];
  /** The response's output items, as the client got them. */
  output: unknown[];
  /** About how much memory it holds (the request and answer sizes), for the store's bound. */
  bytes: number;
}

export interface ResponsesStore {
  /** Keep a response for `scope` (an API key); replaces one with the same id. */
  put(scope: string, response: StoredResponse): Promise<void>;
  /** A kept response, its time to live renewed; undefined when unknown or expired. */
  get(scope: string, id: string): Promise<StoredResponse | undefined>;
  /** An item (input or output) a kept response holds, by its id. */
  item(scope: string, itemId: string): Promise<unknown | undefined>;
  /** The store's bounds, for the messages a client reads. */
  readonly ttlSeconds: number;
}

interface Entry {
  response: StoredResponse;
  expiresAt: number;
  itemIds: string[];
}

function itemId(item: unknown): string | undefined {
  return typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string"
    ? (item as { id: string }).id
    : undefined;
}

/**
 * Entries live `ttlSeconds` after their last use and at most `maxBytes` in all: the least recently used go
 * first. The Map's order is the use order (an entry used is moved to the end), so expired and evicted
 * entries are always at its start.
 */
export function createMemoryResponsesStore(opts: { ttlSeconds: number; maxBytes: number; now?: () => number }): ResponsesStore {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlSeconds * 1000;
  const entries = new Map<string, Entry>();
  /** scope + item id -> scope + response id. */
  const items = new Map<string, string>();
  let bytes = 0;

  const key = (scope: string, id: string) => `${scope}\u0000${id}`;

  function drop(k: string, entry: Entry): void {
    entries.delete(k);
    bytes -= entry.response.bytes;
    const scope = k.slice(0, k.indexOf("\u0000"));
    for (const id of entry.itemIds) if (items.get(key(scope, id)) === k) items.delete(key(scope, id));
  }

  function prune(extra = 0): void {
    const t = now();
    for (const [k, entry] of entries) {
      if (entry.expiresAt > t && bytes + extra <= opts.maxBytes) break;
      drop(k, entry);
    }
  }

  function live(k: string): Entry | undefined {
    const entry = entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      drop(k, entry);
      return undefined;
    }
    // Used again: lives another TTL and moves to the end of the use order.
    entries.delete(k);
    entry.expiresAt = now() + ttlMs;
    entries.set(k, entry);
    return entry;
  }

  return {
    ttlSeconds: opts.ttlSeconds,
    async put(scope, response) {
      if (ttlMs <= 0 || response.bytes > opts.maxBytes) return;
      const k = key(scope, response.id);
      const old = entries.get(k);
      if (old) drop(k, old);
      prune(response.bytes);
      const itemIds = [...response.input, ...response.output].map(itemId).filter((id): id is string => id !== undefined);
      entries.set(k, { response, expiresAt: now() + ttlMs, itemIds });
      bytes += response.bytes;
      for (const id of itemIds) items.set(key(scope, id), k);
    },
    async get(scope, id) {
      return live(key(scope, id))?.response;
    },
    async item(scope, id) {
      const owner = items.get(key(scope, id));
      const entry = owner ? live(owner) : undefined;
      if (!entry) return undefined;
      return [...entry.response.output, ...entry.response.input].find((item) => itemId(item) === id);
    },
  };
}
