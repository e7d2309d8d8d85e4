// Per-request values, typed once for every handler.
import type { Server } from "bun";
import type { ApiKey } from "./auth/key-store.ts";
import type { Services } from "./services.ts";

declare module "hono" {
  interface ContextVariableMap {
    services: Services;
    requestId: string;
    /** The client's API key, or null for an anonymous call (when keys are not required). */
    apiKey: ApiKey | null;
    /** How a management request was authenticated. */
    authVia: "cookie" | "key" | "open";
  }
}

export type AppEnv = { Bindings: { server?: Server<unknown> } };
