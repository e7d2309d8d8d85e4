// Long dashboard requests (a live model call, the monitor's SSE stream) lift Bun's idle timeout for themselves.
import type { Context } from "hono";
import type { AppEnv } from "../context.ts";

/** The dashboard app is mounted without AppEnv, so the Bun server binding is read through this one typed look. */
export function liftIdleTimeout(c: Context): void {
  (c.env as AppEnv["Bindings"] | undefined)?.server?.timeout(c.req.raw, 0);
}
