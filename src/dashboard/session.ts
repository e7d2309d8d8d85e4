// Dashboard pages need a session (unless login is turned off); a page request without one goes to /login.
import type { MiddlewareHandler } from "hono";
import { hasSession, isSameOrigin } from "../auth/manage-auth.ts";
import { GatewayError } from "../canonical/errors.ts";
import type { Services } from "../services.ts";

export function requireDashboardSession(services: Services): MiddlewareHandler {
  return async function requireDashboardSession(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !isSameOrigin(c)) {
      throw new GatewayError("permission", "Cross-site request refused.", { code: "csrf" });
    }
    if (!services.settings.get().requireLogin || (await hasSession(c, services))) return next();
    // htmx requests get a redirect header; full page loads a plain redirect.
    const target = `/login?next=${encodeURIComponent(c.req.path)}`;
    if (c.req.header("hx-request")) return c.body(null, 204, { "hx-redirect": target });
    return c.redirect(target);
  };
}
