// Login attempts in progress (between /start and /complete), in memory, each for at most its flow's lifetime.
import type { PendingData } from "./types.ts";

export interface LoginSession {
  provider: string;
  pending: PendingData;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 15 * 60_000;
const MAX_SESSIONS = 100;

export class LoginSessions {
  private readonly sessions = new Map<string, LoginSession>();

  open(provider: string, pending: PendingData, ttlMs = DEFAULT_TTL_MS): string {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const state = crypto.randomUUID().replaceAll("-", "");
    this.sessions.set(state, { provider, pending, expiresAt: Date.now() + ttlMs });
    return state;
  }

  get(state: string, provider: string): LoginSession | undefined {
    this.sweep();
    const s = this.sessions.get(state);
    return s && s.provider === provider ? s : undefined;
  }

  close(state: string): void {
    this.sessions.delete(state);
  }

  private sweep(now = Date.now()): void {
    for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
  }
}
