// The usage rows' counter increments, summed in plain maps per provider and model and added to prom-client's counters
// when /metrics is read: a row costs two map look-ups instead of prom-client hashing and checking four label sets.
import type Counter from "prom-client/lib/counter";

/** The token types of `omniroute_tokens_total`, in the order a row's usage names them. */
const TOKEN_TYPES = ["input", "output", "cached", "cache_write", "reasoning"] as const;
type TokenType = (typeof TOKEN_TYPES)[number];

/** What one provider and model pair has counted since the counters last took it. */
interface PairCounts {
  provider: string;
  model: string;
  tokens: Record<TokenType, number>;
  cost: number;
  /** By format and status: `${format} ${status}` (neither holds a space) -> requests. */
  requests: Map<string, { format: string; status: string; count: number }>;
}

export interface RowCounter {
  add(row: {
    format: string;
    provider: string;
    model: string;
    status: number;
    tokens: Record<TokenType, number | undefined>;
    cost: number;
  }): void;
  /** Adds what was counted since the last call to the counters (called from their collect(), before each scrape). */
  flush(): void;
}

export function createRowCounter(counters: {
  requests: Counter<"format" | "provider" | "model" | "status">;
  tokens: Counter<"provider" | "model" | "type">;
  cost: Counter<"provider" | "model">;
}): RowCounter {
  // Entries stay once made (their values back at zero after a flush): one per label set, as prom-client keeps its own.
  const pairs = new Map<string, PairCounts>();
  return {
    add(row) {
      const key = `${row.provider}\n${row.model}`;
      let pair = pairs.get(key);
      if (!pair) {
        pair = {
          provider: row.provider,
          model: row.model,
          tokens: { input: 0, output: 0, cached: 0, cache_write: 0, reasoning: 0 },
          cost: 0,
          requests: new Map(),
        };
        pairs.set(key, pair);
      }
      const requestKey = `${row.format} ${row.status}`;
      const requests = pair.requests.get(requestKey);
      if (requests) requests.count++;
      else pair.requests.set(requestKey, { format: row.format, status: String(row.status), count: 1 });
      for (const type of TOKEN_TYPES) {
        const n = row.tokens[type];
        if (n) pair.tokens[type] += n;
      }
      if (row.cost > 0) pair.cost += row.cost;
    },
    flush() {
      for (const pair of pairs.values()) {
        const { provider, model } = pair;
        for (const r of pair.requests.values()) {
          if (!r.count) continue;
          counters.requests.inc({ format: r.format, provider, model, status: r.status }, r.count);
          r.count = 0;
        }
        for (const type of TOKEN_TYPES) {
          if (!pair.tokens[type]) continue;
          counters.tokens.inc({ provider, model, type }, pair.tokens[type]);
          pair.tokens[type] = 0;
        }
        if (pair.cost) {
          counters.cost.inc({ provider, model }, pair.cost);
          pair.cost = 0;
        }
      }
    },
  };
}
