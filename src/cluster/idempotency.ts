// Idempotency shared by every instance: the first request with a key claims it atomically in Redis (a lease its
// instance renews); a duplicate on any instance waits for that answer (told by pub/sub, polled as a backstop) and
// replays it; when the first did not complete, or its instance died, the duplicate runs on its own.
import type { CapturedResponse } from "../gateway/capture.ts";
import { IDEMPOTENCY_WINDOW_MS, MemoryIdempotency, type IdempotencyClaim, type IdempotencyStore } from "../gateway/idempotency.ts";
import { decodeAnswer, encodeAnswer } from "./answers.ts";
import { MAX_SHARED_ANSWER_BYTES } from "./response-cache.ts";
import type { Leases } from "./leases.ts";
import { LuaScript, UNAVAILABLE, type RedisLink } from "./link.ts";

const CHANNEL = "idempotency-done";
/** How often a waiting duplicate looks at Redis itself, should the message that the first finished be missed. */
const POLL_MS = 500;

/** KEYS: running marker, answer. ARGV: lease. "first" (claimed), "running" or "done". */
const CLAIM = new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 'done' end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 'first' end
return 'running'
`);

/** Why a duplicate stops waiting: the first's answer, or undefined (it failed, was too large, or its instance died). */
type Outcome = CapturedResponse | undefined;

export class RedisIdempotency implements IdempotencyStore {
  /** While Redis is away: this instance's own claims. */
  private readonly local = new MemoryIdempotency();
  /** Keys this instance claimed in memory (Redis was away then): their `finish` goes there. */
  private readonly claimedLocally = new Set<string>();
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly link: RedisLink,
    private readonly leases: Leases,
  ) {
    link.subscribe(CHANNEL, (hash) => {
      const list = this.waiting.get(hash);
      if (list) for (const look of [...list]) look();
    });
  }

  async claim(key: string, now = Date.now()): Promise<IdempotencyClaim> {
    const hash = digest(key);
    const [running, answer] = this.keys(hash);
    const reply = await this.link.eval(CLAIM, [running, answer], [this.leases.ms]);
    if (reply === UNAVAILABLE) {
      const claim = this.local.claim(key, now);
      if (claim.first) this.claimedLocally.add(key);
      return claim;
    }
    if (reply === "first") {
      this.leases.keep(`idem:${hash}`, () => this.link.call((client) => client.pexpire(running, this.leases.ms), { background: true }));
      return { first: true };
    }
    return { first: false, answer: reply === "done" ? this.read(hash).then((a) => a ?? this.wait(hash)) : this.wait(hash) };
  }

  finish(key: string, answer: CapturedResponse | undefined, now = Date.now()): void {
    if (this.claimedLocally.delete(key)) {
      this.local.finish(key, answer, now);
      return;
    }
    const hash = digest(key);
    const [running, stored] = this.keys(hash);
    this.leases.drop(`idem:${hash}`);
    const keep = answer && answer.body.byteLength <= MAX_SHARED_ANSWER_BYTES ? encodeAnswer(answer) : undefined;
    void this.link.call(
      async (client) => {
        if (keep) await client.set(stored, keep, "PX", IDEMPOTENCY_WINDOW_MS);
        await client.del(running);
        return client.publish(this.link.prefix + CHANNEL, hash);
      },
      { background: true },
    );
  }

  /** Waits for the first request's end: its answer, or undefined when it left none (then the duplicate runs). */
  private wait(hash: string): Promise<Outcome> {
    const [running] = this.keys(hash);
    return new Promise<Outcome>((resolve) => {
      const list = this.waiting.get(hash) ?? new Set<() => void>();
      this.waiting.set(hash, list);
      let looking = false;
      const done = (outcome: Outcome) => {
        clearInterval(timer);
        list.delete(look);
        if (!list.size) this.waiting.delete(hash);
        resolve(outcome);
      };
      const look = async () => {
        if (looking) return;
        looking = true;
        try {
          const answer = await this.read(hash);
          if (answer) return done(answer);
          const still = await this.link.call((client) => client.exists(running));
          // Gone without an answer (failed, too large, or its instance died and the lease lapsed), or Redis is away.
          if (still !== true) done(undefined);
        } finally {
          looking = false;
        }
      };
      list.add(look);
      const timer = setInterval(look, POLL_MS);
    });
  }

  private async read(hash: string): Promise<Outcome> {
    const bytes = await this.link.call((client) => client.getBuffer(this.keys(hash)[1]!));
    return bytes && bytes !== UNAVAILABLE ? decodeAnswer(bytes) : undefined;
  }

  private keys(hash: string): [string, string] {
    const base = `${this.link.prefix}idempotency:${hash}`;
    return [`${base}:running`, `${base}:answer`];
  }
}

/** The scoped key (API key id and the client's Idempotency-Key) hashed: fixed length, nothing the client wrote in a key name. */
const digest = (key: string) => new Bun.CryptoHasher("sha256").update(key).digest("hex");
