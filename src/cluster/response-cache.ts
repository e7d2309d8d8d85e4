// The response cache shared by every instance: answers in Redis with their TTL (a hit on any instance), each bounded
// in size (larger ones stay in this instance's memory); "clear" moves every instance to a new generation of keys.
import { MemoryResponseCache, type CacheStats, type ResponseCache } from "../gateway/cache.ts";
import type { CapturedResponse } from "../gateway/capture.ts";
import { decodeAnswer, encodeAnswer } from "./answers.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

/** The largest answer kept in Redis; a larger one is kept by the instance that got it. */
export const MAX_SHARED_ANSWER_BYTES = 1024 * 1024;
const CHANNEL = "cache-generation";

/** KEYS: the generation counter. ARGV: channel. A new generation, told to every instance. */
const CLEAR = new LuaScript(`
local gen = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], gen)
return gen
`);

export class RedisResponseCache implements ResponseCache {
  /** Answers too large for Redis, and every answer while Redis is away. */
  private readonly local = new MemoryResponseCache();
  private generation = "0";
  private hits = 0;
  private misses = 0;
  /** What this instance stored in Redis, for the stats: key -> [expires at, bytes]. */
  private readonly stored = new Map<string, [number, number]>();

  constructor(private readonly link: RedisLink) {
    link.subscribe(CHANNEL, (gen) => this.moveTo(gen));
    link.onConnect(async () => {
      const gen = await link.call((client) => client.get(this.genKey()));
      if (gen !== UNAVAILABLE) this.moveTo(gen ?? "0");
    });
  }

  async get(key: string, now = Date.now()): Promise<CapturedResponse | undefined> {
    const mine = this.local.get(key, now);
    if (mine) {
      this.hits++;
      return mine;
    }
    const bytes = await this.link.call((client) => client.getBuffer(this.entryKey(key)));
    const answer = bytes && bytes !== UNAVAILABLE ? decodeAnswer(bytes) : undefined;
    if (answer) this.hits++;
    else this.misses++;
    return answer;
  }

  set(key: string, value: CapturedResponse, ttlMs: number, now = Date.now()): void {
    if (value.body.byteLength > MAX_SHARED_ANSWER_BYTES || !this.link.connected) {
      this.local.set(key, value, ttlMs, now);
      return;
    }
    const bytes = encodeAnswer(value);
    const ms = Math.max(1, Math.round(ttlMs));
    void this.link
      .call((client) => client.set(this.entryKey(key), bytes, "PX", ms), { background: true })
      .then((ok) => {
        if (ok === UNAVAILABLE) this.local.set(key, value, ttlMs, now);
        else this.stored.set(key, [now + ms, bytes.byteLength]);
      });
  }

  clear(): void {
    this.local.clear();
    this.stored.clear();
    void this.link.eval(CLEAR, [this.genKey()], [this.link.prefix + CHANNEL], { background: true }).then((gen) => {
      if (gen !== UNAVAILABLE) this.moveTo(String(gen));
    });
  }

  /** Hits and misses on this instance; entries and bytes it keeps (in Redis or in memory) still live. */
  stats(): CacheStats {
    const now = Date.now();
    let bytes = 0;
    for (const [key, [expiresAt, size]] of this.stored) {
      if (expiresAt <= now) this.stored.delete(key);
      else bytes += size;
    }
    const local = this.local.stats();
    return { entries: this.stored.size + local.entries, hits: this.hits, misses: this.misses, bytes: bytes + local.bytes };
  }

  private moveTo(generation: string): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.stored.clear();
    this.local.clear();
  }

  private genKey(): string {
    return `${this.link.prefix}cache:generation`;
  }

  private entryKey(key: string): string {
    return `${this.link.prefix}cache:${this.generation}:${key}`;
  }
}
