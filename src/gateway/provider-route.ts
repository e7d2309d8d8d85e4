// /v1/providers/{provider}/...: requests pinned to one provider; its prefix is added when missing, another's is a 400.
import { GatewayError } from "../canonical/errors.ts";
import { splitModelName } from "../routing/resolve.ts";
import type { ProviderSpec } from "../providers/types.ts";
import type { Services } from "../services.ts";

export function requirePinnedProvider(services: Services, name: string): ProviderSpec {
  const spec = services.providers.get(name);
  if (!spec)
    throw new GatewayError("not_found", `Unknown provider "${name}". GET /api/providers/catalog lists them.`, {
      code: "provider_not_found",
    });
  return spec;
}

/** The model name as the router takes it, for a request pinned to `spec`. */
export function pinModel(services: Services, spec: ProviderSpec, model: unknown): string {
  if (typeof model !== "string" || !model) throw new GatewayError("invalid_request", "The request must name a model.", { param: "model" });
  if (spec.models.some((m) => m.id === model)) return `${spec.alias}/${model}`;
  const parts = splitModelName(model);
  const named = parts && services.providers.get(parts.prefix);
  if (!named) return `${spec.alias}/${model}`;
  if (named.id !== spec.id) {
    throw new GatewayError(
      "invalid_request",
      `Model "${model}" belongs to provider "${named.id}", but this route is pinned to "${spec.id}".`,
      { param: "model", code: "provider_mismatch" },
    );
  }
  return model;
}
