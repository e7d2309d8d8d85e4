// A custom node's extra headers (often `Authorization: Bearer ...`): sealed at rest with the SecretBox, masked in every answer.
import type { SecretBox } from "../auth/secret-box.ts";
import { maskSecret } from "../auth/secret-box.ts";
import type { Store } from "../db/store.ts";
import { listProviderNodes, setProviderNodeHeaders, type ProviderNodeRow } from "../db/queries/provider-nodes.ts";

export type NodeHeaders = Record<string, string>;

/** The stored column: a sealed string, or (a row from before headers were sealed) the headers in clear. */
export type StoredNodeHeaders = ProviderNodeRow["headers"];

export function sealNodeHeaders(secrets: SecretBox, headers: NodeHeaders | undefined | null): string | null {
  return headers && Object.keys(headers).length ? secrets.seal(JSON.stringify(headers)) : null;
}

/** The headers in clear; undefined when they were sealed with another ENCRYPTION_KEY (an imported database). */
export function openNodeHeaders(secrets: SecretBox, stored: StoredNodeHeaders): NodeHeaders | undefined {
  if (stored === null || stored === undefined) return {};
  if (typeof stored !== "string") return stored;
  try {
    return JSON.parse(secrets.open(stored)) as NodeHeaders;
  } catch {
    return undefined;
  }
}

/** Every value masked (`Bear…wxyz`): enough to recognise a header, never enough to use it. */
export function maskNodeHeaders(headers: NodeHeaders): NodeHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskSecret(value)]));
}

/**
 * An update's headers with the stored value kept wherever the caller sent back the mask it was shown
 * (GET then PUT of the same node must not replace a token with its mask).
 */
export function mergeMaskedHeaders(next: NodeHeaders, stored: NodeHeaders): NodeHeaders {
  return Object.fromEntries(
    Object.entries(next).map(([name, value]) => {
      const before = stored[name];
      return [name, before !== undefined && value === maskSecret(before) ? before : value];
    }),
  );
}

/** Seal the headers of rows written before they were sealed (run when the registry loads); returns how many. */
export async function sealLegacyNodeHeaders(store: Store, secrets: SecretBox, rows?: ProviderNodeRow[]): Promise<number> {
  let sealed = 0;
  for (const row of rows ?? (await listProviderNodes(store))) {
    if (row.headers === null || typeof row.headers === "string") continue;
    await setProviderNodeHeaders(store, row.id, sealNodeHeaders(secrets, row.headers));
    sealed++;
  }
  return sealed;
}
