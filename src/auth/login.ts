// Signing in and out, shared by /api/auth and the dashboard's login form.
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/bun";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";
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

/** Checks the password (throttled per IP) and sets the session cookie; throws 429 or 401 in the caller's shape. */
export async function signIn(c: Context, services: Services, password: string): Promise<void> {
  const ip = clientIp(c);
  const wait = services.loginThrottle.retryAfter(ip);
  if (wait > 0) {
    throw new GatewayError("rate_limit", `Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 60)} minute(s).`, {
      retryAfter: wait,
      code: "login_throttled",
    });
  }
  if (!(await services.password.verify(password))) {
    services.loginThrottle.recordFailure(ip);
    throw new GatewayError("authentication", "Wrong password.", { code: "wrong_password", param: "password" });
  }
  services.loginThrottle.recordSuccess(ip);
  await issueSession(c, services);
}

export async function issueSession(c: Context, services: Services): Promise<void> {
  setCookie(c, SESSION_COOKIE, await services.sessions.issue(), { ...cookieOptions(services), maxAge: SESSION_TTL_SECONDS });
}

export function signOut(c: Context, services: Services): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(services));
}

/** Changes the password; every older session is void, this browser gets a fresh one. */
export async function changePassword(c: Context, services: Services, current: string, next: string): Promise<void> {
  if (!(await services.password.verify(current))) {
    throw new GatewayError("authentication", "The current password is wrong.", { code: "wrong_password", param: "current" });
  }
  await services.password.change(next);
  await issueSession(c, services);
}
