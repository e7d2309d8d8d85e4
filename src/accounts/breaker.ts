// Per-provider circuit breaker: closed -> open after N consecutive failures -> half-open lets one probe through -> closed.
import type { MaybePromise } from "./limits.ts";
import type { Profile } from "./profiles.ts";

export type BreakerPhase = "closed" | "open" | "half_open";

export interface BreakerState {
  provider: string;
  phase: BreakerPhase;
  failures: number;
  /** While open: when the next probe may go. */
  openUntil: number;
  /** How many times in a row it opened: the next open lasts longer (capped by the backoff cap). */
  trips: number;
  probeInFlight: boolean;
}

export type BreakerDecision = "allow" | "probe" | "deny";

/** Breaker state is hot state: one in memory here, a shared one when several instances run. */
export interface CircuitBreakers {
  /** May a request go to this provider now? "probe" means it is the single half-open trial (decided atomically). */
  check(provider: string, now?: number): MaybePromise<BreakerDecision>;
  succeeded(provider: string): void;
  failed(provider: string, profile: Profile, now?: number): void;
  /** A probe that ended without a verdict on the provider (e.g. the client's own error) frees the probe. */
  releaseProbe(provider: string): void;
  /** Every provider's state as it stands now (an open breaker past its time shows as half-open). */
  list(now?: number): BreakerState[];
  /** The raw states, for the snapshot written to the database. */
  all(): BreakerState[];
  restore(states: BreakerState[]): void;
  /** Close one provider's breaker, or all; the number closed. */
  reset(provider?: string): number;
}

export class MemoryBreakers implements CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(private readonly onChange: () => void = () => {}) {}

  private state(provider: string): BreakerState {
    let s = this.states.get(provider);
    if (!s) this.states.set(provider, (s = { provider, phase: "closed", failures: 0, openUntil: 0, trips: 0, probeInFlight: false }));
    return s;
  }

  /** May a request go to this provider now? "probe" means it is the single half-open trial. */
  check(provider: string, now = Date.now()): BreakerDecision {
    const s = this.states.get(provider);
    if (!s || s.phase === "closed") return "allow";
    if (s.phase === "open") {
      if (now < s.openUntil) return "deny";
      s.phase = "half_open";
      s.probeInFlight = false;
    }
    if (s.probeInFlight) return "deny";
    s.probeInFlight = true;
    return "probe";
  }

  succeeded(provider: string): void {
    const s = this.states.get(provider);
    if (!s || (s.phase === "closed" && s.failures === 0)) return;
    const wasOpen = s.phase !== "closed";
    this.states.set(provider, { provider, phase: "closed", failures: 0, openUntil: 0, trips: 0, probeInFlight: false });
    if (wasOpen) this.onChange();
  }

  failed(provider: string, profile: Profile, now = Date.now()): void {
    const s = this.state(provider);
    s.failures++;
    if (s.phase === "half_open" || s.failures >= profile.failureThreshold) {
      s.trips++;
      s.phase = "open";
      s.probeInFlight = false;
      s.openUntil =
        now + Math.min(Math.max(profile.backoffCapMs, profile.breakerCooldownMs), profile.breakerCooldownMs * 2 ** (s.trips - 1));
      this.onChange();
    }
  }

  /** A probe that ended without a verdict on the provider (e.g. the client's own error) frees the slot. */
  releaseProbe(provider: string): void {
    const s = this.states.get(provider);
    if (s) s.probeInFlight = false;
  }

  list(now = Date.now()): BreakerState[] {
    return [...this.states.values()].map((s) => (s.phase === "open" && now >= s.openUntil ? { ...s, phase: "half_open" as const } : s));
  }

  all(): BreakerState[] {
    return [...this.states.values()];
  }

  /** One provider's raw state, if it has one. */
  peek(provider: string): BreakerState | undefined {
    return this.states.get(provider);
  }

  restore(states: BreakerState[]): void {
    for (const s of states) this.states.set(s.provider, { ...s, probeInFlight: false });
  }

  reset(provider?: string): number {
    const n = provider ? (this.states.delete(provider) ? 1 : 0) : this.states.size;
    if (!provider) this.states.clear();
    if (n) this.onChange();
    return n;
  }
}
