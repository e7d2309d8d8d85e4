// Places held in Redis (account slots, budget holds, running idempotent requests) expire unless the instance holding
// them renews them: a live instance renews every few seconds, one killed with -9 lets them lapse within a lease.
import type { RedisLink } from "./link.ts";

/** How long a place held in Redis lasts without renewal (ms). */
export const LEASE_MS = 30_000;
export class Leases {
  private readonly live = new Map<string, () => Promise<unknown>>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly link: RedisLink,
    /** How long each place lasts without renewal; renewed every third of it. */
    readonly ms = LEASE_MS,
  ) {
    this.timer = setInterval(() => this.renewAll(), ms / 3);
    this.timer.unref?.();
  }

  /** Keep renewing `id` with `renew` (one Redis call) until `drop(id)`. */
  keep(id: string, renew: () => Promise<unknown>): void {
    this.live.set(id, renew);
  }

  drop(id: string): void {
    this.live.delete(id);
  }

  get size(): number {
    return this.live.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private renewAll(): void {
    if (!this.link.connected) return;
    for (const renew of this.live.values()) void renew().catch(() => {});
  }
}
