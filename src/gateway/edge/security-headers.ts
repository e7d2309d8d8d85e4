// Response headers browsers act on: nosniff on every answer; the dashboard's pages also refuse framing and send no referrer.

/** Paths whose answers a browser renders as pages of the dashboard (and its static files). */
function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/login" || path === "/logout" || path.startsWith("/dashboard") || path.startsWith("/static/");
}

/** Adds the headers to an answer about to leave for `path`. */
export function addSecurityHeaders(headers: Headers, path: string): void {
  headers.set("x-content-type-options", "nosniff");
  if (isDashboardPath(path)) {
    headers.set("x-frame-options", "DENY");
    headers.set("content-security-policy", "frame-ancestors 'none'");
    headers.set("referrer-policy", "no-referrer");
    headers.set("cross-origin-opener-policy", "same-origin");
  }
}
