// Signing in and out, shared by /api/auth and the dashboard's login form; every password check goes through the throttle.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/bun";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
import type { AttemptDecision } from "./login-throttle.ts";
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from "./session.ts";

export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

function cookieOptions(services: Services) {
  return { httpOnly: true, sameSite: "Lax" as const, path: "/", secure: services.config.authCookieSecure };
}

function refusal(decision: Extract<AttemptDecision, { allowed: false }>): GatewayError {
  const wait = decision.retryAfter;
  const message = (() => {
    switch (decision.reason) {
      case "address": return `Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 60)} minute(s).`;
      case "global": return `Too many failed sign-ins on this gateway just now; try again in ${wait} second(s).`;
      case "busy": return "Other password checks are running; try again in a second.";
      default: {
        const unreachable: never = decision.reason;
        throw new Error(`unhandled throttle reason ${String(unreachable)}`);
      }
    }
  })();
  return new GatewayError("rate_limit", message, { retryAfter: wait, code: "login_throttled" });
}

/** Checks `password` against the dashboard password, counted by the throttle before argon2 runs. Throws 429 when refused. */
async function checkPassword(c: Context, services: Services, password: string): Promise<boolean> {
  const decision = await services.loginThrottle.begin(clientIp(c));
  if (!decision.allowed) throw refusal(decision);
  let ok = false;
  try {
    ok = await services.password.verify(password);
  } finally {
    if (ok) decision.attempt.succeeded();
    else decision.attempt.failed();
  }
  return ok;
}

/** Checks the password (throttled) and sets the session cookie; throws 429 or 401 in the caller's shape. */
export async function signIn(c: Context, services: Services, password: string): Promise<void> {
  if (!(await checkPassword(c, services, password))) {
    throw new GatewayError("authentication", "Wrong password.", { code: "wrong_password", param: "password" });
  }
  await issueSession(c, services);
}

export async function issueSession(c: Context, services: Services): Promise<void> {
  setCookie(c, SESSION_COOKIE, await services.sessions.issue(), { ...cookieOptions(services), maxAge: SESSION_TTL_SECONDS });
}

/** Ends this browser's session on the server (its token no longer opens anything) and clears the cookie. */
export async function signOut(c: Context, services: Services): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await services.sessions.revoke(token);
  deleteCookie(c, SESSION_COOKIE, cookieOptions(services));
}

/** Changes the password (the current one checked through the throttle); every session ends, this browser gets a fresh one. */
export async function changePassword(c: Context, services: Services, current: string, next: string): Promise<void> {
  if (!(await checkPassword(c, services, current))) {
    throw new GatewayError("authentication", "The current password is wrong.", { code: "wrong_password", param: "current" });
  }
  await services.password.change(next);
  services.sessions.revokeAll();
  await issueSession(c, services);
}
