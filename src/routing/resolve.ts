// Resolves a requested model name to the ordered provider targets that may serve it.
import { GatewayError } from "../canonical/errors.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { ProviderSpec } from "../providers/types.ts";

export interface Target {
  provider: ProviderSpec;
  /** The model id as the upstream knows it (prefix removed). */
  model: string;
  /** The name the client used for this target (`ds/deepseek-chat`). */
  label: string;
}

/** Split `prefix/model` at the first slash: model ids may contain slashes themselves. */
export function splitModelName(name: string): { prefix: string; model: string } | undefined {
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { prefix: name.slice(0, slash), model: name.slice(slash + 1) };
}

export function resolveTargets(providers: ProviderRegistry, name: string): Target[] {
  const parts = splitModelName(name);
  const provider = parts && providers.get(parts.prefix);
  if (!parts || !provider) {
    throw new GatewayError(
      "not_found",
      `Model "${name}" was not found. Use "provider/model" (for example "ds/deepseek-chat") or a combo name; GET /v1/models lists every model you can call.`,
      { code: "model_not_found", param: "model" },
    );
  }
  return [{ provider, model: parts.model, label: `${provider.alias}/${parts.model}` }];
}
