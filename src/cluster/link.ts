// The link to Redis (REDIS_URL): one command connection and one subscriber, a short timeout on every call, an
// outage noticed once (logged, shown on /readyz and the Health page) and a reconnect loop that brings shared state back.
import { RedisClient } from "bun";
import { log } from "../log.ts";

/** What a call gets back when Redis cannot answer in time: the caller falls back to its in-memory state. */
/** Longest any Redis call may take before the caller falls back to its own state (ms). */
export const DEFAULT_TIMEOUT_MS = 250;

/** Writes nothing waits for (write-through, releases) may take this long before they are given up. */
const BACKGROUND_TIMEOUT_MS = 2_000;
/** Calls in a row that get no answer in time before the link counts Redis as away. */
const SLOW_CALLS_FOR_OUTAGE = 3;

export const UNAVAILABLE: unique symbol = Symbol("redis unavailable");
export type Unavailable = typeof UNAVAILABLE;

export interface SharedStateStatus {
  /** Where hot state lives: Redis, or this instance alone while Redis is away. */
  state: "shared" | "local";
  /** The Redis address without its password. */
  url: string;
  /** Since when it is in that state (ms). */
  since: number;
  /** Why Redis is away (the last error), while it is. */
  reason?: string;
}

export interface LinkOptions {
  /** Longest any call waits for Redis before the caller falls back (ms). */
  timeoutMs?: number;
  /** How often a lost link tries to reconnect (ms). */
  retryMs?: number;
  /** Key and channel prefix, so several gateways (or tests) can share one Redis apart. */
  prefix?: string;
}

/** A Lua script run with EVALSHA, loaded with EVAL when Redis does not know it yet (after a restart). */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = new Bun.CryptoHasher("sha1").update(source).digest("hex");
  }
}

type Listener = (message: string) => void;

export class RedisLink {
  readonly prefix: string;
  /** This process's id on the channels: it skips its own messages. */
  readonly instanceId = crypto.randomUUID();
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private cmd: RedisClient | undefined;
  private sub: RedisClient | undefined;
  private up = false;
  private since = Date.now();
  private reason: string | undefined = "not connected yet";
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private everUp = false;
  private slowInARow = 0;
  private connecting: Promise<boolean> | undefined;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly reconnected: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly url: string,
    options: LinkOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retryMs = options.retryMs ?? 1_000;
    this.prefix = options.prefix ?? "omniroute:";
  }

  /** Connect once (bounded by the timeout); when Redis is away the gateway starts anyway and keeps trying. */
  async start(): Promise<void> {
    if (!(await this.connect())) this.scheduleRetry();
  }

  status(): SharedStateStatus {
    return {
      state: this.up && this.pending === 0 ? "shared" : "local",
      url: redactUrl(this.url),
      since: this.since,
      ...(this.up && this.pending === 0 ? {} : { reason: this.up ? "subscribing to the other instances' changes" : this.reason }),
    };
  }

  get connected(): boolean {
    return this.up;
  }

  /** Runs after every (re)connection, to load what changed while the link was down. */
  onConnect(fn: () => void | Promise<void>): void {
    this.reconnected.push(fn);
    if (this.up) void Promise.resolve(fn()).catch((err) => log.warn("shared state: reading from Redis failed", err));
  }

  /**
   * One call on the command connection, or UNAVAILABLE at once while Redis is away, or after the timeout. A write
   * nothing waits for (`background`) may take longer: a busy moment must not lose it.
   */
  async call<T>(fn: (client: RedisClient) => Promise<T>, { background = false } = {}): Promise<T | Unavailable> {
    const client = this.cmd;
    if (!this.up || !client) return UNAVAILABLE;
    const ms = background ? BACKGROUND_TIMEOUT_MS : this.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Unavailable>((resolve) => {
      timer = setTimeout(() => resolve(UNAVAILABLE), ms);
    });
    try {
      const result = await Promise.race([fn(client), timeout]);
      if (result !== UNAVAILABLE) this.slowInARow = 0;
      // One slow answer on a busy machine is not an outage; several in a row are (a Redis that hangs).
      else if (++this.slowInARow >= SLOW_CALLS_FOR_OUTAGE) this.lost(`no answer within ${ms} ms, ${this.slowInARow} times in a row`);
      return result;
    } catch (err) {
      // A script error is a bug, not an outage: it is thrown. A closed connection is an outage.
      if (isServerError(err)) throw err;
      this.lost(err instanceof Error ? err.message : String(err));
      return UNAVAILABLE;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a script (EVALSHA, EVAL when the server does not have it). */
  eval(script: LuaScript, keys: string[], args: Array<string | number>, options: { background?: boolean } = {}): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    return this.call(async (client) => {
      try {
        return await client.send("EVALSHA", [script.sha, ...tail]);
      } catch (err) {
        if (!String(err instanceof Error ? err.message : err).includes("NOSCRIPT")) throw err;
        return client.send("EVAL", [script.source, ...tail]);
      }
    }, options);
  }

  /** Tell the other instances (a no-op while Redis is away: they resync when it returns). */
  publish(channel: string, message: string): void {
    void this.call((client) => client.publish(this.prefix + channel, message), { background: true });
  }

  /** Hear a channel; the subscription is made again after every reconnect. */
  subscribe(channel: string, listener: Listener): void {
    const list = this.listeners.get(channel) ?? [];
    list.push(listener);
    this.listeners.set(channel, list);
    const sub = this.sub;
    // Heard from now on; what was published before is read from Redis once the subscription holds.
    if (sub && this.up)
      void this.listenToAll(sub).then(() => {
        if (this.sub === sub) return this.reload();
      });
    else if (sub) void this.listenToAll(sub);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.drop();
  }

  /** Channels the current subscriber connection listens to (a new connection starts with none). */
  private listening = new Set<string>();

  /** Listen on the current subscriber to every channel asked for so far that it does not listen to yet. */
  private listenToAll(sub: RedisClient): Promise<unknown> {
    const missing = [...this.listeners.keys()].filter((channel) => !this.listening.has(channel));
    for (const channel of missing) this.listening.add(channel);
    this.pending += missing.length;
    return Promise.all(missing.map((channel) => this.listen(sub, channel).finally(() => this.pending--))).catch((err) => {
      if (this.sub === sub) this.lost(`subscribing failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Subscriptions asked for and not confirmed yet: until they are, this instance may miss what others publish. */
  private pending = 0;

  /** Run every reload (after a connection, or a subscription that came late). */
  private async reload(): Promise<void> {
    for (const fn of this.reconnected) {
      try {
        await fn();
      } catch (err) {
        log.warn("shared state: reloading from Redis failed", err);
      }
    }
  }

  private async listen(sub: RedisClient, channel: string): Promise<void> {
    await sub.subscribe(this.prefix + channel, (message) => {
      for (const l of this.listeners.get(channel) ?? []) {
        try {
          l(message);
        } catch (err) {
          log.warn(`shared state: a message on ${channel} could not be applied`, err);
        }
      }
    });
  }

  private connect(): Promise<boolean> {
    this.connecting ??= this.tryConnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async tryConnect(): Promise<boolean> {
    const options = { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: Math.max(this.timeoutMs, 1_000) };
    const cmd = new RedisClient(this.url, options);
    const sub = new RedisClient(this.url, options);
    try {
      await withTimeout(Promise.all([cmd.connect(), sub.connect()]), options.connectionTimeout);
      if (this.closed) throw new Error("closed");
    } catch (err) {
      cmd.close();
      sub.close();
      this.reason = err instanceof Error ? err.message : String(err);
      return false;
    }
    const onClose = (err: Error) => {
      if (this.cmd === cmd) this.lost(err?.message || "connection closed");
    };
    cmd.onclose = onClose;
    sub.onclose = onClose;
    this.cmd = cmd;
    this.sub = sub;
    this.listening = new Set();
    this.pending = 0;
    // Channels asked for before and while connecting: heard from now on (what was published meanwhile is reloaded below).
    await withTimeout(this.listenToAll(sub), this.timeoutMs * 4).catch(() => {});
    if (this.sub !== sub) return false;
    this.up = true;
    this.slowInARow = 0;
    this.since = Date.now();
    this.reason = undefined;
    log.info(`shared state: connected to Redis at ${redactUrl(this.url)}${this.everUp ? " again" : ""}`);
    this.everUp = true;
    await this.reload();
    return this.up;
  }

  /** The link broke: fall back to per-instance state, say so once, keep trying to come back. */
  private lost(reason: string): void {
    if (this.closed) return;
    const wasUp = this.up;
    this.up = false;
    this.reason = reason;
    this.drop();
    if (wasUp) {
      this.since = Date.now();
      log.warn(
        `shared state: Redis at ${redactUrl(this.url)} unreachable (${reason}); serving on this instance's own state until it returns`,
      );
    }
    this.scheduleRetry();
  }

  private drop(): void {
    const { cmd, sub } = this;
    this.cmd = undefined;
    this.sub = undefined;
    for (const c of [cmd, sub]) {
      if (!c) continue;
      c.onclose = null;
      c.close();
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(async () => {
      this.retry = undefined;
      if (this.closed || this.up) return;
      if (!(await this.connect())) this.scheduleRetry();
    }, this.retryMs);
    this.retry.unref?.();
  }
}

function isServerError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "ERR_REDIS_SERVER_ERROR";
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** redis://user:secret@host:6379/0 -> redis://user:***@host:6379/0 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid REDIS_URL)";
  }
}
