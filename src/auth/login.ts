// Signing in and out, shared by /api/auth and the dashboard's login form; every password check goes through the throttle.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/bun";
import { GatewayError } from "../canonical/errors.ts";
import type { PasswordStore } from "./password.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { SessionTokens } from "./session.ts";
import type { Config } from "../config.ts";
import type { AttemptDecision } from "./login-throttle.ts";
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from "./session.ts";

/** Signing in: the password, its throttle, the sessions it opens, and whether the cookie is Secure. */
export interface LoginDeps {
  password: PasswordStore;
  loginThrottle: LoginThrottle;
  sessions: SessionTokens;
  config: Pick<Config, "authCookieSecure">;
}

export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

function cookieOptions(deps: LoginDeps) {
  return { httpOnly: true, sameSite: "Lax" as const, path: "/", secure: deps.config.authCookieSecure };
}

function refusal(decision: Extract<AttemptDecision, { allowed: false }>): GatewayError {
  const wait = decision.retryAfter;
  const message = (() => {
    switch (decision.reason) {
      case "address":
        return `Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 60)} minute(s).`;
      case "global":
        return `Too many failed sign-ins on this gateway just now; try again in ${wait} second(s).`;
      case "busy":
        return "Other password checks are running; try again in a second.";
      default: {
        const unreachable: never = decision.reason;
        throw new Error(`unhandled throttle reason ${String(unreachable)}`);
      }
    }
  })();
  return new GatewayError("rate_limit", message, { retryAfter: wait, code: "login_throttled" });
}

/** Checks `password` against the dashboard password, counted by the throttle before argon2 runs. Throws 429 when refused. */
async function checkPassword(c: Context, deps: LoginDeps, password: string): Promise<boolean> {
  const decision = await deps.loginThrottle.begin(clientIp(c));
  if (!decision.allowed) throw refusal(decision);
  let ok = false;
  try {
    ok = await deps.password.verify(password);
  } finally {
    if (ok) decision.attempt.succeeded();
    else decision.attempt.failed();
  }
  return ok;
}

/** Checks the password (throttled) and sets the session cookie; throws 429 or 401 in the caller's shape. */
export async function signIn(c: Context, deps: LoginDeps, password: string): Promise<void> {
  if (!(await checkPassword(c, deps, password))) {
    throw new GatewayError("authentication", "Wrong password.", { code: "wrong_password", param: "password" });
  }
  await issueSession(c, deps);
}

export async function issueSession(c: Context, deps: LoginDeps): Promise<void> {
  setCookie(c, SESSION_COOKIE, await deps.sessions.issue(), { ...cookieOptions(deps), maxAge: SESSION_TTL_SECONDS });
}

/** Ends this browser's session on the server (its token no longer opens anything) and clears the cookie. */
export async function signOut(c: Context, deps: LoginDeps): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deps.sessions.revoke(token);
  deleteCookie(c, SESSION_COOKIE, cookieOptions(deps));
}

/** Changes the password (the current one checked through the throttle); every session ends, this browser gets a fresh one. */
export async function changePassword(c: Context, deps: LoginDeps, current: string, next: string): Promise<void> {
  if (!(await checkPassword(c, deps, current))) {
    throw new GatewayError("authentication", "The current password is wrong.", { code: "wrong_password", param: "current" });
  }
  await deps.password.change(next);
  await deps.sessions.revokeAll();
  await issueSession(c, deps);
}
