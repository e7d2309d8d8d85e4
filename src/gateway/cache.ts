// The response cache: deterministic (temperature 0) answers kept in memory, bounded, for a TTL; streams replay as SSE.
import type { MaybePromise } from "../accounts/limits.ts";
import type { CapturedResponse } from "./capture.ts";
import { stableStringify } from "./stable-json.ts";

const MAX_ENTRIES = 1000;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

interface Entry {
  value: CapturedResponse;
  expiresAt: number;
  bytes: number;
}

export interface CacheStats {
  entries: number;
  hits: number;
  misses: number;
  bytes: number;
}

/** The cache is hot state: one in memory here, a shared one when several instances run. */
export interface ResponseCache {
  get(key: string, now?: number): MaybePromise<CapturedResponse | undefined>;
  set(key: string, value: CapturedResponse, ttlMs: number, now?: number): void;
  clear(): void;
  stats(): CacheStats;
}

/** The key: who asks (API key), in which format, and the request itself (key order does not matter). */
export function cacheKey(keyId: string | null, format: string, model: string, body: unknown): string {
  return new Bun.CryptoHasher("sha256").update(`${keyId ?? ""}\u0000${format}\u0000${model}\u0000${stableStringify(body)}`).digest("hex");
}

/** At most MAX_ENTRIES answers and MAX_TOTAL_BYTES, least recently used out first. */
export class MemoryResponseCache implements ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  get(key: string, now = Date.now()): CapturedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      if (entry) this.drop(key, entry);
      this.misses++;
      return undefined;
    }
    // Least recently used goes first: re-insert on every hit.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: CapturedResponse, ttlMs: number, now = Date.now()): void {
    const bytes = value.body.byteLength;
    if (bytes > MAX_TOTAL_BYTES / 4) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, { value, expiresAt: now + ttlMs, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_TOTAL_BYTES) break;
      this.drop(k, e);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses, bytes: this.bytes };
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
