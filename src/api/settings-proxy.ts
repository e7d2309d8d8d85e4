// /api/settings/proxy: outbound proxies (global, per provider, combo, API key), passwords never returned; and a live test.
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import {
  PROXY_LEVELS,
  ProxyPatchSchema,
  ProxyServerSchema,
  type ProxyLevel,
  type ProxyPatch,
  type ProxyServer,
} from "../network/proxy-config.ts";
import { testProxy } from "../network/proxy-test.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

const ProxyTestSchema = z
  .object({
    /** A proxy to try as given (a password is used only if sent). */
    proxy: ProxyServerSchema.optional(),
    /** Or a stored entry: "global", or "providers" / "combos" / "keys" with its id. */
    level: z.enum(["global", ...PROXY_LEVELS]).optional(),
    id: z.string().min(1).max(200).optional(),
    /** What to fetch through it; default this gateway's own /healthz (BASE_URL). */
    url: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
      .max(2000)
      .optional(),
  })
  .strict();

export function settingsProxyRoutes(services: Services) {
  return new Hono()
    .get("/", (c) => c.json(services.proxies.view()))
    .put("/", validate("json", ProxyPatchSchema), async (c) =>
      c.json(await services.proxies.update(normalizePatch(services, c.req.valid("json")))),
    )
    .post("/test", validate("json", ProxyTestSchema), async (c) => {
      const body = c.req.valid("json");
      const server = body.proxy ? toServer(body.proxy) : storedServer(services, body.level, body.id);
      return c.json(await testProxy(services, server, body.url ?? defaultTestUrl(services, c.req.url)));
    });
}

function toServer(input: z.infer<typeof ProxyServerSchema>): ProxyServer {
  const { password, username, ...rest } = input;
  return { ...rest, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function storedServer(services: Services, level: "global" | ProxyLevel | undefined, id: string | undefined): ProxyServer {
  if (!level)
    throw new GatewayError("invalid_request", "Send `proxy` (the proxy to try) or `level` (and `id`) naming a stored one.", {
      param: "proxy",
    });
  const config = services.proxies.get();
  if (level !== "global" && !id) throw new GatewayError("invalid_request", `Name the ${level} entry to test in \`id\`.`, { param: "id" });
  const entry = level === "global" ? config.global : config[level][id!];
  if (!entry)
    throw new GatewayError("not_found", `No ${level === "global" ? "global proxy" : `proxy for ${level} "${id}"`} is configured.`, {
      code: "proxy_not_found",
    });
  if (entry.type === "none")
    throw new GatewayError("invalid_request", "That entry says `none` (connect directly): there is no proxy to test.", { param: "level" });
  return entry;
}

/** BASE_URL's /healthz; when the gateway listens on a random port (PORT=0), the address this request came to. */
function defaultTestUrl(services: Services, requestUrl: string): string {
  const base = new URL(services.config.baseUrl);
  return new URL("/healthz", base.port === "0" ? new URL(requestUrl).origin : base).toString();
}

/** Provider aliases become ids and combo names their stored spelling; unknown names are refused (removals pass). */
export function normalizePatch(services: Services, patch: ProxyPatch): ProxyPatch {
  const out: ProxyPatch = { ...patch };
  for (const level of PROXY_LEVELS) {
    const entries = patch[level];
    if (!entries) continue;
    out[level] = Object.fromEntries(
      Object.entries(entries).map(([name, entry]) => {
        const id = canonicalName(services, level, name);
        if (id === undefined && entry !== null) {
          throw new GatewayError("invalid_request", `${level}.${name}: ${unknownMessage(level, name)}`, { param: `${level}.${name}` });
        }
        return [id ?? name, entry];
      }),
    );
  }
  return out;
}

function canonicalName(services: Services, level: ProxyLevel, name: string): string | undefined {
  switch (level) {
    case "providers":
      return services.providers.get(name)?.id;
    case "combos": {
      const combo = services.combos.byName(name);
      if (combo) return combo.name;
      return services.settings.get().fallbackChains.find((ch) => ch.name.toLowerCase() === name.toLowerCase())?.name;
    }
    case "keys":
      return services.apiKeys.list().some((k) => k.id === name) ? name : undefined;
  }
}

function unknownMessage(level: ProxyLevel, name: string): string {
  switch (level) {
    case "providers":
      return `no provider "${name}" (GET /api/providers/catalog lists them).`;
    case "combos":
      return `no combo or fallback chain named "${name}".`;
    case "keys":
      return `no API key with id "${name}" (GET /api/keys lists them).`;
  }
}
