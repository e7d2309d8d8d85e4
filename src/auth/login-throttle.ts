// Brute-force protection for password checks (sign-in, password change): each attempt is counted before it is verified.
// Per address: 5 failures within 15 minutes lock it out until the oldest of them is 15 minutes old. Across all
// addresses: 30 failures within a minute pause every check for the rest of that minute. At most 2 checks run at once.
// The interface is async so a shared store (Redis) can stand in for the in-memory one when several gateways share a door.

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;
export const GLOBAL_MAX_FAILURES = 30;
export const GLOBAL_WINDOW_MS = 60 * 1000;
/** argon2id at 19 MiB per check: more at once only queues memory. */
export const MAX_CONCURRENT_CHECKS = 2;

/** A counted attempt: say how it ended, exactly once. */
export interface PasswordAttempt {
  /** The password was right: this address's failures are forgiven. */
  succeeded(): void;
  /** It was wrong: the failure stays counted. */
  failed(): void;
}

export type AttemptDecision =
  | { allowed: true; attempt: PasswordAttempt }
  | { allowed: false; reason: "address" | "global" | "busy"; retryAfter: number };

export interface LoginThrottle {
  /** Count an attempt from `ip` before its password is checked; refused when locked out or too many checks run. */
  begin(ip: string): Promise<AttemptDecision>;
  /** Addresses currently locked out, for /api/health. */
  lockouts(now?: number): Array<{ ip: string; until: number }>;
}

export interface ThrottleOptions {
  /** The clock (tests move it forward). */
  now?: () => number;
}

/** The in-memory throttle of one gateway process. */
export function createLoginThrottle(options: ThrottleOptions = {}): LoginThrottle {
  const clock = options.now ?? Date.now;
  /** Per address: times of failures and of attempts still being checked. */
  const byIp = new Map<string, number[]>();
  let global: number[] = [];
  let checking = 0;
  const live = (times: number[], now: number, window: number) => times.filter((t) => now - t < window);

  function forget(list: number[], at: number): void {
    const i = list.indexOf(at);
    if (i >= 0) list.splice(i, 1);
  }

  return {
    async begin(ip) {
      const now = clock();
      const mine = live(byIp.get(ip) ?? [], now, WINDOW_MS);
      global = live(global, now, GLOBAL_WINDOW_MS);
      if (mine.length >= MAX_FAILURES) {
        byIp.set(ip, mine);
        return {
          allowed: false,
          reason: "address",
          retryAfter: Math.max(1, Math.ceil((mine[mine.length - MAX_FAILURES]! + WINDOW_MS - now) / 1000)),
        };
      }
      if (global.length >= GLOBAL_MAX_FAILURES) {
        return {
          allowed: false,
          reason: "global",
          retryAfter: Math.max(1, Math.ceil((global[global.length - GLOBAL_MAX_FAILURES]! + GLOBAL_WINDOW_MS - now) / 1000)),
        };
      }
      if (checking >= MAX_CONCURRENT_CHECKS) return { allowed: false, reason: "busy", retryAfter: 1 };
      // Counted as a failure until it proves otherwise, so parallel attempts see it.
      mine.push(now);
      byIp.set(ip, mine);
      global.push(now);
      checking++;
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        checking--;
        return true;
      };
      return {
        allowed: true,
        attempt: {
          succeeded() {
            if (!settle()) return;
            byIp.delete(ip);
            forget(global, now);
          },
          failed() {
            settle();
          },
        },
      };
    },
    lockouts(now = clock()) {
      const out: Array<{ ip: string; until: number }> = [];
      for (const [ip, times] of byIp) {
        const recent = live(times, now, WINDOW_MS);
        if (recent.length >= MAX_FAILURES) out.push({ ip, until: recent[recent.length - MAX_FAILURES]! + WINDOW_MS });
        else if (!recent.length) byIp.delete(ip);
      }
      return out;
    },
  };
}
