// Bun closes a connection silent for IDLE_TIMEOUT_SECONDS. A long answer (a proxied call, a transcription, the
// dashboard's live monitor or chat tester) lifts it for its own request once its body is in: the one place that does.
import type { Context } from "hono";
import type { AppEnv } from "../../context.ts";

/** Typed once here: the dashboard's app is mounted without AppEnv, so its context reaches the server binding through this look. */
export function liftIdleTimeout(c: Context): void {
  (c.env as AppEnv["Bindings"] | undefined)?.server?.timeout(c.req.raw, 0);
}
