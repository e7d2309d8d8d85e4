// Brute-force protection for the login: 5 failures from one IP within 15 minutes lock it out until the window passes.

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

export interface LoginThrottle {
  /** Seconds until this IP may try again, or 0 when it may try now. */
  retryAfter(ip: string, now?: number): number;
  recordFailure(ip: string, now?: number): void;
  recordSuccess(ip: string): void;
  /** IPs currently locked out, for /api/health. */
  lockouts(now?: number): Array<{ ip: string; until: number }>;
}

export function createLoginThrottle(): LoginThrottle {
  const failures = new Map<string, number[]>();
  const recent = (ip: string, now: number) => (failures.get(ip) ?? []).filter((t) => now - t < WINDOW_MS);
  return {
    retryAfter(ip, now = Date.now()) {
      const times = recent(ip, now);
      if (times.length < MAX_FAILURES) return 0;
      return Math.ceil((times[times.length - MAX_FAILURES]! + WINDOW_MS - now) / 1000);
    },
    recordFailure(ip, now = Date.now()) {
      const times = recent(ip, now);
      times.push(now);
      failures.set(ip, times.slice(-MAX_FAILURES));
    },
    recordSuccess(ip) {
      failures.delete(ip);
    },
    lockouts(now = Date.now()) {
      const out: Array<{ ip: string; until: number }> = [];
      for (const [ip, times] of failures) {
        const live = times.filter((t) => now - t < WINDOW_MS);
        if (live.length >= MAX_FAILURES) out.push({ ip, until: live[live.length - MAX_FAILURES]! + WINDOW_MS });
      }
      return out;
    },
  };
}
