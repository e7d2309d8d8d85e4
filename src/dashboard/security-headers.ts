// Response headers browsers act on: nosniff on every answer; the dashboard's pages also refuse framing and send no referrer.
import type { MiddlewareHandler } from "hono";

/** Paths whose answers a browser renders as pages of the dashboard (and its static files). */
function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/login" || path === "/logout" || path.startsWith("/dashboard") || path.startsWith("/static/");
}

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
    if (isDashboardPath(c.req.path)) {
      headers.set("x-frame-options", "DENY");
      headers.set("content-security-policy", "frame-ancestors 'none'");
      headers.set("referrer-policy", "no-referrer");
      headers.set("cross-origin-opener-policy", "same-origin");
    }
  };
}
