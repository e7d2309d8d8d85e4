// /api/auth: sign in (throttled), sign out, status, change password.
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/bun";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { hasSession } from "../auth/manage-auth.ts";
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from "../auth/session.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export function clientIp(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function authRoutes(services: Services) {
  const cookieOptions = {
    httpOnly: true,
    sameSite: "Lax" as const,
    path: "/",
    secure: services.config.authCookieSecure,
  };

  return new Hono()
    .post("/login", validate("json", z.object({ password: z.string().min(1).max(1000) })), async (c) => {
      const ip = clientIp(c);
      const wait = services.loginThrottle.retryAfter(ip);
      if (wait > 0) {
        throw new GatewayError("rate_limit", `Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 60)} minute(s).`, {
          retryAfter: wait,
          code: "login_throttled",
        });
      }
      if (!(await services.password.verify(c.req.valid("json").password))) {
        services.loginThrottle.recordFailure(ip);
        throw new GatewayError("authentication", "Wrong password.", { code: "wrong_password" });
      }
      services.loginThrottle.recordSuccess(ip);
      setCookie(c, SESSION_COOKIE, await services.sessions.issue(), { ...cookieOptions, maxAge: SESSION_TTL_SECONDS });
      return c.json({ ok: true, defaultPassword: services.password.isDefault() });
    })
    .post("/logout", (c) => {
      deleteCookie(c, SESSION_COOKIE, cookieOptions);
      return c.json({ ok: true });
    })
    .get("/status", async (c) =>
      c.json({
        authenticated: await hasSession(c, services),
        requireLogin: services.settings.get().requireLogin,
        defaultPassword: services.password.isDefault(),
      }),
    )
    .post("/password", validate("json", z.object({ current: z.string().min(1), next: z.string().min(8, "must be at least 8 characters").max(1000) })), async (c) => {
      const { current, next } = c.req.valid("json");
      if (!(await services.password.verify(current))) {
        throw new GatewayError("authentication", "The current password is wrong.", { code: "wrong_password", param: "current" });
      }
      await services.password.change(next);
      // Every older session is now void; give this browser a fresh one.
      setCookie(c, SESSION_COOKIE, await services.sessions.issue(), { ...cookieOptions, maxAge: SESSION_TTL_SECONDS });
      return c.json({ ok: true });
    });
}
